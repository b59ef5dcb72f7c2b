// /dashboard/transactions: the merchant's payments, newest first, paged and filtered by status,
// refreshed every few seconds. /dashboard/transactions/{id} opens one payment's detail on top;
// opened from the list, it has a history entry of its own, so that Back closes it.
import { query } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { formatAmount, formatDateTime } from '../lib/format.js';
import { onHistoryMove } from '../lib/history.js';
import { liveTable } from '../lib/live-table.js';
import { poll } from '../lib/poll.js';
import { badge, cell, setCell } from '../lib/ui.js';
import { openPaymentDetail } from './payment-detail.js';

const REFRESH_MS = 3000;
const STATUSES = ['', 'pending', 'success', 'failed'];

export function transactionsPage(root, { params }) {
  const search = new URLSearchParams(location.search);
  const initial = {
    status: STATUSES.includes(search.get('status')) ? search.get('status') : '',
    limit: [10, 25, 50].includes(Number(search.get('limit'))) ? Number(search.get('limit')) : 10,
  };
  // The page, as a whole page of that size (a page past the end shows the last one once loaded).
  const askedOffset = /^\d{1,9}$/.test(search.get('offset') || '') ? Number(search.get('offset')) : 0;
  initial.offset = askedOffset - (askedOffset % initial.limit);
  // The address says what the list shows: values it ignores or rounds (?limit=7, ?offset=-5,
  // ?status=bogus, an offset inside a page) are rewritten, the payment's path kept.
  const shownSearch = listQuery(initial.status, initial.limit, initial.offset);
  if (location.search !== shownSearch) history.replaceState(history.state, '', location.pathname + shownSearch);
  let detail = null;
  let detailId = null;
  let closedByHistory = false;
  let listSearch = location.search; // the filters the list shows, as the address has them
  let active = true;

  const statusSelect = h(
    'select',
    { id: 'status-filter', 'data-test-id': 'status-filter' },
    STATUSES.map((s) => h('option', { value: s, selected: s === initial.status }, s ? s : 'All statuses')),
  );
  const sizeSelect = h(
    'select',
    { id: 'page-size', 'data-test-id': 'page-size' },
    [10, 25, 50].map((n) => h('option', { value: String(n), selected: n === initial.limit }, String(n))),
  );
  const table = liveTable({
    testId: 'transactions-table',
    caption: 'Payments, newest first',
    columns: ['Payment', 'Order', 'Amount', 'Method', 'Status', 'Created', 'Notes'],
    pagerIds: ['page-summary', 'prev-page-button', 'next-page-button'],
    limit: initial.limit,
    offset: initial.offset,
    onOffset: () => keepInUrl(),
    url: (t) => `/payments${query({ limit: t.limit, offset: t.offset, status: t.filters.status })}`,
    keyOf: (p) => p.id,
    build: buildRow,
    update: updateRow,
    what: 'payments',
    empty: (t) => (t.filters.status ? `No ${t.filters.status} payments.` : 'No payments yet. Payments appear here as soon as they are made.'),
  });
  table.state.filters.status = initial.status;

  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Transactions'), h('p', { class: 'muted' }, 'Every payment made to your account. Statuses refresh on their own.')),
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'toolbar' },
        h('div', { class: 'field inline' }, h('label', { for: 'status-filter' }, 'Status'), statusSelect),
        h('div', { class: 'field inline' }, h('label', { for: 'page-size' }, 'Rows'), sizeSelect),
        table.pager,
      ),
      table.body,
    ),
  );

  statusSelect.addEventListener('change', () => {
    table.refilter({ filters: { status: statusSelect.value } });
    keepInUrl();
  });
  sizeSelect.addEventListener('change', () => {
    table.refilter({ limit: Number(sizeSelect.value) });
    keepInUrl();
  });

  function keepInUrl() {
    const { limit, offset, filters } = table.state;
    const search = listQuery(filters.status, limit, offset);
    // With a payment open (the list moved under it), its address and history entry stay; without
    // one, the list's own address (whatever id the path named, a payment or not).
    if (detailId) history.replaceState(history.state, '', location.pathname + search);
    else history.replaceState(null, '', LIST_PATH + search);
    listSearch = location.search;
  }

  function buildRow(p) {
    const open = h('button', { type: 'button', class: 'link mono', 'aria-label': `Open payment ${p.id}` }, p.id);
    open.addEventListener('click', () => showDetail(p.id, { fromList: true }));
    const row = h(
      'tr',
      { 'data-test-id': 'transaction-row', 'data-payment-id': p.id },
      cell('Payment', 'payment-id', open),
      cell('Order', 'order-id'),
      cell('Amount', 'amount'),
      cell('Method', 'method'),
      cell('Status', 'status'),
      cell('Created', 'created-at'),
      cell('Notes', 'payment-notes'),
    );
    updateRow(row, p);
    return row;
  }

  function updateRow(row, p) {
    setCell(row, 'order-id', h('span', { class: 'mono' }, p.order_id));
    setCell(row, 'amount', formatAmount(p.amount, p.currency));
    setCell(row, 'method', h('span', { title: instrument(p) }, p.method));
    setCell(row, 'status', badge(p.status));
    setCell(row, 'created-at', h('time', { datetime: p.created_at }, formatDateTime(p.created_at)));
    const notes = [];
    if (p.captured) notes.push('captured');
    if (p.amount_refunded > 0) notes.push(`refunded ${formatAmount(p.amount_refunded, p.currency)}`);
    if (p.error_code) notes.push(p.error_code);
    setCell(row, 'payment-notes', h('span', { class: 'muted small' }, notes.join(' · ') || '—'));
  }

  function showDetail(id, { fromList = false } = {}) {
    detail?.close();
    const url = `/dashboard/transactions/${id}${location.search}`;
    if (fromList) history.pushState({ paymentDetail: id }, '', url);
    else if (location.pathname + location.search !== url) history.replaceState(null, '', url);
    detailId = id;
    detail = openPaymentDetail(id, {
      // Opened by its address (no button opened it): the focus goes to its row, or the heading.
      returnFocus: () => root.querySelector(`tr[data-payment-id="${id}"] [data-test-id="payment-id"] button`) || root.querySelector('h1'),
      onChange: () => table.load(),
      onClose: () => {
        detail = null;
        detailId = null;
        if (!active || closedByHistory) {
          closedByHistory = false;
        } else if (history.state?.paymentDetail === id) {
          history.back(); // the entry it was opened with goes, as if Back had been pressed
        } else {
          keepInUrl();
        }
      },
    });
  }

  // Back and Forward between the list and a payment opened from it; a move to the list with
  // other filters builds the page anew.
  const stopHistoryMoves = onHistoryMove(() => {
    const m = location.pathname.match(/^\/dashboard\/transactions(?:\/([A-Za-z0-9_]{1,64}))?\/?$/);
    if (!m || location.search !== listSearch) return false;
    if (m[1] && m[1] !== detailId) {
      showDetail(m[1]);
    } else if (!m[1] && detail) {
      closedByHistory = true;
      detail.close();
    }
    return true;
  });

  const stop = poll(() => table.load(), REFRESH_MS);
  table.load(true);
  if (params[0]) showDetail(params[0]);
  return () => {
    active = false;
    stopHistoryMoves();
    stop();
    detail?.close();
  };
}

const LIST_PATH = '/dashboard/transactions';

/** The list's query as the address has it: `?status=failed&limit=25&offset=50`, defaults left out. */
function listQuery(status, limit, offset) {
  return query({ status, limit: limit === 10 ? '' : limit, offset: offset || '' });
}

/** `success@upi` for UPI, `visa •••• 1111` for cards. */
export function instrument(p) {
  if (p.method === 'upi') return p.vpa || 'UPI';
  if (p.method === 'card') return `${p.card_network || 'card'} •••• ${p.card_last4 || '????'}`;
  return p.method || '';
}
