// The hosted checkout page: loads the order, takes a UPI or card payment through the public
// endpoints, polls it every 2 s while pending and shows the outcome. Embedded (`embedded=true`),
// it also tells the framing page (see parent.js); standalone, the outcome simply stays on the page.

import { createPayment, getOrder, getPayment, mayHaveMadePayment } from './api.js';
import * as form from './form.js';
import { onParentMessage, parentMessenger } from './parent.js';
import { formatAmount } from './validation.js';
import { byTestId, show, showError, showProcessing, showSuccess } from './view.js';

const POLL_MS = 2000;
// A payment request without an answer after this long says so under the button (the edge gives up
// only after 30 s).
const SLOW_SEND_MS = 5000;
const SLOW_AFTER_POLLS = 15;
// After a refusal because the order has a payment in progress elsewhere, the order is read this
// often (for 5 minutes) to tell the shopper when it is paid.
const WATCH_MS = 3000;
const WATCH_TIMES = 100;
// The most payment requests without a clear answer kept to ask about (each press of Pay with other
// details after one adds one).
const UNANSWERED_KEPT = 5;

const params = new URLSearchParams(location.search);
const orderId = params.get('order_id');
const embedded = params.get('embedded') === 'true';
const tellParent = embedded ? parentMessenger(params) : () => {};
const payButton = byTestId('pay-button');
const sendingNote = document.getElementById('sending-note');

// Shift+Tab from the modal's close button comes round to this page's last control: the SDK asks
// for it when focus enters the frame backwards, which the frame alone cannot tell.
function focusLast() {
  const controls = [...document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')].filter(
    (el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0,
  );
  if (controls.length) controls[controls.length - 1].focus();
}
if (embedded) onParentMessage(params, (m) => m.type === 'focus_last' && document.hasFocus() && focusLast());

// The payment in progress is remembered for this tab, so a reload picks it up instead of losing it.
// Framed, the SDK keeps it too (`payment_created`) and hands it back (`payment_id`) when it opens
// the checkout again: a page framed by another site may be denied storage of its own.
const memoryKey = `paystream.checkout.${orderId}`;
const handedBack = embedded ? params.get('payment_id') : null;
const remember = (id) => { try { sessionStorage.setItem(memoryKey, id); } catch { /* storage off: no resume */ } };
const forget = () => { try { sessionStorage.removeItem(memoryKey); } catch { /* nothing kept */ } };
// A payment still pending is also kept where this browser's other tabs on the order see it
// (localStorage, until the payment is final): a second tab follows it instead of offering a form
// that the order refuses while that payment is pending.
const share = (id) => { try { localStorage.setItem(memoryKey, id); } catch { /* storage off: not shared */ } };
const shared = () => { try { return localStorage.getItem(memoryKey); } catch { return null; } };
const unshare = (id) => { try { if (shared() === id) localStorage.removeItem(memoryKey); } catch { /* nothing kept */ } };
const mine = () => { try { return sessionStorage.getItem(memoryKey); } catch { return null; } };
// The ids of payments to pick up, in that order: this tab's own, the SDK's, another tab's.
const remembered = () => [...new Set([mine(), handedBack, shared()])].filter(Boolean);
// Payments found not to follow (failed, another order's, unknown): that never changes.
const passed = new Set();
// The UPI requests of `unanswered` (below), oldest first, each with `key` and `body` (which hold no
// card data), `at` (when Pay was first pressed for it) and `attempted` (whether the order had taken
// a payment before). A reload before the newest one's answer sends it again with its key, and
// follows the payment it made. One answered without a clear answer (`answered`: the shopper was
// told so, and may have changed their mind) is sent again on a reload only where the order shows
// that it took a payment since. Card requests are never kept.
const sendingKey = `${memoryKey}.sending`;
const RESEND_WITHIN_MS = 60 * 60 * 1000; // well within the 24 h the service keeps a key
const keepSending = (requests) => {
  try {
    if (requests.length) sessionStorage.setItem(sendingKey, JSON.stringify(requests));
    else sessionStorage.removeItem(sendingKey);
  } catch { /* no resume */ }
};
// Whether the order has taken a payment as far as this page knows (one that failed included).
let orderAttempted = false;
const sending = () => {
  let kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(sendingKey)); } catch { /* nothing readable */ }
  return (Array.isArray(kept) ? kept : kept ? [kept] : []).filter(
    (r) => r && typeof r.key === 'string' && typeof r.body === 'string',
  );
};
const sent = () => keepSending([]);

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
// key (`unanswered`), so pressing Pay again cannot pay twice; the API's words there (a 409's, a
// proxy's 502) speak to developers of Idempotency-Key.
function refusal(e) {
  if (e.status === 503) return 'Payments are unavailable right now. Please try again in a moment.';
  if (mayHaveMadePayment(e)) return 'We could not confirm your payment. Press Pay again — you will not be charged twice.';
  return REFUSALS[e.code] || e.message;
}

