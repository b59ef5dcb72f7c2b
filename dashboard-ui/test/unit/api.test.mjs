import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, outcomeUnknown, resendKeys } from '../../src/lib/api.js';

const failure = (status) => new ApiError(status, 'X', 'x');

test('an answer that may hide work done leaves the outcome unknown; a refusal does not', () => {
  for (const status of [0, 409, 500, 502, 503, 504]) assert.equal(outcomeUnknown(failure(status)), true, `HTTP ${status}`);
  for (const status of [400, 401, 404, 422, 429]) assert.equal(outcomeUnknown(failure(status)), false, `HTTP ${status}`);
});

test('a request sent again while its outcome is unknown keeps its key, and only then', () => {
  const keys = resendKeys();
  const first = keys.keyFor('{"amount":100}');
  assert.match(first, /^dash_[0-9a-f]{32}$/);
  for (const status of [0, 502, 409]) {
    keys.settle(failure(status));
    assert.equal(keys.keyFor('{"amount":100}'), first, `kept after HTTP ${status}`);
  }
  // Changed before it is sent again: another request, another key.
  const changed = keys.keyFor('{"amount":200}');
  assert.notEqual(changed, first);
  // Refused: the same request sent again is a new attempt.
  keys.settle(failure(400));
  const afterRefusal = keys.keyFor('{"amount":200}');
  assert.notEqual(afterRefusal, changed);
  // Done: the next one, even if it looks the same, is a new action.
  keys.settle();
  assert.notEqual(keys.keyFor('{"amount":200}'), afterRefusal);
});
