// The delivery log: one row per webhook delivery with its status, attempts, last attempt and
// response code, filters, paging, a detail dialog (attempt history and the exact payload) and a
// manual retry. Refreshed every few seconds while visible.
import { api, newIdempotencyKey, query } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { liveTable } from '../lib/live-table.js';
import { poll } from '../lib/poll.js';
import { announce, badge, cell, copyButton, message, openDialog, setCell, showState, stateBox } from '../lib/ui.js';
import { EVENTS } from '../lib/events.js';

const REFRESH_MS = 3000;

export function deliveryLog() {
  let stopPolling = () => {};
  let detail = null;

  const statusSelect = h(
    'select',
    { id: 'log-status', 'data-test-id': 'webhook-status-filter' },
    ['', 'pending', 'success', 'failed'].map((s) => h('option', { value: s }, s || 'All statuses')),
  );
  const eventSelect = h(
    'select',
    { id: 'log-event', 'data-test-id': 'webhook-event-filter' },
    ['', ...EVENTS, 'webhook.test'].map((e) => h('option', { value: e }, e || 'All events')),
  );
  const note = h('p', { class: 'form-message', hidden: true, 'data-test-id': 'webhook-log-message', role: 'status' });
  const table = liveTable({
    testId: 'webhook-logs-table',
    caption: 'Webhook deliveries, newest first',
    columns: ['Event', 'Endpoint', 'Status', 'Attempts', 'Last attempt', 'Response', 'Next retry', 'Actions'],
    pagerIds: ['webhook-page-summary', 'webhook-prev-page-button', 'webhook-next-page-button'],
    url: (t) => `/webhooks${query({ limit: t.limit, offset: t.offset, status: t.filters.status, event: t.filters.event })}`,
    keyOf: (d) => d.id,
    build: buildRow,
    update: updateRow,
    what: 'deliveries',
    empty: (t) =>
      t.filters.status || t.filters.event
        ? 'No deliveries match these filters.'
        : 'No deliveries yet. Save an endpoint and send a test event, or take a payment.',
  });
  const tbody = table.tbody;

  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'log-title' },
    h('h2', { id: 'log-title' }, 'Delivery log'),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field inline' }, h('label', { for: 'log-status' }, 'Status'), statusSelect),
      h('div', { class: 'field inline' }, h('label', { for: 'log-event' }, 'Event'), eventSelect),
      table.pager,
    ),
    note,
    table.body,
  );

  const refilter = () => table.refilter({ filters: { status: statusSelect.value, event: eventSelect.value } });
  statusSelect.addEventListener('change', refilter);
  eventSelect.addEventListener('change', refilter);

  function buildRow(d) {
    const details = h('button', { type: 'button', class: 'ghost small', 'data-test-id': 'webhook-details-button', 'aria-label': `Details of delivery ${d.id}` }, 'Details');
    details.addEventListener('click', () => showDetail(d.id));
    const retry = h('button', { type: 'button', class: 'ghost small', 'data-test-id': 'retry-webhook-button', 'data-webhook-id': d.id, 'aria-label': `Retry delivery ${d.id}` }, 'Retry');
    retry.addEventListener('click', () => retryDelivery(d.id, retry));
    const row = h(
      'tr',
      { 'data-test-id': 'webhook-log-item', 'data-webhook-id': d.id },
      cell('Event', 'webhook-event'),
      cell('Endpoint', 'webhook-endpoint-url'),
      cell('Status', 'webhook-status'),
      cell('Attempts', 'webhook-attempts'),
      cell('Last attempt', 'webhook-last-attempt'),
      cell('Response', 'webhook-response-code'),
      cell('Next retry', 'webhook-next-retry'),
      h('td', { 'data-label': 'Actions', class: 'row-actions' }, details, retry),
    );
    updateRow(row, d);
    return row;
  }

  function updateRow(row, d) {
    setCell(row, 'webhook-event', h('span', { class: 'mono nowrap' }, d.event));
    setCell(row, 'webhook-endpoint-url', h('span', { class: 'mono url' }, d.endpoint_url || '—'));
    setCell(row, 'webhook-status', badge(d.status));
    setCell(row, 'webhook-attempts', String(d.attempts ?? 0));
    setCell(row, 'webhook-last-attempt', d.last_attempt_at ? h('time', { datetime: d.last_attempt_at }, formatDateTime(d.last_attempt_at)) : '—');
    setCell(row, 'webhook-response-code', d.response_code == null ? '—' : String(d.response_code));
    setCell(row, 'webhook-next-retry', d.status === 'pending' && d.next_retry_at ? formatDateTime(d.next_retry_at) : '—');
  }

  async function retryDelivery(id, button) {
    button.disabled = true;
    try {
      const answer = await api('POST', `/webhooks/${id}/retry`, {}, { idempotencyKey: newIdempotencyKey() });
      // The row shows the new state at once; the full row follows from the delivery itself.
      const row = tbody.querySelector(`tr[data-webhook-id="${id}"]`);
      if (row) {
        setCell(row, 'webhook-status', badge(answer.status || 'pending'));
        row.dataset.signature = '';
      }
      const fresh = await api('GET', `/webhooks/${id}`).catch(() => null);
      if (fresh && row && row.isConnected) {
        const { payload, attempt_history, ...listed } = fresh;
        updateRow(row, listed);
      }
      // The first attempt of the new schedule is due at once: look again shortly, ahead of the poll.
      for (const ms of [1000, 2500]) setTimeout(() => table.load(), ms);
      showNote(`${answer.message || 'Retry scheduled'} for delivery ${id}.`);
      announce('Retry scheduled');
      detail?.refresh();
    } catch (e) {
      showNote(e.message, true);
    } finally {
      button.disabled = false;
    }
  }

  function showNote(text, error = false) {
    note.hidden = false;
    note.className = `form-message ${error ? 'error' : 'ok'}`;
    note.setAttribute('role', error ? 'alert' : 'status');
    note.textContent = text;
  }

  function showDetail(id) {
    detail?.close();
    detail = openDeliveryDetail(id, {
      onRetry: () => table.load(),
      onClose: () => (detail = null),
    });
  }

  return {
    element,
    start() {
      table.load(true);
      stopPolling = poll(() => table.load(), REFRESH_MS);
    },
    stop() {
      stopPolling();
      detail?.close();
    },
    refresh: () => table.load(),
  };
}