let submitting = false;
let payLabel = 'Pay';
// The payment requests that got no clear answer (`mayHaveMadePayment`), oldest first, with `upi`
// (kept for a reload) besides the fields above: each may have made a payment. Pay pressed again
// with the same details as one sends its key again, which answers with that payment if it was
// made; a refusal because the order is taken asks every one of them (a later try with other
// details does not drop an earlier one), so the page follows its own payment whichever try made it.
let unanswered = [];
const drop = (key) => (unanswered = unanswered.filter((r) => r.key !== key));
const keepUnanswered = () => keepSending(unanswered.filter((r) => r.upi));
// Bumped to stop watching the order (`watchOrder`).
let watching = 0;

async function start() {
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
      known = await knownPayment();
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

// The payment to pick up: the one this tab started before a reload, the one the SDK handed back,
// or one still pending that another tab of this browser started. Null when there is none (or it is
// of another order, or failed); throws when it cannot be read now.
async function knownPayment() {
  for (const id of remembered().filter((id) => !passed.has(id))) {
    try {
      const payment = await getPayment(id);
      if (payment.order_id === orderId && payment.status !== 'failed') {
        remember(payment.id);
        return payment;
      }
    } catch (e) {
      if (e.status !== 404 && e.status !== 400) throw e;
    }
    passed.add(id);
    if (mine() === id) forget();
    unshare(id);
  }
  return null;
}

// Sends again, with its key, the UPI request a reload cut off: answered with the payment it made
// (a replay, even once the order is paid), which the page follows. A request still on its way is
// sent even while the order reads `created` (it may reach the service after that read); one already
// answered without a clear answer only where the order took a payment since Pay was pressed (paid,
// or attempted where it was not), which may be its own: otherwise Pay with the same details sends
// it with its key. Refused because the order is taken, it asks the earlier ones kept whether one
// of them took it. False when there is none to send, or when it still gets no payment (the form
// is shown).
async function resend(orderStatus) {
  // Too old to send again unasked: their keys may be forgotten by now.
  unanswered = sending()
    .filter((r) => Date.now() - r.at < RESEND_WITHIN_MS)
    .map((r) => ({ ...r, upi: true }));
  keepUnanswered();
  const request = unanswered[unanswered.length - 1];
  if (!request) return false;
  const tookOneSince = orderStatus === 'paid' || (orderStatus === 'attempted' && !request.attempted);
  if (request.answered && !tookOneSince) return false;
  try {
    settle(answered(await createPayment(JSON.parse(request.body), request.key)));
    return true;
  } catch (e) {
    if (mayHaveMadePayment(e)) {
      request.answered = true;
      keepUnanswered();
      return false;
    }
    drop(request.key);
    keepUnanswered();
    if (!(e.status === 400 && e.field === 'order_id')) return false;
    const own = await ownPayment();
    if (own) settle(own);
    return Boolean(own);
  }
}

// A payment request got its payment: the tab follows that one (a reload too), and no request is
// left to send again.
function answered(payment) {
  unanswered = [];
  orderAttempted = true;
  remember(payment.id);
  if (payment.status === 'pending') share(payment.id);
  tellParent({ type: 'payment_created', data: { paymentId: payment.id } });
  sent();
  form.markFault(null);
  return payment;
}

// One key per payment request (crypto.randomUUID needs a secure context; this does not).
function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'chk_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function submit() {
  if (submitting) return;
  const body = form.paymentBody(orderId);
  if (!body) return;
  submitting = true;
  watching++;
  payButton.disabled = true;
  payButton.textContent = 'Sending…';
  const slow = setTimeout(() => (sendingNote.hidden = false), SLOW_SEND_MS);
  const text = JSON.stringify(body);
  const upi = body.method === 'upi';
  const same = unanswered.find((r) => r.body === text);
  const request = same
    ? { ...same, answered: false }
    : { key: newIdempotencyKey(), body: text, at: Date.now(), attempted: orderAttempted, upi };
  unanswered = [...unanswered.filter((r) => r !== same), request].slice(-UNANSWERED_KEPT);
  if (upi) keepUnanswered();
  else sent(); // UPI requests left unanswered before are not sent again unasked by a reload
  try {
    track(answered(await createPayment(body, request.key)).id);
  } catch (e) {
    if (mayHaveMadePayment(e)) request.answered = true;
    else drop(request.key);
    if (upi) keepUnanswered();
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

const alreadyPaid = () => showError('Already paid', 'This order has already been paid. There is nothing more to pay.');

// Asks the requests without a clear answer, newest first and each with its key, whether one of
// them made the payment that now holds the order (it is answered with that payment again); the
// payment, or null. One refused made none, and is dropped.
async function ownPayment() {
  for (const request of [...unanswered].reverse()) {
    try {
      return answered(await createPayment(JSON.parse(request.body), request.key));
    } catch (e) {
      if (!mayHaveMadePayment(e)) drop(request.key);
    }
  }
  // Only those dropped go from what a reload sends (a card payment since may have cleared it).
  keepSending(sending().filter((kept) => unanswered.some((r) => r.key === kept.key)));
  return null;
}

// The order took no new payment: paid meanwhile, or a payment of it is still being processed. That
// payment may be this page's own, from a request that got no answer before the details were
// changed, or another tab's of this browser: the page follows it. Otherwise the order itself says
// which (another device, say), and is watched until it is paid.
async function orderTaken() {
  const own = (await ownPayment()) || (await knownPayment().catch(() => null));
  if (own) return settle(own);
  const order = await getOrder(orderId).catch(() => null);
  if (order && order.status === 'paid') {
    return alreadyPaid();
  }
  form.markServerFault(
    null,
    'A payment for this order is already being processed, perhaps in another window. This page will say so once it is paid; if it does not go through, you can pay here again in a moment.',
  );
  watchOrder();
}

// The order's payment in progress elsewhere cannot be looked up (public payments are read by id
// only), but the order can: once it reads paid, the page says so, instead of a form the order
// refuses. A payment another tab of this browser shares is followed as soon as it shows. Pressing
// Pay again stops the watch.
function watchOrder(times = WATCH_TIMES, watch = ++watching) {
  setTimeout(async () => {
    if (watch !== watching) return;
    const own = await knownPayment().catch(() => null);
    const order = own ? null : await getOrder(orderId).catch(() => null);
    if (watch !== watching) return;
    if (own) settle(own);
    else if (order && order.status === 'paid') alreadyPaid();
    else if (times > 1) watchOrder(times - 1, watch);
  }, WATCH_MS);
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
    if (payment.status !== 'pending') settle(payment);
    else track(paymentId, polls + 1);
  }, POLL_MS);
}

function settle(payment) {
  if (payment.status === 'pending') return track(payment.id);
  unshare(payment.id);
  if (payment.status === 'success') {
    showSuccess(payment.id);
    tellParent({ type: 'payment_success', data: { paymentId: payment.id } });
    return;
  }
  forget();
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
