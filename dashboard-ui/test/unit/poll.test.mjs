// poll(): a tick that met Retry-After (429, 503) waits that long before the next one, also when the
// tab becomes visible again in between; otherwise the fixed interval.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { ApiError } from '../../src/lib/api.js';
import { poll, retryAfterOf } from '../../src/lib/poll.js';

const settle = () => new Promise((r) => setImmediate(r));
let stop = () => {};

beforeEach(() => {
  globalThis.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
});

afterEach(() => {
  stop();
  mock.timers.reset();
  delete globalThis.document;
});

/** Advances the clock by `ms`, letting each tick's promise settle. */
async function advance(ms) {
  for (let i = 0; i < ms / 500; i++) {
    mock.timers.tick(500);
    await settle();
  }
}

for (const how of ['thrown', 'returned (the error the page showed)']) {
  test(`after a refusal with Retry-After: 30, ${how}, the next tick waits 30 s, not the interval`, async () => {
    const calls = [];
    const outcomes = [new ApiError(503, 'SERVICE_UNAVAILABLE', 'down', null, 30)];
    stop = poll(async () => {
      calls.push(Date.now());
      const next = outcomes.shift();
      if (next && how === 'thrown') throw next;
      return next;
    }, 3000);
    await advance(3000);
    assert.equal(calls.length, 1, 'the first tick');
    await advance(29_500);
    assert.equal(calls.length, 1, 'nothing within the 30 s asked for');
    // The tab hidden and shown again: still not before the 30 s.
    document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    assert.equal(calls.length, 1, 'becoming visible again does not cut the wait short');
    await advance(500);
    assert.equal(calls.length, 2, 'the tick after 30 s');
    assert.equal(calls[1] - calls[0], 30_000);
    // That one succeeded: back to the usual interval.
    await advance(3000);
    assert.equal(calls.length, 3);
    assert.equal(calls[2] - calls[1], 3000);
  });
}

test('a failure without Retry-After keeps the usual interval', async () => {
  const calls = [];
  stop = poll(async () => {
    calls.push(Date.now());
    throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'down');
  }, 3000);
  await advance(9000);
  assert.deepEqual(calls.map((t) => t - 1_000_000), [3000, 6000, 9000]);
});

test('the longest Retry-After of the errors a tick met counts', () => {
  assert.equal(retryAfterOf(undefined), 0);
  assert.equal(retryAfterOf(new ApiError(500, 'X', 'x')), 0);
  assert.equal(retryAfterOf(new ApiError(429, 'RATE_LIMIT_ERROR', 'x', null, 5)), 5);
  assert.equal(retryAfterOf([new ApiError(429, 'X', 'x', null, 5), null, new ApiError(503, 'X', 'x', null, 20)]), 20);
});
