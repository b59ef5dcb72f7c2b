// The dashboard's router: one page at a time inside a shared layout, history-based URLs, a guard
// that sends signed-out visitors to /login, and focus moved to each new page's heading.
import './styles.css';
import { whenSignedOut } from './lib/api.js';
import { historyMoveHandled } from './lib/history.js';
import { nextParam, safeNext } from './lib/next.js';
import { h, replace } from './lib/dom.js';
import { currentMerchant, signOut } from './lib/session.js';
import { announce } from './lib/ui.js';
import { docsPage } from './pages/docs.js';
import { homePage } from './pages/home.js';
import { loginPage } from './pages/login.js';
import { notFoundPage, notFoundSignedOut } from './pages/not-found.js';
import { transactionsPage } from './pages/transactions.js';
import { webhooksPage } from './pages/webhooks.js';

const PAGES = [
  { path: /^\/dashboard\/?$/, nav: '/dashboard', title: 'Overview', page: homePage },
  { path: /^\/dashboard\/transactions(?:\/([A-Za-z0-9_]{1,64}))?\/?$/, nav: '/dashboard/transactions', title: 'Transactions', page: transactionsPage },
  { path: /^\/dashboard\/webhooks\/?$/, nav: '/dashboard/webhooks', title: 'Webhooks', page: webhooksPage },
  { path: /^\/dashboard\/docs\/?$/, nav: '/dashboard/docs', title: 'Integration guide', page: docsPage },
];

const app = document.getElementById('app');
let cleanup = null;
let flash = '';

/** Goes to an in-app path without reloading; `replace` keeps the history entry. */
export function navigate(path, { replace: replaceEntry = false } = {}) {
  if (replaceEntry) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

const onLoginPage = () => location.pathname === '/login' || location.pathname === '/login/';

// Several requests refused at once (a page starts a few) each sign out: the first goes to the
// login page, the others find it there and leave its address (with `next`) and its form alone.
// `next` keeps the list's filters and page (its query), so signing in returns to the same view.
whenSignedOut((text) => {
  if (onLoginPage()) return;
  flash = text;
  navigate(`/login${nextParam(decodedPath(), location.search)}`, { replace: true });
});

function render() {
  cleanup?.();
  cleanup = null;
  document.querySelectorAll('dialog').forEach((d) => d.remove());
  const path = decodedPath();
  const merchant = currentMerchant();

  if (onLoginPage()) {
    if (merchant) return navigate('/dashboard', { replace: true });
    document.title = 'Sign in · Paystream';
    const next = safeNext(new URLSearchParams(location.search).get('next')) || '/dashboard';
    cleanup = loginPage(app, { flash: takeFlash(), onSignedIn: () => navigate(next, { replace: true }) });
    return;
  }
  if (path === '/' || path === '') return navigate(merchant ? '/dashboard' : '/login', { replace: true });
  const found = PAGES.map((p) => ({ p, m: path.match(p.path) })).find((x) => x.m);
  // An address that names no page says so, rather than landing somewhere else unasked.
  const match = found || { p: { nav: null, title: 'Page not found', page: notFoundPage }, m: [path] };
  if (!found && !merchant) {
    document.title = 'Page not found · Paystream';
    cleanup = notFoundSignedOut(app, { path: location.pathname });
    announce('Page not found');
    return;
  }
  if (!merchant) return navigate(`/login${nextParam(path, location.search)}`, { replace: true });

  document.title = `${match.p.title} · Paystream`;
  const main = h('main', { id: 'main', class: 'page', tabindex: '-1' });
  replace(app, layout(merchant, match.p.nav), main);
  // The not-found page shows the address as it came, escapes and all: decoded, a crafted link
  // could make it say anything on this origin.
  cleanup = match.p.page(main, { merchant, params: match.m.slice(1), navigate, path: location.pathname });
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    if (document.activeElement === document.body || !app.contains(document.activeElement)) heading.focus({ preventScroll: true });
  }
  announce(found ? `${match.p.title} page` : match.p.title);
}

// The address as the server matched it: it decodes %-escapes once (so /dashboard/%77ebhooks is the
// webhooks page there, and must be here too). One that cannot be decoded names no page.
function decodedPath() {
  try {
    return decodeURIComponent(location.pathname);
  } catch {
    return location.pathname;
  }
}

function takeFlash() {
  const text = flash;
  flash = '';
  return text;
}

function layout(merchant, current) {
  const link = (href, text) =>
    h('a', { href, 'aria-current': href === current ? 'page' : null, 'data-test-id': `nav-${text.toLowerCase()}` }, text);
  return h(
    'header',
    { class: 'topbar' },
    h('a', { href: '/dashboard', class: 'brand', 'aria-label': 'Paystream dashboard home' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, 'P'), 'Paystream'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      link('/dashboard', 'Overview'),
      link('/dashboard/transactions', 'Transactions'),
      link('/dashboard/webhooks', 'Webhooks'),
      link('/dashboard/docs', 'Docs'),
    ),
    h(
      'div',
      { class: 'account' },
      h('span', { class: 'merchant-name', 'data-test-id': 'merchant-name', title: merchant.email }, merchant.name || merchant.email),
      h(
        'button',
        {
          type: 'button',
          class: 'ghost small',
          'data-test-id': 'logout-button',
          onclick: () => {
            signOut();
            flash = 'You have signed out.';
            navigate('/login', { replace: true });
          },
        },
        'Sign out',
      ),
    ),
  );
}

// In-app links move without a reload; anything else (new tab, other origin, downloads) is left alone.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  if (!a.pathname.startsWith('/dashboard') && a.pathname !== '/login') return;
  if (a.hash && a.pathname === location.pathname) return;
  e.preventDefault();
  if (a.pathname + a.search !== location.pathname + location.search) navigate(a.pathname + a.search);
});
window.addEventListener('popstate', () => {
  if (!historyMoveHandled()) render();
});

render();
