// Which payment the page follows: its own, the one the SDK hands back, or another tab's still pending.

import { getPayment } from './api.js';

const PREFIX = 'paystream.checkout.';
// A shared entry that no tab has seen pending for this long is no tab's any more: payments reach a
// final state within seconds to minutes, and a tab that follows one stamps its entry at every check
// (every 2 s; about once a minute in a background tab that the browser slows down), so an hour
// leaves a wide margin. One dropped while its tab slept longer comes back at that tab's next check.
const STALE_MS = 60 * 60 * 1000;

// A shared entry, `{id, at}` (`at`: when a tab last saw the payment pending); one kept before
// entries had a time is the bare id.
function entryOf(text) {
  try {
    const entry = JSON.parse(text);
    if (entry && typeof entry.id === 'string') return entry;
  } catch { /* a bare id */ }
  return text ? { id: text } : null;
}

/**
 * The payments the page for `orderId` may pick up. `handedBack`: the one the SDK keeps for the
 * order (the `payment_id` it opens the checkout with), or null.
 */
export function paymentMemory(orderId, handedBack) {
  // The payment in progress is remembered for this tab, so a reload picks it up instead of losing
  // it. Framed, the SDK keeps it too and hands it back: a page framed by another site may be denied
  // storage of its own.
  const key = PREFIX + orderId;
  const remember = (id) => { try { sessionStorage.setItem(key, id); } catch { /* storage off: no resume */ } };
  const forget = () => { try { sessionStorage.removeItem(key); } catch { /* nothing kept */ } };
  const mine = () => { try { return sessionStorage.getItem(key); } catch { return null; } };
  // A payment still pending is also kept where this browser's other tabs on the order see it
  // (localStorage, until the payment is final): a second tab follows it instead of offering a form
  // that the order refuses while that payment is pending. Each share stamps the entry with the
  // time: `forgetStale` leaves the entries stamped within the hour.
  const share = (id) => {
    try {
      localStorage.setItem(key, JSON.stringify({ id, at: Date.now() }));
    } catch { /* storage off: not shared */ }
  };
  const shared = () => { try { return entryOf(localStorage.getItem(key))?.id ?? null; } catch { return null; } };
  const unshare = (id) => { try { if (shared() === id) localStorage.removeItem(key); } catch { /* nothing kept */ } };
  // The ids of payments to pick up, in that order: this tab's own, the SDK's, another tab's.
  const remembered = () => [...new Set([mine(), handedBack, shared()])].filter(Boolean);
  // Payments found not to follow (failed, another order's, unknown): that never changes.
  const passed = new Set();

  // The payment to pick up: the one this tab started before a reload, the one the SDK handed back,
  // or one still pending that another tab of this browser started. Null when there is none (or it
  // is of another order, or failed); throws when it cannot be read now.
  async function known() {
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

  return { remember, forget, share, unshare, known };
}

/**
 * Drops the shared entries of other orders that no tab has seen pending for an hour, so that tabs
 * closed while their payment was pending do not leave them behind for good. The entry of
 * `orderId` stays: this page asks about its payment instead, which tells more than its age. An
 * entry without a time (kept before entries had one), or with one ahead of this clock (set back
 * since), is timed from now: it goes an hour later, unless a tab stamps it meanwhile.
 */
export function forgetStale(orderId, now = Date.now()) {
  try {
    const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i));
    for (const key of keys) {
      if (!key || !key.startsWith(PREFIX) || key === PREFIX + orderId) continue;
      const entry = entryOf(localStorage.getItem(key));
      if (!entry) continue;
      if (typeof entry.at !== 'number' || entry.at > now) {
        localStorage.setItem(key, JSON.stringify({ id: entry.id, at: now }));
      } else if (now - entry.at > STALE_MS) {
        localStorage.removeItem(key);
      }
    }
  } catch { /* storage off: nothing kept */ }
}
