// The public endpoints the checkout page uses (API.md, Orders and Payments). No key and no secret:
// the order decides the merchant. Calls go to this page's own origin, which forwards /api.

const BASE = '/api/v1';

/** A refusal from the API (`status` 0: no answer, or a success that could not be read). */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

// How long a request may go unanswered before the page gives up on it and says so: a network that
// drops packets, or a proxy that holds the request, would otherwise leave the shopper on a spinner
// for good. A payment request gets longer (the edge itself gives up after 30 s); it is sent again
// with its key, so one given up on cannot pay twice.
const DEADLINE_MS = 10_000;
const PAY_DEADLINE_MS = 15_000;

async function call(path, init = {}, deadline = DEADLINE_MS) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), deadline);
  try {
    return await answer(path, { ...init, cache: 'no-store', credentials: 'omit', signal: abort.signal });
  } catch (e) {
    if (!abort.signal.aborted || e.status !== 0) throw e;
    throw new ApiError(0, 'TIMEOUT', 'The payment service did not answer in time. Please try again.');
  } finally {
    clearTimeout(timer);
  }
}

async function answer(path, init) {
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'We could not reach the payment service. Check your connection and try again.');
  }
  const body = await res.json().catch(() => null);
  if (res.ok && body) return body;
  if (res.ok) {
    // A success whose body was cut short or mangled on the way: what it said is unknown.
    throw new ApiError(0, 'NETWORK_ERROR', 'We could not read the answer of the payment service. Please try again.');
  }
  const err = (body && body.error) || {};
  // A 5xx's description is for developers (a proxy's tells them to send the request again with the
  // same Idempotency-Key): the shopper reads the page's own words instead.
  throw new ApiError(
    res.status,
    err.code || 'SERVER_ERROR',
    (res.status < 500 && err.description) || 'Something went wrong on our side. Please try again in a moment.',
    err.field,
  );
}

/** `{id, amount, currency, status, merchant_name}` of an order. */
export const getOrder = (id) => call(`/orders/${encodeURIComponent(id)}/public`);

/** `{id, order_id, amount, currency, method, status, error_code, error_description}` of a payment. */
export const getPayment = (id) => call(`/payments/${encodeURIComponent(id)}/public`);

/**
 * Whether a payment request may have made a payment without saying so: it got no answer (status
 * 0), met a request with its key still in flight (409), or a failure on the way (any 5xx: a 504
 * from the edge may come after the payment was made). Sent again with its key, it answers with
 * that payment if there is one.
 */
export const mayHaveMadePayment = (e) => e.status === 0 || e.status === 409 || e.status >= 500;

/**
 * Creates a payment. The same Idempotency-Key is sent again once when the first try got no clear
 * answer (`mayHaveMadePayment`), so a flaky network never makes two payments.
 */
export async function createPayment(body, idempotencyKey) {
  const init = {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
    body: JSON.stringify(body),
  };
  try {
    return await call('/payments/public', init, PAY_DEADLINE_MS);
  } catch (e) {
    if (!mayHaveMadePayment(e)) throw e;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return call('/payments/public', init, PAY_DEADLINE_MS);
  }
}
