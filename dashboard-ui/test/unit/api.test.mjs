import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, outcomeUnknown, resendKeys } from '../../src/lib/api.js';

const failure = (status) => new ApiError(status, 'X', 'x');

test('an answer that may hide work done leaves the outcome unknown; a refusal does not', () => {
  for (const status of [0, 409, 500, 502, 503, 504]) assert.equal(outcomeUnknown(failure(status)), true, `HTTP ${status}`);
  for (const status of [400, 401, 404, 422, 429]) assert.equal(outcomeUnknown(failure(status)), false, `HTTP ${status}`);
});

test('a request sent again while its outcome is unknown keeps its key, and only then', async () => {
  const keys = resendKeys();
  const sent = [];
  // Sends `fingerprint` through the keys; the request answers `status` (200 when not given).
  const send = (fingerprint, status) =>
    keys
      .send(fingerprint, async (key) => {
        sent.push(key);
        if (status !== undefined) throw failure(status);
        return { ok: true };
      })
      .catch((err) => err);
  await send('{"amount":100}', 502);
  const first = sent[0];
  assert.match(first, /^dash_[0-9a-f]{32}$/);
  for (const status of [0, 409, 504]) {
    assert.equal((await send('{"amount":100}', status)).status, status, 'the failure is passed on');
    assert.equal(sent.at(-1), first, `kept after HTTP ${status}`);
  }
  // Changed before it is sent again: another request, another key.
  await send('{"amount":200}', 502);
  const changed = sent.at(-1);
  assert.notEqual(changed, first);
  // Refused: the same request sent again is a new attempt.
  await send('{"amount":200}', 400);
  assert.equal(sent.at(-1), changed);
  await send('{"amount":200}');
  const afterRefusal = sent.at(-1);
  assert.notEqual(afterRefusal, changed);
  // Done (and its answer passed on): the next one, even if it looks the same, is a new action.
  assert.deepEqual(await send('{"amount":200}'), { ok: true });
  assert.notEqual(sent.at(-1), afterRefusal);
});