/** One delivery: what was sent (the exact body), to where, and every attempt. */
function openDeliveryDetail(id, { onRetry, onClose }) {
  let stop = () => {};
  const { body, close } = openDialog({
    title: `Delivery ${id}`,
    testId: 'webhook-detail',
    onClose: () => {
      stop();
      onClose();
    },
  });
  const summary = h('div', {}, stateBox('loading', 'Loading the delivery…'));
  const history = h('tbody');
  const historyTable = h(
    'table',
    { class: 'data-table compact cards', 'data-test-id': 'webhook-attempts-table' },
    h('caption', { class: 'offscreen' }, 'Attempts, in order'),
    h('thead', {}, h('tr', {}, ['#', 'Attempt', 'When', 'Response', 'Latency', 'Error or response body'].map((t) => h('th', { scope: 'col' }, t)))),
    history,
  );
  const payload = h('pre', { class: 'code', 'data-test-id': 'webhook-payload', tabindex: '0', 'aria-label': 'Payload as sent' });
  let payloadText = '';
  const retry = h('button', { type: 'button', class: 'secondary', 'data-test-id': 'detail-retry-button' }, 'Retry now');
  const note = h('p', { class: 'form-message', hidden: true, role: 'status', 'data-test-id': 'detail-retry-message' });
  retry.addEventListener('click', async () => {
    retry.disabled = true;
    try {
      const answer = await api('POST', `/webhooks/${id}/retry`, {}, { idempotencyKey: newIdempotencyKey() });
      message(note, answer.message || 'Retry scheduled', 'ok');
      onRetry();
      await load();
    } catch (e) {
      message(note, e.message, 'error');
    } finally {
      retry.disabled = false;
    }
  });

  replace(
    body,
    summary,
    h('div', { class: 'actions' }, retry),
    note,
    h('h3', {}, 'Attempts'),
    h('div', { class: 'table-wrap' }, historyTable),
    h('div', { class: 'card-head' }, h('h3', {}, 'Payload'), copyButton(() => payloadText, 'payload')),
    h('p', { class: 'muted small' }, 'The exact bytes that were signed and sent.'),
    payload,
  );

  async function load() {
    try {
      const d = await api('GET', `/webhooks/${id}`);
      const row = (label, value, testId) => [h('dt', {}, label), h('dd', { 'data-test-id': testId }, value)];
      replace(
        summary,
        h(
          'dl',
          { class: 'details' },
          row('Event', h('span', { class: 'mono' }, d.event), 'detail-webhook-event'),
          row('Status', badge(d.status), 'detail-webhook-status'),
          row('Endpoint', h('span', { class: 'mono url' }, d.endpoint_url || '—'), 'detail-webhook-url'),
          row('Attempts', String(d.attempts ?? 0), 'detail-webhook-attempts'),
          row('Last response', d.response_code == null ? '—' : String(d.response_code), 'detail-webhook-response-code'),
          row('Created', formatDateTime(d.created_at), 'detail-webhook-created-at'),
          row('Next retry', d.status === 'pending' && d.next_retry_at ? formatDateTime(d.next_retry_at) : '—', 'detail-webhook-next-retry'),
        ),
      );
      const attempts = Array.isArray(d.attempt_history) ? d.attempt_history : [];
      // Redrawn only when an attempt was added, so that an answer opened in full stays open.
      const signature = JSON.stringify(attempts);
      if (history.dataset.signature !== signature) {
        history.dataset.signature = signature;
        replace(
          history,
          attempts.length
            ? attempts.map((a, i) =>
                h(
                  'tr',
                  { 'data-test-id': 'attempt-row' },
                  cell('#', 'attempt-index', String(i + 1)),
                  // The schedule's own count, which starts again at 1 after a manual retry.
                  cell('Attempt', 'attempt-number', String(a.attempt ?? '—')),
                  cell('When', 'attempt-at', formatDateTime(a.attempted_at)),
                  cell('Response', 'attempt-response-code', a.response_code == null ? '—' : String(a.response_code)),
                  cell('Latency', 'attempt-latency', a.latency_ms == null ? '—' : `${a.latency_ms} ms`),
                  cell('Error or response body', 'attempt-detail', attemptDetail(a.error || a.response_body || '—')),
                ),
              )
            : h('tr', {}, h('td', { colspan: '6' }, 'No attempt yet.')),
        );
      }
      payloadText = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload);
      if (payload.textContent !== payloadText) payload.textContent = payloadText;
    } catch (e) {
      showState(summary, 'error', `The delivery could not be loaded: ${e.message}`, load);
      return e; // for poll(), which waits out its Retry-After
    }
  }

  stop = poll(load, REFRESH_MS);
  load();
  return { close, refresh: load };
}

// An attempt's error or the start of its answer (up to 1 KB): in one line, and when longer than
// that, in full below it on request, wrapped, to be read and copied.
function attemptDetail(text) {
  if (text.length <= 48) return h('span', { class: 'mono clip' }, text);
  return h('details', { class: 'attempt-body' }, h('summary', { class: 'mono clip' }, text), h('pre', { class: 'mono' }, text));
}
