// The page talks to the page that framed it only: each message names the parent's origin as its
// target, never '*', which would hand payment ids and errors to whatever page the frame sits in.
import assert from 'node:assert/strict';
import { test } from 'node:test';

/** A framed page's window whose parent records what is posted to it. */
function framedWindow({ ancestorOrigins, referrer = '' }) {
  const posted = [];
  const parent = { postMessage: (message, target) => posted.push({ message, target }) };
  globalThis.window = { parent, location: { ancestorOrigins } };
  globalThis.document = { referrer };
  return posted;
}

const { parentMessenger, parentOrigin } = await import('../../src/page/parent.js');

test('messages go to the origin that framed the page, as the browser tells it', () => {
  const posted = framedWindow({ ancestorOrigins: ['https://shop.example:8443'] });
  // A parent_origin that says otherwise is not believed where the browser knows better.
  const post = parentMessenger(new URLSearchParams('parent_origin=https://evil.example'));
  post({ type: 'payment_success', data: { paymentId: 'pay_x' } });
  post({ type: 'close_modal' });
  assert.deepEqual(
    posted.map((p) => p.target),
    ['https://shop.example:8443', 'https://shop.example:8443'],
  );
});

test('without ancestorOrigins, the parent_origin the SDK adds, then the referrer; never *', () => {
  let posted = framedWindow({ ancestorOrigins: undefined, referrer: 'https://ref.example/p' });
  parentMessenger(new URLSearchParams('parent_origin=https://shop.example/x?y'))({ type: 'close_modal' });
  assert.deepEqual(posted.map((p) => p.target), ['https://shop.example']);

  posted = framedWindow({ ancestorOrigins: undefined, referrer: 'https://ref.example/p' });
  parentMessenger(new URLSearchParams(''))({ type: 'close_modal' });
  assert.deepEqual(posted.map((p) => p.target), ['https://ref.example']);

  // Nothing to tell the parent's origin by: nothing is posted at all.
  posted = framedWindow({ ancestorOrigins: undefined, referrer: '' });
  parentMessenger(new URLSearchParams('parent_origin=javascript:alert(1)'))({ type: 'close_modal' });
  assert.deepEqual(posted, []);
});

test('a page that is not framed has no parent to post to', () => {
  const self = { location: { ancestorOrigins: [] } };
  self.parent = self;
  globalThis.window = self;
  globalThis.document = { referrer: 'https://ref.example/' };
  assert.equal(parentOrigin(new URLSearchParams('parent_origin=https://shop.example')), null);
});
