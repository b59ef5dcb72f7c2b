// The hosted checkout page: loads the order, takes a UPI or card payment through the public
// endpoints, polls it every 2 s while pending and shows the outcome. Embedded (`embedded=true`),
// it also tells the framing page (see parent.js); standalone, the outcome simply stays on the page.
// What it keeps of payments lives in memory.js (the payment to follow) and tries.js (requests
// without a clear answer); watch.js watches an order that a payment elsewhere holds.

import { createPayment, getOrder, getPayment, mayHaveMadePayment } from './api.js';
import * as form from './form.js';
import { forgetStale, paymentMemory } from './memory.js';
import { onParentMessage, parentMessenger } from './parent.js';
import { unansweredTries } from './tries.js';
import { formatAmount } from './validation.js';
import { byTestId, focusLast, show, showError, showProcessing, showSuccess } from './view.js';
import { orderWatch } from './watch.js';

const POLL_MS = 2000;
// A payment request without an answer after this long says so under the button (the edge gives up
// only after 30 s).
const SLOW_SEND_MS = 5000;
const SLOW_AFTER_POLLS = 15;

const params = new URLSearchParams(location.search);
const orderId = params.get('order_id');
const embedded = params.get('embedded') === 'true';
const tellParent = embedded ? parentMessenger(params) : () => {};
const payButton = byTestId('pay-button');
const sendingNote = document.getElementById('sending-note');

if (embedded) onParentMessage(params, (m) => m.type === 'focus_last' && document.hasFocus() && focusLast());

// Framed, the SDK hands back the payment it keeps for the order (`payment_id`).
const memory = paymentMemory(orderId, embedded ? params.get('payment_id') : null);
const tries = unansweredTries(orderId);
const watch = orderWatch(orderId, { known: memory.known, onPayment: settle, onPaid: alreadyPaid });
// Whether the order has taken a payment as far as this page knows (one that failed included).
let orderAttempted = false;

const FAILURES = {
  PAYMENT_FAILED: 'The bank did not approve this payment. You can try again or choose another way to pay.',
  CARD_DECLINED: 'Your card was declined. Try again with another card, or pay with UPI.',
};
const REFUSALS = {
  INVALID_VPA: 'That UPI ID does not look right: use the form name@bank.',
  INVALID_CARD: 'That card number is not valid: please check the digits.',
  EXPIRED_CARD: 'This card has expired: please use another card.',
  NOT_FOUND_ERROR: 'We could not find this order any more. Please go back to the shop and start again.',
};

// What the shopper reads when a payment request is refused. One without a clear answer keeps its
// key (tries.js), so pressing Pay again cannot pay twice; the API's words there (a 409's, a
// proxy's 502) speak to developers of Idempotency-Key.
function refusal(e) {
  if (e.status === 503) return 'Payments are unavailable right now. Please try again in a moment.';
  if (mayHaveMadePayment(e)) return 'We could not confirm your payment. Press Pay again — you will not be charged twice.';
  return REFUSALS[e.code] || e.message;
}

let submitting = false;
let payLabel = 'Pay';

async function start() {
  // A tab closed while its payment was pending leaves the entry it shared behind.
  forgetStale(orderId);
  if (embedded) {
    document.documentElement.classList.add('embedded');
    addEventListener('keydown', (e) => e.key === 'Escape' && tellParent({ type: 'close_modal' }));
  }
  if (!orderId) {
    hideSummary();
    return showError('Nothing to pay', 'This checkout link has no order in it. Please go back to the shop and try again.');
  }
  byTestId('order-id').textContent = orderId;
  let order;
  try {
    order = await getOrder(orderId);
  } catch (e) {
    hideSummary();
    // 400 (an id that cannot be an order) and 404 are final; anything else may pass on a retry.
    return e.status === 404 || e.status === 400
      ? showError('Order not found', 'We could not find this order. Please go back to the shop and start again.')
      : showError('Could not load the order', e.message, () => location.reload());
  }
  const amount = formatAmount(order.amount, order.currency);
  byTestId('order-amount').textContent = amount;
  document.getElementById('merchant-name').textContent = order.merchant_name || 'Checkout';
  document.title = `Pay ${amount} · ${order.merchant_name || 'Paystream'}`;
  payLabel = `Pay ${amount}`;
  payButton.textContent = payLabel;

  form.setUp(submit);
  orderAttempted = order.status !== 'created';
  if (orderAttempted) {
    let known;
    try {
      known = await memory.known();
    } catch (e) {
      // A payment to follow may be there: the form could only be refused while it is pending.
      return showError('Could not check your payment', e.message, () => location.reload());
    }
    if (known) return settle(known);
  }
  if (await resend(order.status)) return;
  if (order.status === 'paid') {
    return alreadyPaid();
  }
  show('pay');
  if (embedded && document.hasFocus()) byTestId('method-upi').focus();
}

