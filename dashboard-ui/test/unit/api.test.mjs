import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, api, earlierAttemptDone, outcomeUnknown, parseRetryAfter, resendKeys } from '../../src/lib/api.js';

const failure = (status) => new ApiError(status, 'X', 'x');

test('an answer that may hide work done leaves the outcome unknown; a refusal does not', () => {
  for (const status of [0, 409, 500, 502, 503, 504]) assert.equal(outcomeUnknown(failure(status)), true, `HTTP ${status}`);
  for (const status of [400, 401, 404, 422, 429]) assert.equal(outcomeUnknown(failure(status)), false, `HTTP ${status}`);
});

test('an action sent again while its outcome is unknown keeps its key, and only then', async () => {
  const keys = resendKeys();
  const sent = [];
  // Sends `action` through the keys; the request answers `status` (200 when not given).
  const send = (action, status) =>
    keys
      .send(action, async (key) => {
        sent.push(key);
        if (status !== undefined) throw failure(status);
        return { ok: true };
      })
      .catch((err) => err);
  await send('refund pay_1', 502);
  const first = sent[0];
  assert.match(first, /^dash_[0-9a-f]{32}$/);
  for (const status of [0, 409, 504]) {
    assert.equal((await send('refund pay_1', status)).status, status, 'the failure is passed on');
    assert.equal(sent.at(-1), first, `kept after HTTP ${status}`);
  }
  // Another action: another key.
  await send('refund pay_2', 502);
  const other = sent.at(-1);
  assert.notEqual(other, first);
  // Refused: the same action sent again is a new attempt.
  await send('refund pay_2', 400);
  assert.equal(sent.at(-1), other);
  await send('refund pay_2');
  const afterRefusal = sent.at(-1);
  assert.notEqual(afterRefusal, other);
  // Done (and its answer passed on): the next one is a new action.
  assert.deepEqual(await send('refund pay_2'), { ok: true });
  assert.notEqual(sent.at(-1), afterRefusal);
});

test('each action keeps its key while its outcome is unknown, whatever its body and whatever is sent in between', async () => {
  const keys = resendKeys();
  const sent = [];
  const send = (action, body, status) =>
    keys
      .send(action, async (key) => {
        sent.push({ action, body, key });
        if (status !== undefined) throw failure(status);
        return { ok: true };
      })
      .catch((err) => err);
  await send('refund pay_1', { amount: 10000, reason: 'Damaged' }, 502);
  await send('refund pay_2', { amount: 500, reason: null }, 0);
  assert.notEqual(sent[1].key, sent[0].key, 'another payment, another key');
  // The reason corrected, after another payment's refund: still the first attempt's key.
  await send('refund pay_1', { amount: 10000, reason: 'Damaged in transit' }, 422);
  assert.equal(sent[2].key, sent[0].key);
  // 422 is an answer: the next refund of pay_1 is a new action; pay_2 keeps its own key.
  await send('refund pay_1', { amount: 10000, reason: 'Damaged in transit' });
  assert.notEqual(sent[3].key, sent[0].key);
  await send('refund pay_2', { amount: 500, reason: null });
  assert.equal(sent[4].key, sent[1].key);
});

test('an attempt long after one whose outcome is unknown is a new action, with a new key', async () => {
  let clock = 0;
  const keys = resendKeys({ keepMs: 1000, now: () => clock });
  const sent = [];
  const send = (status) =>
    keys
      .send('rotate', async (key) => {
        sent.push(key);
        if (status !== undefined) throw failure(status);
        return { ok: true };
      })
      .catch((err) => err);
  await send(502);
  clock = 999;
  await send(0);
  assert.equal(sent[1], sent[0], 'sent again soon after: the same key');
  clock = 999 + 1000;
  await send();
  assert.notEqual(sent[2], sent[0], 'a deliberate action later: a new key');
  // The time counts from when an attempt ended without an answer, not from when it was sent.
  await keys.send('rotate', async (key) => {
    sent.push(key);
    clock += 5000; // a slow answer, lost in the end
    throw failure(504);
  }).catch((err) => err);
  await send();
  assert.equal(sent[4], sent[3], 'sent again at once after a slow attempt: the same key');
});

test('a changed request refused for its reused key means the earlier attempt was carried out', () => {
  assert.equal(earlierAttemptDone(new ApiError(422, 'IDEMPOTENCY_KEY_MISMATCH', 'x')), true);
  assert.equal(earlierAttemptDone(new ApiError(422, 'BAD_REQUEST_ERROR', 'x')), false);
  assert.equal(earlierAttemptDone(new ApiError(409, 'CONFLICT_ERROR', 'x')), false);
  assert.equal(earlierAttemptDone(new ApiError(502, 'SERVICE_UNAVAILABLE', 'x')), false);
});

test('an error answer carries its Retry-After, in seconds', async () => {
  const realFetch = globalThis.fetch;
  const answers = [
    [429, { 'Retry-After': '30' }, 30],
    [503, { 'Retry-After': new Date(Date.now() + 120_000).toUTCString() }, 120],
    [503, {}, null],
    [400, {}, null],
  ];
  try {
    for (const [status, headers, expected] of answers) {
      globalThis.fetch = async () =>
        new Response(JSON.stringify({ error: { code: 'RATE_LIMIT_ERROR', description: 'Slow down' } }), {
          status,
          headers: { 'Content-Type': 'application/json', ...headers },
        });
      const err = await api('POST', '/auth/login', { email: 'a@b.c', password: 'x' }, { auth: false }).catch((e) => e);
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, status);
      assert.equal(err.message, 'Slow down');
      if (expected === 120) assert.ok(err.retryAfter >= 119 && err.retryAfter <= 120, `${err.retryAfter}`);
      else assert.equal(err.retryAfter, expected, `HTTP ${status} ${JSON.stringify(headers)}`);
    }
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-01-15T10:00:00Z');
  assert.equal(parseRetryAfter('30', now), 30);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Thu, 15 Jan 2026 10:15:00 GMT', now), 900);
  assert.equal(parseRetryAfter('Thu, 15 Jan 2026 09:00:00 GMT', now), 0, 'a time already past');
  for (const bad of [null, undefined, '', '-5', '1.5', 'soon', 'Thursday']) assert.equal(parseRetryAfter(bad, now), null, String(bad));
});
