// The payment the page picks up: its own (a reload), the SDK's, another tab's; never one of
// another order or one that failed, and what it will not follow it forgets. Entries that tabs
// closed while their payment was pending left behind go after an hour, and only those.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';

const { forgetStale, paymentMemory } = await import('../../src/page/memory.js');

const KEY = 'paystream.checkout.order_abc';
const HOUR = 60 * 60 * 1000;

/** A Web Storage of its own, over a Map. */
function storage(map = new Map()) {
  return {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
  };
}

// The payments the API knows, by id; and the ids it was asked about.
let payments;
let asked;
beforeEach(() => {
  globalThis.sessionStorage = storage();
  globalThis.localStorage = storage();
  payments = {};
  asked = [];
  globalThis.fetch = async (url) => {
    const id = decodeURIComponent(url.split('/')[4]);
    asked.push(id);
    const payment = payments[id];
    if (payment === 503) return new Response('{}', { status: 503 });
    if (!payment) return new Response('{"error":{"code":"NOT_FOUND_ERROR"}}', { status: 404 });
    return new Response(JSON.stringify({ id, ...payment }), { status: 200 });
  };
});
afterEach(() => {
  delete globalThis.sessionStorage;
  delete globalThis.localStorage;
  delete globalThis.fetch;
});

const ours = (status) => ({ order_id: 'order_abc', status });
const entry = (id, at) => JSON.stringify({ id, at });

test("this tab's own payment first, then the SDK's, then another tab's", async () => {
  payments = { pay_own: ours('pending'), pay_sdk: ours('pending'), pay_tab: ours('pending') };
  paymentMemory('order_abc', null).remember('pay_own');
  paymentMemory('order_abc', null).share('pay_tab');
  assert.equal((await paymentMemory('order_abc', 'pay_sdk').known()).id, 'pay_own');
  sessionStorage.removeItem(KEY);
  assert.equal((await paymentMemory('order_abc', 'pay_sdk').known()).id, 'pay_sdk');
  sessionStorage.removeItem(KEY);
  const picked = await paymentMemory('order_abc', null).known();
  assert.equal(picked.id, 'pay_tab');
  assert.equal(sessionStorage.getItem(KEY), 'pay_tab', 'remembered by this tab from now on');
});

test("a failed payment, another order's or an unknown one is passed over and forgotten, and never asked again", async () => {
  payments = { pay_failed: ours('failed'), pay_other: { order_id: 'order_xyz', status: 'success' } };
  const memory = paymentMemory('order_abc', 'pay_unknown');
  memory.remember('pay_failed');
  memory.share('pay_other');
  assert.equal(await memory.known(), null);
  assert.deepEqual(asked, ['pay_failed', 'pay_unknown', 'pay_other']);
  assert.equal(sessionStorage.getItem(KEY), null);
  assert.equal(localStorage.getItem(KEY), null);
  memory.share('pay_other');
  assert.equal(await memory.known(), null);
  assert.equal(asked.length, 3);
});

test('a payment that cannot be read now is neither followed nor forgotten: the page says so', async () => {
  payments = { pay_own: 503 };
  const memory = paymentMemory('order_abc', null);
  memory.remember('pay_own');
  await assert.rejects(memory.known(), (e) => e.status === 503);
  assert.equal(sessionStorage.getItem(KEY), 'pay_own');
});

test("a tab forgets only the shared payment it names: another tab's stays", () => {
  const memory = paymentMemory('order_abc', null);
  memory.share('pay_new');
  memory.unshare('pay_old');
  assert.notEqual(localStorage.getItem(KEY), null);
  memory.unshare('pay_new');
  assert.equal(localStorage.getItem(KEY), null);
});

test('without storage (denied to a framed page) nothing is kept and nothing throws', async () => {
  const denied = () => {
    throw new DOMException('denied', 'SecurityError');
  };
  globalThis.sessionStorage = { getItem: denied, setItem: denied, removeItem: denied };
  globalThis.localStorage = {
    getItem: denied,
    setItem: denied,
    removeItem: denied,
    key: denied,
    get length() {
      return denied();
    },
  };
  payments = { pay_sdk: ours('pending') };
  forgetStale('order_abc');
  const memory = paymentMemory('order_abc', 'pay_sdk');
  memory.share('pay_sdk');
  memory.unshare('pay_sdk');
  memory.forget();
  assert.equal((await memory.known()).id, 'pay_sdk');
});

test("a page drops the other orders' entries that no tab has seen pending for an hour, and only those", () => {
  const now = Date.now();
  localStorage.setItem('paystream.checkout.order_left', entry('pay_left', now - HOUR - 1));
  localStorage.setItem('paystream.checkout.order_followed', entry('pay_followed', now - 2_000));
  localStorage.setItem('paystream.checkout.order_hour', entry('pay_hour', now - HOUR));
  localStorage.setItem(KEY, entry('pay_own', now - 5 * HOUR));
  localStorage.setItem('someone.else', entry('x', 0));
  forgetStale('order_abc', now);
  assert.equal(localStorage.getItem('paystream.checkout.order_left'), null);
  assert.deepEqual(
    [...Array(localStorage.length).keys()].map((i) => localStorage.key(i)).sort(),
    [KEY, 'paystream.checkout.order_followed', 'paystream.checkout.order_hour', 'someone.else'],
    "this order's own entry stays (the page asks about its payment), and so does what is not ours",
  );
});

test('an entry kept as a bare id, or timed ahead of the clock, is timed from now and goes an hour later', () => {
  const now = Date.now();
  localStorage.setItem('paystream.checkout.order_old', 'pay_old');
  localStorage.setItem('paystream.checkout.order_ahead', entry('pay_ahead', now + 24 * HOUR));
  forgetStale('order_abc', now);
  assert.deepEqual(JSON.parse(localStorage.getItem('paystream.checkout.order_old')), { id: 'pay_old', at: now });
  assert.deepEqual(JSON.parse(localStorage.getItem('paystream.checkout.order_ahead')), { id: 'pay_ahead', at: now });
  forgetStale('order_abc', now + HOUR);
  assert.equal(localStorage.length, 2);
  forgetStale('order_abc', now + HOUR + 1);
  assert.equal(localStorage.length, 0);
});

test('a share stamps the entry with the time; another tab still reads the payment in a bare id', async () => {
  const before = Date.now();
  paymentMemory('order_abc', null).share('pay_tab');
  const { id, at } = JSON.parse(localStorage.getItem(KEY));
  assert.equal(id, 'pay_tab');
  assert.ok(at >= before && at <= Date.now());
  localStorage.setItem(KEY, 'pay_bare');
  payments = { pay_bare: ours('pending') };
  assert.equal((await paymentMemory('order_abc', null).known()).id, 'pay_bare');
  paymentMemory('order_abc', null).unshare('pay_bare');
  assert.equal(localStorage.getItem(KEY), null);
});
