// Calls the Paystream API through this origin's /api proxy, as the signed-in merchant.
import { currentMerchant, signOut } from './session.js';

/**
 * An error answer from the API (or none at all: status 0, code NETWORK_ERROR). `retryAfter`: the
 * seconds its `Retry-After` asked to wait before trying again (429, 503), or null.
 */
export class ApiError extends Error {
  constructor(status, code, description, field, retryAfter = null) {
    super(description);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter;
  }
}

/**
 * A `Retry-After` header in seconds (whole, rounded up): delay-seconds (`30`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`, counted from `now`). Null when absent or unreadable; a date
 * already past is 0.
 */
export function parseRetryAfter(value, now = Date.now()) {
  const text = String(value ?? '').trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (!/[a-z]/i.test(text) || Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

let onSignedOut = () => {};

/** What to do when the API stops accepting the stored credentials (the secret was rotated). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

/**
 * `api('GET', '/payments?limit=10')` → the parsed JSON body. Throws ApiError for any non-2xx
 * answer, with the server's own code and description.
 *
 * @param {{auth?: boolean, idempotencyKey?: string, signal?: AbortSignal}} options
 */
export async function api(method, path, body, { auth = true, idempotencyKey, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (auth) {
    const merchant = currentMerchant();
    if (!merchant) {
      onSignedOut('Please sign in.');
      throw new ApiError(401, 'AUTHENTICATION_ERROR', 'Please sign in.');
    }
    headers['X-Api-Key'] = merchant.api_key;
    headers['X-Api-Secret'] = merchant.api_secret;
  }
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', 'The dashboard cannot reach Paystream right now. Check your connection.');
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (res.ok) {
    if (data !== null) return data;
    // Done or not, what came back says nothing: as unknown an outcome as no answer at all.
    throw new ApiError(0, 'NETWORK_ERROR', 'The answer from Paystream could not be read. Check your connection and try again.');
  }
  const error = data && data.error ? data.error : {};
  if (res.status === 401 && auth) {
    signOut();
    onSignedOut('Your session has ended. Please sign in again.');
  }
  throw new ApiError(
    res.status,
    error.code || 'HTTP_' + res.status,
    error.description || `The request failed (HTTP ${res.status}).`,
    error.field,
    parseRetryAfter(res.headers.get('Retry-After')),
  );
}

/**
 * A fresh Idempotency-Key: one per action a person takes, reused if that same action is resent.
 * From getRandomValues, which every page has: randomUUID exists only in a secure context (https or
 * localhost), and the dashboard may be served over plain http on another host name.
 */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'dash_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether a request that failed with `err` may still have been carried out: no readable answer,
 * a 5xx (a proxy may give up after the service took the request), or 409 (the first request with
 * its key is still running).
 */
export function outcomeUnknown(err) {
  return err.status === 0 || err.status === 409 || err.status >= 500;
}

/**
 * Whether a changed request sent with the key of an earlier attempt whose outcome was unknown was
 * refused for it (422 IDEMPOTENCY_KEY_MISMATCH): the service holds that key for another request, so
 * the earlier attempt was carried out (or still runs). Nothing was done for this one.
 */
export function earlierAttemptDone(err) {
  return err.status === 422 && err.code === 'IDEMPOTENCY_KEY_MISMATCH';
}

/**
 * Idempotency-Keys for actions a person may send again (a payment's refund, a new endpoint): while
 * the outcome of an action's last attempt is unknown, its next attempt reuses that key whatever its
 * body, so that sending it again after a timeout or a 502 replays the first answer, or, when a
 * reason or URL was changed in between, is refused (see `earlierAttemptDone`) instead of doing the
 * work twice. A definite answer (2xx, or a 4xx other than 409) ends the action: the next attempt is
 * a new one, with a new key. So does time: an attempt made `keepMs` (an hour) after the last one
 * ended without an answer is a new action, a deliberate one, not a resend (the service would answer
 * a reused key with the first answer for a day, and do nothing).
 *
 * ```js
 * const keys = resendKeys();
 * const refund = await keys.send(paymentId, (key) => api('POST', `/payments/${paymentId}/refunds`, body, { idempotencyKey: key }));
 * ```
 */
export function resendKeys({ keepMs = 60 * 60_000, now = () => Date.now() } = {}) {
  // action → the key of its last attempt and when it ended without an answer
  const keys = new Map();
  return {
    /**
     * Sends one attempt of `action` (any string naming it) through `request(key)`; emits or throws
     * what `request` does.
     */
    async send(action, request) {
      const last = keys.get(action);
      const key = last && now() - last.at < keepMs ? last.key : newIdempotencyKey();
      const attempt = { key, at: Infinity }; // running: its outcome is not known yet
      keys.set(action, attempt);
      try {
        const answer = await request(key);
        if (keys.get(action) === attempt) keys.delete(action);
        return answer;
      } catch (err) {
        if (keys.get(action) === attempt) {
          if (outcomeUnknown(err)) attempt.at = now();
          else keys.delete(action);
        }
        throw err;
      }
    },
  };
}

/** `{limit: 10, status: ''}` → `?limit=10` (empty values left out). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}
