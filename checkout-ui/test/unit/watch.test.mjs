// Watching an order that a payment elsewhere holds: read every 3 s until it is paid, for 5 minutes
// at most; a payment of this browser that shows up meanwhile wins; Pay pressed again stops it.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';

const { orderWatch } = await import('../../src/page/watch.js');

// The order as the API reads it (`status`), and how often it was read.
let status;
let reads;
beforeEach(() => {
  status = 'attempted';
  reads = 0;
  mock.timers.enable({ apis: ['setTimeout'] });
  globalThis.fetch = async () => {
    reads++;
    return new Response(JSON.stringify({ id: 'order_abc', status }), { status: 200 });
  };
});
afterEach(() => {
  mock.timers.reset();
  delete globalThis.fetch;
});

const settle = () => new Promise((resolve) => setImmediate(resolve));
async function wait(ms) {
  for (let t = 0; t < ms; t += 500) {
    mock.timers.tick(500);
    await settle();
    await settle();
  }
}

function watched(known = async () => null) {
  const seen = [];
  const watch = orderWatch('order_abc', {
    known,
    onPayment: (payment) => seen.push(payment.id),
    onPaid: () => seen.push('paid'),
  });
  return { watch, seen };
}

test('the order is read every 3 s until it reads paid, then the watch ends', async () => {
  const { watch, seen } = watched();
  watch.start();
  await wait(2_500);
  assert.equal(reads, 0);
  await wait(3_500);
  assert.equal(reads, 2);
  status = 'paid';
  await wait(3_000);
  assert.deepEqual(seen, ['paid']);
  await wait(30_000);
  assert.equal(reads, 3, 'no read after it said so');
});

test('after 5 minutes (100 reads) the watch gives up', async () => {
  const { watch, seen } = watched();
  watch.start();
  await wait(400_000);
  assert.equal(reads, 100);
  assert.deepEqual(seen, []);
});

test('a payment of this browser that shows up is followed instead, without reading the order', async () => {
  let shared = null;
  const { watch, seen } = watched(async () => shared);
  watch.start();
  await wait(3_000);
  shared = { id: 'pay_mine', status: 'pending' };
  status = 'paid';
  await wait(3_000);
  assert.deepEqual(seen, ['pay_mine']);
  assert.equal(reads, 1);
});

test('stop() ends the watch, also between a read and its answer; start() begins a new one', async () => {
  let answer;
  const { watch, seen } = watched(() => new Promise((resolve) => (answer = resolve)));
  watch.start();
  await wait(3_000);
  watch.stop();
  status = 'paid';
  answer(null);
  await wait(30_000);
  assert.deepEqual(seen, [], 'the read under way says nothing');
  assert.equal(reads, 1, 'and none follows it');
  watch.start();
  await wait(3_000);
  answer(null);
  await wait(500);
  assert.deepEqual(seen, ['paid']);
});