// Without an order there is no amount to show (nor to read out) and no order to name.
function hideSummary() {
  document.getElementById('checkout-title').hidden = true;
  byTestId('order-id').parentElement.hidden = true;
  // The page is named by what it says instead (a hidden heading would still name it).
  byTestId('checkout-container').setAttribute('aria-labelledby', 'error-title');
}

// Sends again, with its key, the UPI request a reload cut off (tries.js says which): answered with
// the payment it made (a replay, even once the order is paid), which the page follows. Refused
// because the order is taken, it asks the earlier ones kept whether one of them took it. False
// when there is none to send, or when it still gets no payment (the form is shown).
async function resend(orderStatus) {
  const request = tries.cutOff(orderStatus);
  if (!request) return false;
  try {
    settle(answered(await createPayment(JSON.parse(request.body), request.key)));
    return true;
  } catch (e) {
    tries.refused(request, e);
    if (mayHaveMadePayment(e) || !(e.status === 400 && e.field === 'order_id')) return false;
    const own = await ownPayment();
    if (own) settle(own);
    return Boolean(own);
  }
}

// A payment request got its payment: the tab follows that one (a reload too), and no request is
// left to send again.
function answered(payment) {
  orderAttempted = true;
  memory.remember(payment.id);
  if (payment.status === 'pending') memory.share(payment.id);
  tellParent({ type: 'payment_created', data: { paymentId: payment.id } });
  tries.clear();
  form.markFault(null);
  return payment;
}

async function submit() {
  if (submitting) return;
  const body = form.paymentBody(orderId);
  if (!body) return;
  submitting = true;
  watch.stop();
  payButton.disabled = true;
  payButton.textContent = 'Sending…';
  const slow = setTimeout(() => (sendingNote.hidden = false), SLOW_SEND_MS);
  const request = tries.next(body, orderAttempted);
  try {
    track(answered(await createPayment(body, request.key)).id);
  } catch (e) {
    tries.refused(request, e);
    if (e.status === 400 && e.field === 'order_id') await orderTaken();
    else form.markServerFault(e.field, refusal(e));
  } finally {
    clearTimeout(slow);
    sendingNote.hidden = true;
    submitting = false;
    payButton.disabled = false;
    payButton.textContent = payLabel;
  }
}

function alreadyPaid() {
  showError('Already paid', 'This order has already been paid. There is nothing more to pay.');
}

// The payment that one of this page's tries without a clear answer made, followed from now on; or
// null.
async function ownPayment() {
  const payment = await tries.find();
  return payment && answered(payment);
}

// The order took no new payment: paid meanwhile, or a payment of it is still being processed. That
// payment may be this page's own, from a request that got no answer before the details were
// changed, or another tab's of this browser: the page follows it. Otherwise the order itself says
// which (another device, say), and is watched until it is paid.
async function orderTaken() {
  const own = (await ownPayment()) || (await memory.known().catch(() => null));
  if (own) return settle(own);
  const order = await getOrder(orderId).catch(() => null);
  if (order && order.status === 'paid') {
    return alreadyPaid();
  }
  form.markServerFault(
    null,
    'A payment for this order is already being processed, perhaps in another window. This page will say so once it is paid; if it does not go through, you can pay here again in a moment.',
  );
  watch.start();
}

// Shows the processing state and asks for the payment every 2 s until it is no longer pending.
// `unreachable`: the last question got no answer (network, service restarting); the payment is
// safe meanwhile, and the shopper is told why nothing moves.
function track(paymentId, polls = 0, unreachable = false) {
  showProcessing(
    unreachable
      ? 'We cannot reach the payment service right now. Your payment is safe: we keep checking, please keep this window open.'
      : polls < SLOW_AFTER_POLLS
        ? 'Processing your payment…'
        : 'This is taking longer than usual. We keep checking, please keep this window open.',
  );
  setTimeout(async () => {
    let payment = null;
    try {
      payment = await getPayment(paymentId);
    } catch {
      return track(paymentId, polls + 1, true);
    }
    if (payment.status !== 'pending') return settle(payment);
    // Seen pending: shared again with the time, so that no other tab takes it for one left behind.
    memory.share(paymentId);
    track(paymentId, polls + 1);
  }, POLL_MS);
}

function settle(payment) {
  if (payment.status === 'pending') return track(payment.id);
  memory.unshare(payment.id);
  if (payment.status === 'success') {
    showSuccess(payment.id);
    tellParent({ type: 'payment_success', data: { paymentId: payment.id } });
    return;
  }
  memory.forget();
  showError(
    'Payment failed',
    FAILURES[payment.error_code] || payment.error_description || 'The payment did not go through.',
    () => {
      show('pay');
      form.resetForRetry();
    },
  );
  tellParent({
    type: 'payment_failed',
    data: { paymentId: payment.id, error_code: payment.error_code, error_description: payment.error_description },
  });
}

start();
