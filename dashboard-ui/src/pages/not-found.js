// A mistyped or outdated address: says so, shows the address, and offers the way back (the overview
// when signed in, the login page otherwise), instead of silently landing somewhere else.
import { h, replace } from '../lib/dom.js';

/** Fills `main` (inside the layout) for a signed-in merchant. */
export function notFoundPage(main, { path }) {
  replace(
    main,
    h(
      'section',
      { class: 'not-found', 'data-test-id': 'not-found' },
      h('div', { class: 'page-head' }, h('h1', {}, 'Page not found')),
      h(
        'div',
        { class: 'card' },
        h('p', {}, 'There is no page at ', h('code', {}, path), '.'),
        h('p', {}, h('a', { href: '/dashboard', 'data-test-id': 'not-found-home' }, 'Go to the overview')),
      ),
    ),
  );
  return null;
}

/** Fills the whole app for a visitor who is not signed in. */
export function notFoundSignedOut(root, { path }) {
  replace(
    root,
    h(
      'main',
      { id: 'main', class: 'login-page', tabindex: '-1' },
      h('div', { class: 'brand big', 'aria-hidden': 'true' }, h('span', { class: 'logo' }, 'P'), 'Paystream'),
      h(
        'section',
        { class: 'login-card not-found', 'data-test-id': 'not-found' },
        h('h1', { tabindex: '-1' }, 'Page not found'),
        h('p', {}, 'There is no page at ', h('code', {}, path), '.'),
        h('p', {}, h('a', { href: '/login', 'data-test-id': 'not-found-home' }, 'Sign in')),
      ),
    ),
  );
  root.querySelector('h1').focus({ preventScroll: true });
  return null;
}
