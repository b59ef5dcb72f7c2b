// The page's requests have deadlines: one the API never answers ends in a clear, retryable error
// instead of a wait without end, and a payment request given up on is sent again with its key.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';

const { createPayment, getOrder, mayHaveMadePayment } = await import('../../src/page/api.js');

// A fetch that never answers (until its signal aborts it), recording what it was asked.
let asked;
beforeEach(() => {
  asked = [];
  mock.timers.enable({ apis: ['setTimeout'] });
  globalThis.fetch = (url, init) => {
    asked.push({ url, init });
    return new Promise((resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  };
});
afterEach(() => {
  mock.timers.reset();
  delete globalThis.fetch;
});

// Lets the promise chains run between ticks of the mocked clock.
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Where `promise` stands after `ms` of mocked time: `{done, value, error}`. */
async function after(promise, ms) {
  const state = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error) => Object.assign(state, { done: true, error }),
  );
  for (let t = 0; t < ms; t += 500) {
    await settle();
    mock.timers.tick(500);
  }
  await settle();
  return state;
}

test('an order request the API never answers ends after 10 s: aborted, a retryable timeout in the page\'s words', async () => {
  const request = getOrder('order_abc');
  assert.equal((await after(request, 9_500)).done, false, 'still waiting before its deadline');
  const state = await after(request, 500);
  assert.equal(state.done, true);
  assert.equal(asked.length, 1);
  assert.ok(asked[0].init.signal.aborted, 'the request is aborted');
  assert.equal(state.error.status, 0);
  assert.equal(state.error.code, 'TIMEOUT');
  assert.match(state.error.message, /did not answer in time/);
  assert.ok(mayHaveMadePayment(state.error), 'a payment request given up on may have made a payment');
});

test('a payment request never answered is sent once more with the same key, each try with its deadline', async () => {
  const state = await after(createPayment({ order_id: 'order_abc', method: 'upi', vpa: 'a@b' }, 'chk_1'), 15_000 + 1_000 + 15_000);
  assert.equal(asked.length, 2);
  assert.deepEqual(asked.map((a) => a.init.headers['Idempotency-Key']), ['chk_1', 'chk_1']);
  assert.ok(asked.every((a) => a.init.signal.aborted));
  assert.equal(state.done, true);
  assert.equal(state.error.code, 'TIMEOUT');
});

test('an answer in time is used as it is, and nothing is aborted', async () => {
  globalThis.fetch = (url, init) => {
    asked.push({ url, init });
    return Promise.resolve(new Response(JSON.stringify({ id: 'order_abc', status: 'created' }), { status: 200 }));
  };
  const state = await after(getOrder('order_abc'), 20_000);
  assert.deepEqual(state.value, { id: 'order_abc', status: 'created' });
  assert.equal(asked[0].init.signal.aborted, false);
});
