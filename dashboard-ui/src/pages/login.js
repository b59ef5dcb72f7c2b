// /login: email and password, checked by payments-service; the answer carries the merchant's key
// and secret, which this tab keeps for the rest of the session.
import { api } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { formatWait } from '../lib/format.js';
import { signIn } from '../lib/session.js';
import { message } from '../lib/ui.js';

export function loginPage(root, { flash, onSignedIn }) {
  const email = h('input', {
    id: 'email',
    name: 'email',
    type: 'email',
    autocomplete: 'username',
    required: true,
    'data-test-id': 'email-input',
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-test-id': 'password-input',
  });
  const button = h('button', { type: 'submit', class: 'primary wide', 'data-test-id': 'login-button' }, 'Sign in');
  const note = h('p', { class: 'form-message', 'data-test-id': 'login-message', hidden: true });
  const form = h(
    'form',
    { class: 'login-card', 'data-test-id': 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to your dashboard'),
    h('p', { class: 'muted' }, 'Use the email and password of your merchant account.'),
    note,
    h('div', { class: 'field' }, h('label', { for: 'email' }, 'Email'), email),
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    button,
  );
  if (flash) message(note, flash, 'ok');

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!email.value.trim() || !password.value) {
      message(note, 'Enter your email and your password.', 'error');
      (email.value.trim() ? password : email).focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Signing in…';
    form.setAttribute('aria-busy', 'true');
    try {
      const merchant = await api('POST', '/auth/login', { email: email.value.trim(), password: password.value }, { auth: false });
      signIn(merchant);
      onSignedIn();
    } catch (err) {
      const text =
        err.status === 401
          ? 'That email and password do not match an account.'
          : err.status === 429 && err.retryAfter !== null
            ? `Too many sign-in attempts for now. Try again in ${formatWait(err.retryAfter)}${until(err.retryAfter)}.`
            : err.message;
      message(note, text, 'error');
      password.value = '';
      password.focus();
      button.disabled = false;
      button.textContent = 'Sign in';
      form.removeAttribute('aria-busy');
    }
  });

  replace(
    root,
    h(
      'main',
      { id: 'main', class: 'login-page', tabindex: '-1' },
      h('div', { class: 'brand big', 'aria-hidden': 'true' }, h('span', { class: 'logo' }, 'P'), 'Paystream'),
      form,
    ),
  );
  email.focus();
  return null;
}

// ` (at 16:20)`: when a wait of a minute or more ends, in the browser's time, so that the message
// still says when after a while on screen.
function until(seconds) {
  if (seconds < 60) return '';
  const at = new Date(Math.ceil((Date.now() + seconds * 1000) / 60_000) * 60_000); // not a minute early
  return ` (at ${at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })})`;
}
