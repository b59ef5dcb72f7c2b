// One payment in a dialog: its details, capture, its refunds and a refund form. Refreshed every
// few seconds while open, since the payment and its refunds change status in the background.
import { api, earlierAttemptDone, newIdempotencyKey, query, resendKeys } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { amountInput, formatAmount, formatDateTime, minorUnits, parseAmount } from '../lib/format.js';
import { poll } from '../lib/poll.js';
import { announce, badge, cell, markInvalid, message, openDialog, setCell, showState, stateBox, syncRows } from '../lib/ui.js';

const REFRESH_MS = 3000;
// A payment's refund whose outcome is unknown keeps its key (by payment id) while the dashboard
// stays open, also when the dialog is closed and opened again.
const refundKeys = resendKeys();

/** Opens the dialog; `onChange` runs after a capture or refund so the list can refresh too. */
export function openPaymentDetail(id, { onChange, onClose, returnFocus }) {
  let stop = () => {};
  const { body, close } = openDialog({
    title: `Payment ${id}`,
    testId: 'payment-detail',
    returnFocus,
    onClose: () => {
      stop();
      onClose?.();
    },
  });
  let payment = null;
  let refunds = [];

  const summary = h('div', { 'data-test-id': 'payment-summary' }, stateBox('loading', 'Loading the payment…'));
  const actions = h('div', { class: 'actions' });
  const actionNote = h('p', { class: 'form-message', hidden: true, 'data-test-id': 'capture-message' });
  const refundsBody = h('tbody');
  const refundsTable = h(
    'table',
    { class: 'data-table compact cards', 'data-test-id': 'refunds-table', hidden: true },
    h('caption', { class: 'offscreen' }, 'Refunds of this payment, newest first'),
    h('thead', {}, h('tr', {}, ['Refund', 'Amount', 'Status', 'Reason', 'Created', 'Processed'].map((t) => h('th', { scope: 'col' }, t)))),
    refundsBody,
  );
  const refundsState = h('div', {}, stateBox('loading', 'Loading refunds…'));
  const form = refundForm();

  replace(
    body,
    summary,
    actions,
    actionNote,
    h(
      'section',
      { 'aria-labelledby': 'refunds-title', class: 'sub-section' },
      h('h3', { id: 'refunds-title' }, 'Refunds'),
      h('div', { class: 'table-wrap' }, refundsTable),
      refundsState,
      form.element,
    ),
  );

  async function load() {
    try {
      const [p, r] = await Promise.all([
        api('GET', `/payments/${encodeURIComponent(id)}`),
        api('GET', `/payments/${encodeURIComponent(id)}/refunds${query({ limit: 100 })}`).catch((e) => e),
      ]);
      payment = p;
      renderSummary();
      if (r instanceof Error) {
        showState(refundsState, 'error', `Refunds could not be loaded: ${r.message}`, load);
      } else {
        refunds = r.data;
        syncRows(refundsBody, refunds, (x) => x.id, buildRefundRow, updateRefundRow);
        refundsTable.hidden = refunds.length === 0;
        if (refunds.length) replace(refundsState);
        else showState(refundsState, 'empty', 'No refunds yet.');
      }
      form.update();
      return r instanceof Error ? r : undefined; // for poll(), which waits out a Retry-After
    } catch (e) {
      if (e.status === 404) {
        stop();
        replace(summary, stateBox('error', 'There is no payment with this id in your account.'));
        replace(refundsState);
        form.element.hidden = true;
        return;
      }
      showState(summary, 'error', `The payment could not be loaded: ${e.message}`, load);
      return e;
    }
  }

  function refunded() {
    const listed = refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
    return Math.max(listed, payment.amount_refunded || 0);
  }

  function renderSummary() {
    const p = payment;
    const row = (label, value, testId) => [h('dt', {}, label), h('dd', { 'data-test-id': testId }, value)];
    replace(
      summary,
      h(
        'dl',
        { class: 'details' },
        row('Status', badge(p.status), 'detail-status'),
        row('Amount', formatAmount(p.amount, p.currency), 'detail-amount'),
        row('Refunded', formatAmount(refunded(), p.currency), 'detail-refunded'),
        row('Captured', p.captured ? 'Yes' : 'No', 'detail-captured'),
        row('Method', p.method === 'upi' ? `UPI · ${p.vpa}` : `Card · ${p.card_network} •••• ${p.card_last4}`, 'detail-method'),
        row('Order', h('span', { class: 'mono' }, p.order_id), 'detail-order-id'),
        p.error_code ? row('Error', `${p.error_code}: ${p.error_description || ''}`, 'detail-error') : null,
        row('Created', formatDateTime(p.created_at), 'detail-created-at'),
        row('Updated', formatDateTime(p.updated_at), 'detail-updated-at'),
      ),
    );
    // A payment refunded in full is no longer capturable (the server refuses it).
    const canCapture = p.status === 'success' && !p.captured && p.amount_refunded < p.amount;
    const existing = actions.querySelector('[data-test-id="capture-button"]');
    if (canCapture && !existing) actions.append(captureButton());
    if (!canCapture && existing && !existing.disabled) existing.remove();
  }

  function captureButton() {
    const button = h('button', { type: 'button', class: 'secondary', 'data-test-id': 'capture-button' }, `Capture ${formatAmount(payment.amount, payment.currency)}`);
    const key = newIdempotencyKey();
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.textContent = 'Capturing…';
      try {
        payment = await api('POST', `/payments/${encodeURIComponent(id)}/capture`, { amount: payment.amount }, { idempotencyKey: key });
        button.remove();
        renderSummary();
        message(actionNote, 'Payment captured.', 'ok');
        onChange?.();
      } catch (e) {
        button.disabled = false;
        button.textContent = `Capture ${formatAmount(payment.amount, payment.currency)}`;
        message(actionNote, e.message, 'error');
      }
    });
    return button;
  }

  function buildRefundRow(r) {
    const row = h(
      'tr',
      { 'data-test-id': 'refund-row', 'data-refund-id': r.id },
      cell('Refund', 'refund-id', h('span', { class: 'mono' }, r.id)),
      cell('Amount', 'refund-amount'),
      cell('Status', 'refund-status'),
      cell('Reason', 'refund-reason'),
      cell('Created', 'refund-created-at'),
      cell('Processed', 'refund-processed-at'),
    );
    updateRefundRow(row, r);
    return row;
  }

  function updateRefundRow(row, r) {
    setCell(row, 'refund-amount', formatAmount(r.amount, payment?.currency || 'INR'));
    setCell(row, 'refund-status', badge(r.status));
    setCell(row, 'refund-reason', r.reason || '—');
    setCell(row, 'refund-created-at', formatDateTime(r.created_at));
    setCell(row, 'refund-processed-at', formatDateTime(r.processed_at));
  }

  function refundForm() {
    const full = h('input', { type: 'radio', name: 'refund-kind', id: 'refund-full', value: 'full', checked: true, 'data-test-id': 'refund-full-radio' });
    const partial = h('input', { type: 'radio', name: 'refund-kind', id: 'refund-partial', value: 'partial', 'data-test-id': 'refund-partial-radio' });
    const fullLabel = h('label', { for: 'refund-full' }, 'Full refund');
    const amount = h('input', {
      id: 'refund-amount',
      inputmode: 'decimal',
      autocomplete: 'off',
      'data-test-id': 'refund-amount-input',
      'aria-describedby': 'refund-available refund-amount-error',
      disabled: true,
    });
    // What is wrong with the amount typed, next to it (read out at once).
    const amountError = h('p', { id: 'refund-amount-error', class: 'field-error', role: 'alert', 'data-test-id': 'refund-amount-error', hidden: true });
    const reason = h('input', { id: 'refund-reason', maxlength: '255', autocomplete: 'off', 'data-test-id': 'refund-reason-input', placeholder: 'Customer requested' });
    const amountLabel = h('label', { for: 'refund-amount' }, 'Amount');
    const available = h('p', { id: 'refund-available', class: 'muted small', 'data-test-id': 'refund-available' });
    const submit = h('button', { type: 'submit', class: 'primary', 'data-test-id': 'refund-button' }, 'Refund');
    const note = h('p', { class: 'form-message', hidden: true, 'data-test-id': 'refund-message' });
    // A refund cannot be undone: Refund first asks, naming the amount and the payment, and only
    // Confirm sends it. The question comes below the button (a double click on Refund does not
    // reach Confirm) and takes the focus (Enter held down in the amount does not confirm either).
    const question = h('p', { id: 'refund-confirm-text', class: 'confirm-text', tabindex: '-1', 'data-test-id': 'refund-confirm-message' });
    const confirmButton = h('button', { type: 'button', class: 'primary danger-fill', 'data-test-id': 'refund-confirm-button' }, 'Confirm refund');
    const cancelButton = h('button', { type: 'button', class: 'ghost', 'data-test-id': 'refund-cancel-button' }, 'Cancel');
    const confirmBox = h(
      'div',
      { class: 'confirm-box', role: 'group', 'aria-labelledby': 'refund-confirm-text', hidden: true, 'data-test-id': 'refund-confirm' },
      question,
      h('div', { class: 'actions' }, confirmButton, cancelButton),
    );
    let pending = null; // the refund asked about: {amount, reason}
    let sending = false;
    const closed = h('p', { class: 'muted', 'data-test-id': 'refund-unavailable', hidden: true, tabindex: '-1' });
    const element = h(
      'form',
      { 'data-test-id': 'refund-form', class: 'refund-form', novalidate: true, hidden: true, 'aria-labelledby': 'refund-form-title' },
      h('h4', { id: 'refund-form-title' }, 'New refund'),
      h('fieldset', { class: 'choice' }, h('legend', {}, 'How much'), h('span', {}, full, fullLabel), h('span', {}, partial, h('label', { for: 'refund-partial' }, 'Partial refund'))),
      h('div', { class: 'field' }, amountLabel, amount, amountError, available),
      h('div', { class: 'field' }, h('label', { for: 'refund-reason' }, 'Reason (optional)'), reason),
      note,
      submit,
      confirmBox,
    );
    const wrapper = h('div', {}, closed, element);

    const remaining = () => (payment ? payment.amount - refunded() : 0);
    const syncKind = () => {
      amount.disabled = full.checked;
      if (full.checked && payment) amount.value = amountInput(remaining(), payment.currency);
      submit.textContent = full.checked && payment ? `Refund ${formatAmount(remaining(), payment.currency)}` : 'Refund';
    };
    const amountProblem = (text) => {
      amountError.textContent = text || '';
      amountError.hidden = !text;
      markInvalid(amount, Boolean(text));
    };
    amount.addEventListener('input', () => amountProblem(''));
    full.addEventListener('change', () => {
      amountProblem('');
      syncKind();
    });
    partial.addEventListener('change', () => {
      amountProblem('');
      syncKind();
      amount.focus();
      amount.select();
    });

    element.addEventListener('submit', (e) => {
      e.preventDefault();
      if (pending) return;
      const minor = full.checked ? remaining() : parseAmount(amount.value, payment.currency);
      // Refused here, before asking: an amount that is not one, or more than can still be
      // refunded (the service would refuse it too). Nothing is sent.
      let problem = '';
      if (minor === null) {
        const digits = minorUnits(payment.currency);
        const example = digits === 0 ? '' : ` or 99.${'5'.padEnd(digits, '0')}`;
        problem = `Enter an amount in ${payment.currency}, such as 250${example}.`;
      } else if (minor > remaining()) {
        problem = `${formatAmount(minor, payment.currency)} is more than can still be refunded: at most ${formatAmount(remaining(), payment.currency)}.`;
      }
      if (problem) {
        message(note, '');
        amountProblem(problem);
        if (!amount.disabled) amount.focus();
        return;
      }
      amountProblem('');
      ask({ amount: minor, reason: reason.value.trim() || null });
    });

    // Shows the question; the form stays as it is (and cannot be changed) until it is answered.
    function ask(request) {
      pending = request;
      message(note, '');
      // Said only when exactly so (a larger amount never gets here).
      const whole = request.amount === payment.amount ? ' That is the whole payment.' : request.amount === remaining() ? ' That is all that is left of it.' : '';
      question.textContent = `Refund ${formatAmount(request.amount, payment.currency)} of payment ${id}?${whole} A refund cannot be undone.`;
      confirmButton.textContent = `Confirm refund of ${formatAmount(request.amount, payment.currency)}`;
      lock(true);
      confirmBox.hidden = false;
      question.focus();
    }

    function lock(locked) {
      for (const control of [full, partial, reason, submit]) control.disabled = locked;
      amount.disabled = locked || full.checked;
    }

    // Back to the form, as it was; the focus to Refund when the person said no.
    function dismiss({ focus = false } = {}) {
      pending = null;
      confirmBox.hidden = true;
      confirmButton.disabled = false;
      cancelButton.disabled = false;
      lock(false);
      if (focus && !element.hidden) submit.focus();
    }

    cancelButton.addEventListener('click', () => dismiss({ focus: true }));
    // Escape answers the question (no), rather than closing the whole payment.
    confirmBox.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || sending) return;
      e.preventDefault();
      e.stopPropagation();
      dismiss({ focus: true });
    });

    confirmButton.addEventListener('click', async () => {
      if (!pending || sending) return;
      const request = pending;
      sending = true;
      confirmButton.disabled = true; // at once: a second click of a double click sends nothing
      cancelButton.disabled = true;
      confirmButton.textContent = 'Refunding…';
      element.setAttribute('aria-busy', 'true');
      try {
        const refund = await refundKeys.send(id, (key) =>
          api('POST', `/payments/${encodeURIComponent(id)}/refunds`, request, { idempotencyKey: key }),
        );
        refunds = [refund, ...refunds.filter((r) => r.id !== refund.id)];
        syncRows(refundsBody, refunds, (x) => x.id, buildRefundRow, updateRefundRow);
        refundsTable.hidden = false;
        replace(refundsState);
        reason.value = '';
        message(note, `Refund ${refund.id} of ${formatAmount(refund.amount, payment.currency)} created; it is being processed.`, 'ok');
        announce('Refund created');
        renderSummary();
        onChange?.();
      } catch (err) {
        if (earlierAttemptDone(err)) {
          // Sent again, changed, after an attempt whose answer was lost: that one was made.
          message(note, 'Your earlier refund request reached the service (see the list above, once it is made); nothing more was refunded. Check it before refunding again.', 'error');
          load();
          onChange?.();
        } else {
          message(note, err.message, 'error');
        }
      } finally {
        sending = false;
        element.removeAttribute('aria-busy');
        dismiss();
        update();
        // The focus was on Confirm, which is gone: to Refund, or to the note that no more can be.
        (element.hidden ? closed : submit).focus();
      }
    });

    function update() {
      if (!payment) return;
      const left = remaining();
      const open = payment.status === 'success' && left > 0;
      element.hidden = !open;
      closed.hidden = open;
      if (!open && pending && !sending) dismiss(); // refunded in full meanwhile: nothing to ask
      if (!open) {
        closed.textContent =
          payment.status !== 'success'
            ? `Only successful payments can be refunded; this one is ${payment.status}.`
            : 'This payment has been refunded in full.';
      }
      fullLabel.textContent = `Full refund (${formatAmount(left, payment.currency)})`;
      amountLabel.textContent = `Amount (${payment.currency})`;
      available.textContent = `Up to ${formatAmount(left, payment.currency)} can still be refunded.`;
      if (full.checked) syncKind();
    }
    return { element: wrapper, update };
  }

  stop = poll(load, REFRESH_MS);
  load();
  return { close };
}
