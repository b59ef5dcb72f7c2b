// /dashboard: the merchant's API credentials and totals over its payments, kept up to date.
import { api, query } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { collectedAmount, formatAmount, formatCount, formatDateTime, formatRate } from '../lib/format.js';
import { poll } from '../lib/poll.js';
import { badge, copyButton, showState, stateBox } from '../lib/ui.js';

const REFRESH_MS = 4000;

export function homePage(root, { merchant }) {
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Overview'), h('p', { class: 'muted' }, `Signed in as ${merchant.email}`)),
    h('div', { 'data-test-id': 'dashboard', class: 'stack' }, credentials(merchant), stats(), recent()),
  );
  let shownByCurrency = null; // the amounts per currency last read: `{data, at}`
  const stopStats = poll(loadStats, REFRESH_MS);
  const stopRecent = poll(loadRecent, REFRESH_MS);
  loadStats();
  loadRecent();
  return () => {
    stopStats();
    stopRecent();
  };

  function stats() {
    const tile = (label, testId, note) =>
      h(
        'div',
        { class: 'tile' },
        h('p', { class: 'tile-label', id: `${testId}-label` }, label),
        h('p', { class: 'tile-value', 'data-test-id': testId, 'aria-labelledby': `${testId}-label`, 'aria-describedby': note ? `${testId}-note` : null }, '…'),
        note ? h('p', { class: 'tile-note muted small', id: `${testId}-note`, 'data-test-id': `${testId}-note`, hidden: true }) : null,
      );
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'stats-title' },
      h('h2', { id: 'stats-title' }, 'Payments at a glance'),
      h(
        'div',
        { class: 'tiles', 'data-test-id': 'stats-container', 'aria-busy': 'true' },
        tile('Transactions', 'total-transactions'),
        tile('Amount collected', 'total-amount', true),
        tile('Success rate', 'success-rate'),
      ),
      h('p', { class: 'muted small', 'data-test-id': 'stats-note' }, 'All payments in any status; the amount counts successful ones.'),
      h('div', { class: 'stats-error' }),
    );
  }

  async function loadStats() {
    const box = root.querySelector('[data-test-id="stats-container"]');
    const error = root.querySelector('.stats-error');
    try {
      // The amount is shown per currency: the total of /payments/stats adds paise to cents. When the
      // amounts per currency cannot be read, the last ones stay (marked) or none is shown.
      const [s, byCurrency] = await Promise.all([api('GET', '/payments/stats'), api('GET', '/payments/stats/currencies').catch((e) => e)]);
      box.querySelector('[data-test-id="total-transactions"]').textContent = formatCount(s.total_transactions);
      const failed = byCurrency instanceof Error ? byCurrency : null;
      showCollected(s, failed ? null : byCurrency.data, failed);
      box.querySelector('[data-test-id="success-rate"]').textContent = formatRate(s.success_rate);
      box.removeAttribute('aria-busy');
      replace(error);
      return failed || undefined; // for poll(), which waits out its Retry-After
    } catch (e) {
      showState(error, 'error', `Totals could not be loaded: ${e.message}`, loadStats);
      return e; // for poll(), which waits out its Retry-After
    }
  }

  function showCollected(stats, byCurrency, failure) {
    const value = root.querySelector('[data-test-id="total-amount"]');
    const note = root.querySelector('[data-test-id="total-amount-note"]');
    const shown = collectedAmount(stats, byCurrency, shownByCurrency?.data || null);
    if (shown.state === 'current' && shown.figures) shownByCurrency = { data: shown.figures, at: new Date().toISOString() };
    value.textContent = shown.text;
    value.classList.toggle('stale', shown.state !== 'current');
    value.dataset.state = shown.state;
    const reason = failure ? ` (${failure.message.replace(/\.$/, '')})` : '';
    const text =
      shown.state === 'stale'
        ? `As of ${formatDateTime(shownByCurrency.at)}, possibly out of date: the amounts per currency could not be refreshed${reason}.`
        : shown.state === 'unavailable'
          ? `Not available right now: the amounts per currency could not be loaded${reason}, and amounts in different currencies are not added up.`
          : '';
    if (note.textContent !== text) note.textContent = text;
    note.hidden = !text;
  }

  function recent() {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'recent-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'recent-title' }, 'Latest payments'), h('a', { href: '/dashboard/transactions' }, 'All transactions')),
      h('div', { class: 'recent-list', 'data-test-id': 'recent-payments' }, stateBox('loading', 'Loading the latest payments…')),
    );
  }

  async function loadRecent() {
    const list = root.querySelector('[data-test-id="recent-payments"]');
    try {
      const page = await api('GET', `/payments${query({ limit: 5 })}`);
      // Redrawn only when something changed, so a focused link keeps its focus.
      const signature = JSON.stringify(page.data);
      if (signature === list.dataset.signature) return;
      list.dataset.signature = signature;
      if (!page.data.length) {
        replace(list, stateBox('empty', 'No payments yet. The integration guide shows how to take the first one.'));
        return;
      }
      replace(
        list,
        h(
          'ul',
          { class: 'plain-list' },
          page.data.map((p) =>
            h(
              'li',
              {},
              h('a', { href: `/dashboard/transactions/${p.id}`, class: 'mono' }, p.id),
              h('span', {}, formatAmount(p.amount, p.currency)),
              badge(p.status),
              h('time', { datetime: p.created_at, class: 'muted small' }, formatDateTime(p.created_at)),
            ),
          ),
        ),
      );
    } catch (e) {
      list.dataset.signature = '';
      showState(list, 'error', `The latest payments could not be loaded: ${e.message}`, loadRecent);
      return e; // for poll(), which waits out its Retry-After
    }
  }
}

function credentials(merchant) {
  // The secret is the element's text (integrations read it there), blurred on screen and silent to
  // screen readers, which hear "hidden" instead, until revealed.
  const secret = h('code', { id: 'api-secret', class: 'mono secret concealed', 'data-test-id': 'api-secret', 'aria-hidden': 'true' }, merchant.api_secret);
  const hidden = h('span', { class: 'offscreen' }, 'hidden');
  const reveal = h(
    'button',
    { type: 'button', class: 'ghost small', 'aria-pressed': 'false', 'aria-controls': 'api-secret', 'aria-describedby': 'api-secret-hint', 'data-test-id': 'reveal-secret-button' },
    'Reveal',
  );
  reveal.addEventListener('click', () => {
    const shown = !secret.classList.toggle('concealed');
    if (shown) secret.removeAttribute('aria-hidden');
    else secret.setAttribute('aria-hidden', 'true');
    hidden.hidden = shown;
    reveal.textContent = shown ? 'Hide' : 'Reveal';
    reveal.setAttribute('aria-pressed', String(shown));
  });
  return h(
    'section',
    { class: 'card', 'data-test-id': 'api-credentials', 'aria-labelledby': 'credentials-title' },
    h('h2', { id: 'credentials-title' }, 'API credentials'),
    h('p', { class: 'muted' }, 'Your server sends these as X-Api-Key and X-Api-Secret. Keep the secret on your server only.'),
    h(
      'dl',
      { class: 'credentials' },
      h('dt', {}, 'API key'),
      h('dd', {}, h('code', { class: 'mono', 'data-test-id': 'api-key' }, merchant.api_key), copyButton(() => merchant.api_key, 'API key')),
      h('dt', {}, 'API secret'),
      h('dd', {}, secret, hidden, reveal, copyButton(() => merchant.api_secret, 'API secret')),
    ),
    h('p', { class: 'muted small', id: 'api-secret-hint' }, 'The secret stays hidden until you reveal it; copying works either way.'),
  );
}
