// The page's tries without a clear answer: the same details keep their key, a later try never drops
// an earlier one, only UPI tries outlive a reload, and a reload sends one again only where it may
// have been cut off (or the order took a payment since).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';

const { unansweredTries } = await import('../../src/page/tries.js');

const KEPT = 'paystream.checkout.order_abc.sending';
const HOUR = 60 * 60 * 1000;

// The tab's sessionStorage, and a fetch that answers the payment requests with `answers` in turn
// (a status, or a payment), recording the keys they were sent with.
let store;
let keys;
let answers;
beforeEach(() => {
  store = new Map();
  globalThis.sessionStorage = {
    getItem: (k) => (store.has(k) ? store.get(k) : null),
    setItem: (k, v) => store.set(k, String(v)),
    removeItem: (k) => store.delete(k),
  };
  keys = [];
  answers = [];
  globalThis.fetch = async (url, init) => {
    keys.push(init.headers['Idempotency-Key']);
    const answer = answers.shift();
    if (typeof answer === 'object') return new Response(JSON.stringify(answer), { status: 201 });
    return new Response(JSON.stringify({ error: { code: 'BAD_REQUEST_ERROR', description: 'no', field: 'order_id' } }), {
      status: answer,
    });
  };
});
afterEach(() => {
  delete globalThis.sessionStorage;
  delete globalThis.fetch;
});

const upi = (vpa) => ({ order_id: 'order_abc', method: 'upi', vpa });
const card = { order_id: 'order_abc', method: 'card', card: { number: '4111111111111111' } };
const kept = () => JSON.parse(store.get(KEPT) ?? '[]');
const noAnswer = { status: 0 };
const refused = { status: 400 };

test('Pay again with the same details sends the same key; other details get a key of their own', () => {
  const tries = unansweredTries('order_abc');
  const first = tries.next(upi('a@okaxis'), false);
  assert.match(first.key, /^chk_[0-9a-f]{32}$/);
  tries.refused(first, noAnswer);
  const again = tries.next(upi('a@okaxis'), true);
  assert.equal(again.key, first.key);
  assert.equal(again.answered, false, 'sent again: on its way once more');
  assert.equal(again.attempted, false, 'still as the order was when Pay was first pressed');
  assert.notEqual(tries.next(upi('b@okaxis'), true).key, first.key);
});

test('a try refused outright is dropped; one without a clear answer is kept, at most five', () => {
  const tries = unansweredTries('order_abc');
  const gone = tries.next(upi('gone@okaxis'), false);
  tries.refused(gone, refused);
  assert.deepEqual(kept(), []);
  const made = [];
  for (let i = 0; i < 6; i++) {
    made.push(tries.next(upi(`u${i}@okaxis`), false));
    tries.refused(made[i], i % 2 ? { status: 503 } : { status: 409 });
  }
  assert.deepEqual(kept().map((r) => r.key), made.slice(1).map((r) => r.key), 'the oldest goes first');
  assert.ok(kept().every((r) => r.answered));
});

test('card tries are never kept for a reload, and one clears what a reload would send', () => {
  const tries = unansweredTries('order_abc');
  tries.refused(tries.next(upi('a@okaxis'), false), noAnswer);
  assert.equal(kept().length, 1);
  const byCard = tries.next(card, false);
  assert.equal(store.has(KEPT), false);
  tries.refused(byCard, noAnswer);
  assert.equal(store.has(KEPT), false);
  assert.doesNotMatch(JSON.stringify([...store.values()]), /4111/);
});

test('a reload sends again the try it cut off, even while the order reads created', () => {
  unansweredTries('order_abc').next(upi('a@okaxis'), false); // no answer yet when the tab reloads
  const request = unansweredTries('order_abc').cutOff('created');
  assert.equal(JSON.parse(request.body).vpa, 'a@okaxis');
  assert.equal(request.upi, true);
});

test('a try answered without a clear answer is sent again by a reload only where the order took a payment since', () => {
  const before = unansweredTries('order_abc');
  before.refused(before.next(upi('a@okaxis'), false), { status: 503 });
  assert.equal(unansweredTries('order_abc').cutOff('created'), null);
  assert.ok(unansweredTries('order_abc').cutOff('attempted'), 'attempted since');
  assert.ok(unansweredTries('order_abc').cutOff('paid'));

  store.clear();
  const after = unansweredTries('order_abc');
  after.refused(after.next(upi('a@okaxis'), true), { status: 503 });
  assert.equal(unansweredTries('order_abc').cutOff('attempted'), null, 'attempted already when Pay was pressed');
  assert.ok(unansweredTries('order_abc').cutOff('paid'));
});

test('a try older than an hour is not sent again unasked, and is forgotten', () => {
  const tries = unansweredTries('order_abc');
  tries.next(upi('a@okaxis'), false);
  store.set(KEPT, JSON.stringify(kept().map((r) => ({ ...r, at: Date.now() - HOUR - 1 }))));
  assert.equal(unansweredTries('order_abc').cutOff('paid'), null);
  assert.equal(store.has(KEPT), false);
});

test('a refusal because the order is taken asks every try, newest first, each with its key', async () => {
  const tries = unansweredTries('order_abc');
  const [a, b, c] = ['a', 'b', 'c'].map((name) => {
    const request = tries.next(upi(`${name}@okaxis`), false);
    tries.refused(request, noAnswer);
    return request;
  });
  // c was refused outright (it made nothing), b gets no answer again, a made the payment.
  answers = [400, 503, 503, { id: 'pay_a', status: 'pending' }];
  const payment = await tries.find();
  assert.equal(payment.id, 'pay_a');
  assert.deepEqual(keys, [c.key, b.key, b.key, a.key], 'b sent twice: no clear answer the first time');
});

test('when none of them made it, the ones refused outright go, the others stay', async () => {
  const tries = unansweredTries('order_abc');
  const [a, b] = ['a', 'b'].map((name) => {
    const request = tries.next(upi(`${name}@okaxis`), false);
    tries.refused(request, noAnswer);
    return request;
  });
  answers = [400, 503, 503];
  assert.equal(await tries.find(), null);
  assert.deepEqual(kept().map((r) => r.key), [a.key]);
  tries.clear();
  assert.equal(store.has(KEPT), false);
  answers = [];
  assert.equal(await tries.find(), null);
  assert.deepEqual(keys, [b.key, a.key, a.key], 'nothing asked once cleared');
});
