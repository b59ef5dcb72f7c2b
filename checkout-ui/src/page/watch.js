// Watching an order that a payment elsewhere holds (another device, say) until it is paid.

import { getOrder } from './api.js';

// After a refusal because the order has a payment in progress elsewhere, the order is read this
// often (for 5 minutes) to tell the shopper when it is paid.
const WATCH_MS = 3000;
const WATCH_TIMES = 100;

/**
 * The order's payment in progress elsewhere cannot be looked up (public payments are read by id
 * only), but the order can: once it reads paid, `onPaid()` says so, instead of a form the order
 * refuses. A payment of this browser that `known()` finds meanwhile (another tab shares it) goes to
 * `onPayment(payment)` as soon as it shows. `stop()` ends the watch (Pay pressed again).
 */
export function orderWatch(orderId, { known, onPayment, onPaid }) {
  // Bumped to stop watching.
  let watching = 0;
  function look(times, watch) {
    setTimeout(async () => {
      if (watch !== watching) return;
      const own = await known().catch(() => null);
      const order = own ? null : await getOrder(orderId).catch(() => null);
      if (watch !== watching) return;
      if (own) onPayment(own);
      else if (order && order.status === 'paid') onPaid();
      else if (times > 1) look(times - 1, watch);
    }, WATCH_MS);
  }
  return {
    start: () => look(WATCH_TIMES, ++watching),
    stop: () => {
      watching++;
    },
  };
}
