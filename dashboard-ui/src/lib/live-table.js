// A paged table of API items that stays live: rows kept by key and updated in place, a pager,
// and loading, empty and error states. Used by the transactions page and the delivery log.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { pageOffset, pageSummary } from './format.js';
import { showState, stateBox, syncRows } from './ui.js';

/**
 * @param {{testId: string, caption: string, columns: string[], pagerIds: string[],
 *   url: (state) => string, keyOf: (item) => string, build: (item) => HTMLTableRowElement,
 *   update: (row, item) => void, what: string, empty: (state) => string, limit?: number,
 *   offset?: number, onOffset?: (state) => void}} o
 *   `pagerIds`: the data-test-ids of the summary, previous and next controls; `url` the API
 *   path for the current state (`{limit, offset, total, filters}`); `onOffset` runs when the table
 *   moves to another page by itself (the pager, or a page that no longer exists).
 */
export function liveTable(o) {
  const state = { limit: o.limit || 10, offset: o.offset || 0, total: 0, filters: {} };
  const [summaryId, prevId, nextId] = o.pagerIds;
  const summary = h('span', { class: 'muted', 'data-test-id': summaryId, 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'ghost small', 'data-test-id': prevId, disabled: true }, 'Previous');
  const next = h('button', { type: 'button', class: 'ghost small', 'data-test-id': nextId, disabled: true }, 'Next');
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data-table', 'data-test-id': o.testId },
    h('caption', { class: 'offscreen' }, o.caption),
    h('thead', {}, h('tr', {}, o.columns.map((t) => h('th', { scope: 'col' }, t)))),
    tbody,
  );
  const status = h('div', { class: 'table-state' }, stateBox('loading', `Loading ${o.what}…`));

  const turn = (direction) => {
    const offset = pageOffset(state.offset, state.limit, state.total, direction);
    if (offset === null) return;
    state.offset = offset;
    o.onOffset?.(state);
    load(true);
  };
  prev.addEventListener('click', () => turn(-1));
  next.addEventListener('click', () => turn(1));

  let generation = 0;
  async function load(fresh = false) {
    const mine = ++generation;
    if (fresh) {
      table.setAttribute('aria-busy', 'true');
      replace(status, stateBox('loading', `Loading ${o.what}…`));
    }
    try {
      const page = await api('GET', o.url(state));
      if (mine !== generation) return;
      if (page.data.length === 0 && state.offset > 0 && page.total > 0) {
        // The page we were on no longer exists (fewer items): show the last one.
        state.offset = Math.floor((page.total - 1) / state.limit) * state.limit;
        o.onOffset?.(state);
        return load(true);
      }
      state.total = page.total;
      syncRows(tbody, page.data, o.keyOf, o.build, o.update);
      summary.textContent = pageSummary(state.offset, state.limit, page.total);
      prev.disabled = pageOffset(state.offset, state.limit, page.total, -1) === null;
      next.disabled = pageOffset(state.offset, state.limit, page.total, 1) === null;
      table.removeAttribute('aria-busy');
      // An empty table stays in view (its headings, then the empty state below it).
      if (page.data.length === 0) showState(status, 'empty', o.empty(state));
      else replace(status);
    } catch (e) {
      if (mine !== generation) return;
      table.removeAttribute('aria-busy');
      showState(status, 'error', `${o.what[0].toUpperCase()}${o.what.slice(1)} could not be loaded: ${e.message}`, () => load(true));
      return e; // for poll(), which waits out its Retry-After
    }
  }

  return {
    state,
    tbody,
    pager: h('div', { class: 'pager' }, summary, prev, next),
    body: [h('div', { class: 'table-wrap' }, table), status],
    load,
    /** Changes filters or page size and goes back to the first page. */
    refilter(changes) {
      Object.assign(state, changes);
      state.offset = 0;
      load(true);
    },
  };
}
