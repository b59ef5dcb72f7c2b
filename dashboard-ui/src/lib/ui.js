// Shared pieces of the pages: status badges, copy buttons, dialogs, loading/empty/error states,
// and table bodies that update in place (so focus and scroll survive live updates).
import { h, replace } from './dom.js';
import { statusBadge } from './format.js';

/** `<span class="badge good">success</span>`, with the longer label for assistive tech. */
export function badge(status) {
  const b = statusBadge(status);
  return h('span', { class: `badge ${b.tone}`, title: b.label }, b.text);
}

/** A button that copies `text()` to the clipboard and says so. */
export function copyButton(text, what = 'value', props = {}) {
  const button = h('button', { type: 'button', class: 'ghost small', ...props }, 'Copy');
  button.setAttribute('aria-label', `Copy ${what}`);
  button.addEventListener('click', async () => {
    const ok = await copyText(text());
    button.textContent = ok ? 'Copied' : 'Copy failed';
    announce(ok ? `${what} copied to the clipboard` : `Could not copy the ${what}`);
    setTimeout(() => (button.textContent = 'Copy'), 2000);
  });
  return button;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** Speaks a short message through the page's polite live region. */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => (region.textContent = message), 50);
}

/**
 * A modal dialog (native <dialog>: focus stays inside, Escape closes). Focus goes to its heading
 * and back to whatever opened it when it closes; when nothing did (opened by its address, on
 * arrival or a reload) or that is gone, to `returnFocus()`, if given (a row, the page's heading).
 *
 * @returns {{dialog: HTMLDialogElement, body: HTMLElement, close: () => void}}
 */
export function openDialog({ title, testId, onClose, returnFocus }) {
  const opener = document.activeElement;
  const heading = h('h2', { id: `dlg-${Date.now()}`, tabindex: '-1' }, title);
  const body = h('div', { class: 'dialog-body' });
  const closeButton = h('button', { type: 'button', class: 'ghost small', 'data-test-id': 'close-dialog-button' }, 'Close');
  const dialog = h(
    'dialog',
    { class: 'panel-dialog', 'aria-labelledby': heading.id, 'data-test-id': testId },
    h('header', { class: 'dialog-head' }, heading, closeButton),
    body,
  );
  const close = () => dialog.open && dialog.close();
  closeButton.addEventListener('click', close);
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) close(); // a click on the backdrop
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose?.();
    const back = opener && opener !== document.body && opener.isConnected && typeof opener.focus === 'function' ? opener : returnFocus?.();
    back?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  heading.focus();
  return { dialog, body, close, setTitle: (text) => (heading.textContent = text) };
}

/** A loading, empty or error message in place of content; `retry` adds a "Try again" button. */
export function stateBox(kind, message, retry) {
  const role = kind === 'error' ? 'alert' : 'status';
  return h(
    'div',
    { class: `state ${kind}`, role, 'data-test-id': `${kind}-state` },
    h('p', {}, message),
    retry ? h('button', { type: 'button', class: 'ghost small', onclick: retry }, 'Try again') : null,
  );
}

/**
 * Shows a stateBox as the only content of `el`, unless the one there already says the same: a poll
 * that fails again the same way then neither has its alert read out again nor takes the focus off
 * its "Try again".
 */
export function showState(el, kind, message, retry) {
  const shown = el.childElementCount === 1 ? el.firstElementChild : null;
  if (shown?.matches(`.state.${kind}`) && shown.firstElementChild.textContent === message) return;
  replace(el, stateBox(kind, message, retry));
}

/**
 * Brings `tbody` in line with `items`: rows are kept by key, rebuilt cell by cell only when their
 * item changed, new ones added and gone ones removed, in the order of `items`.
 *
 * @param {(item) => HTMLTableRowElement} build a new row
 * @param {(row, item) => void} update refreshes a row's cells for a changed item
 */
export function syncRows(tbody, items, keyOf, build, update) {
  const existing = new Map();
  for (const row of tbody.querySelectorAll(':scope > tr[data-key]')) existing.set(row.dataset.key, row);
  let previous = null;
  for (const item of items) {
    const key = keyOf(item);
    const signature = JSON.stringify(item);
    let row = existing.get(key);
    if (row) {
      existing.delete(key);
      if (row.dataset.signature !== signature) update(row, item);
    } else {
      row = build(item);
      row.dataset.key = key;
    }
    row.dataset.signature = signature;
    const wanted = previous ? previous.nextElementSibling : tbody.firstElementChild;
    if (wanted !== row) tbody.insertBefore(row, wanted);
    previous = row;
  }
  for (const row of existing.values()) row.remove();
  for (const row of tbody.querySelectorAll(':scope > tr:not([data-key])')) row.remove();
}

/** A table cell with its column name (shown as a label when the table becomes cards on phones). */
export function cell(label, testId, ...content) {
  return h('td', { 'data-label': label, 'data-test-id': testId }, ...content);
}

/** Replaces a cell's content only when it differs, so nothing flickers. */
export function setCell(row, testId, ...content) {
  const td = row.querySelector(`[data-test-id="${testId}"]`);
  const probe = h('td', {}, ...content);
  if (td.innerHTML !== probe.innerHTML) replace(td, ...content);
}

/** A short message next to a form: `tone` is ok or error (errors are read out at once). */
export function message(el, text, tone = 'ok') {
  el.hidden = !text;
  el.className = `form-message ${tone}`;
  el.setAttribute('role', tone === 'error' ? 'alert' : 'status');
  el.textContent = text || '';
}

/** Marks an input as refused (or no longer), which assistive technology reads out and the styles show. */
export function markInvalid(input, invalid) {
  if (invalid) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}
