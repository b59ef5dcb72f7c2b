// The payment requests that got no clear answer, kept with their keys (up to five; UPI ones for a reload).

import { createPayment, mayHaveMadePayment } from './api.js';

// The most payment requests without a clear answer kept to ask about (each press of Pay with other
// details after one adds one).
const UNANSWERED_KEPT = 5;
const RESEND_WITHIN_MS = 60 * 60 * 1000; // well within the 24 h the service keeps a key

// One key per payment request (crypto.randomUUID needs a secure context; this does not).
function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'chk_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The tries of the page for `orderId`. Each is `{key, body, at, attempted, upi, answered}`: `body`
 * as sent (JSON), `at` when Pay was first pressed for it, `attempted` whether the order had taken
 * a payment before, `upi` whether it may be kept for a reload, `answered` whether it was answered
 * without a clear answer (the shopper was told so, and may have changed their mind).
 */
export function unansweredTries(orderId) {
  // The payment requests that got no clear answer (`mayHaveMadePayment`), oldest first: each may
  // have made a payment. Pay pressed again with the same details as one sends its key again, which
  // answers with that payment if it was made; a refusal because the order is taken asks every one
  // of them (a later try with other details does not drop an earlier one), so the page follows its
  // own payment whichever try made it.
  let unanswered = [];
  // The UPI ones are also kept for this tab (they hold no card data). A reload before the newest
  // one's answer sends it again with its key, and follows the payment it made. One answered without
  // a clear answer is sent again on a reload only where the order shows that it took a payment
  // since. Card requests are never kept.
  const sendingKey = `paystream.checkout.${orderId}.sending`;
  const keepSending = (requests) => {
    try {
      if (requests.length) sessionStorage.setItem(sendingKey, JSON.stringify(requests));
      else sessionStorage.removeItem(sendingKey);
    } catch { /* no resume */ }
  };
  const sending = () => {
    let kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(sendingKey)); } catch { /* nothing readable */ }
    return (Array.isArray(kept) ? kept : kept ? [kept] : []).filter(
      (r) => r && typeof r.key === 'string' && typeof r.body === 'string',
    );
  };
  const sent = () => keepSending([]);
  const drop = (key) => (unanswered = unanswered.filter((r) => r.key !== key));
  const keepUnanswered = () => keepSending(unanswered.filter((r) => r.upi));

  return {
    /**
     * The request a reload cut off, to send again with its key, or null. A request still on its
     * way is sent even while the order reads `created` (it may reach the service after that read);
     * one already answered without a clear answer only where the order took a payment since Pay
     * was pressed (paid, or attempted where it was not), which may be its own: otherwise Pay with
     * the same details sends it with its key.
     */
    cutOff(orderStatus) {
      // Too old to send again unasked: their keys may be forgotten by now.
      unanswered = sending()
        .filter((r) => Date.now() - r.at < RESEND_WITHIN_MS)
        .map((r) => ({ ...r, upi: true }));
      keepUnanswered();
      const request = unanswered[unanswered.length - 1];
      if (!request) return null;
      const tookOneSince = orderStatus === 'paid' || (orderStatus === 'attempted' && !request.attempted);
      return request.answered && !tookOneSince ? null : request;
    },

    /**
     * The request for Pay pressed with `body`: the same details as a try without a clear answer
     * send its key again, others get a key of their own. `attempted`: whether the order had taken a
     * payment.
     */
    next(body, attempted) {
      const text = JSON.stringify(body);
      const upi = body.method === 'upi';
      const same = unanswered.find((r) => r.body === text);
      const request = same
        ? { ...same, answered: false }
        : { key: newIdempotencyKey(), body: text, at: Date.now(), attempted, upi };
      unanswered = [...unanswered.filter((r) => r !== same), request].slice(-UNANSWERED_KEPT);
      if (upi) keepUnanswered();
      else sent(); // UPI requests left unanswered before are not sent again unasked by a reload
      return request;
    },

    /** `request` was refused with `e`: kept when it may have made a payment, else dropped. */
    refused(request, e) {
      if (mayHaveMadePayment(e)) request.answered = true;
      else drop(request.key);
      if (request.upi) keepUnanswered();
    },

    /** A payment request got its payment: none is left to send again. */
    clear() {
      unanswered = [];
      sent();
    },

    /**
     * Asks the requests without a clear answer, newest first and each with its key, whether one of
     * them made the payment that now holds the order (it is answered with that payment again); the
     * payment, or null. One refused made none, and is dropped.
     */
    async find() {
      for (const request of [...unanswered].reverse()) {
        try {
          return await createPayment(JSON.parse(request.body), request.key);
        } catch (e) {
          if (!mayHaveMadePayment(e)) drop(request.key);
        }
      }
      // Only those dropped go from what a reload sends (a card payment since may have cleared it).
      keepSending(sending().filter((kept) => unanswered.some((r) => r.key === kept.key)));
      return null;
    },
  };
}
