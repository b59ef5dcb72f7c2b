// The Node verification code shown on the docs page, against known vectors (computed with an
// independent HMAC implementation; the last one is the published Standard Webhooks vector).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signingKey, verifySignature, verifyStandardWebhook } from '../../src/docs/verify-webhook.mjs';

const BODY = '{"event":"payment.success","timestamp":1705315870,"data":{"payment":{"id":"pay_H8sK3jD9s2L1pQr","amount":50000}}}';
const EVENT = 'evt_Ab12Cd34Ef56Gh78';
const TS = '1705315870';
const FOREVER = Number.POSITIVE_INFINITY; // the vectors are old; the age check is tested apart

const headers = (signature, timestamp = TS, id = EVENT) => ({
  'webhook-id': id,
  'webhook-timestamp': timestamp,
  'webhook-signature': signature,
});

test('X-Webhook-Signature: hex HMAC of the body with the secret as UTF-8', () => {
  const hex = '7f72b57bf5d2c4395e6a1316e55f3ae6a3ad2da61c1e23e1db2895c344db408e';
  assert.ok(verifySignature(BODY, hex, 'whsec_test_abc123'));
  assert.ok(verifySignature(Buffer.from(BODY), hex.toUpperCase(), 'whsec_test_abc123'));
  assert.ok(verifySignature(BODY, '1f3c23618616737c74b90ecb5c30327781c457ddcc69c69603db2e457c28ab10', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'));
  assert.ok(!verifySignature(BODY + ' ', hex, 'whsec_test_abc123'));
  assert.ok(!verifySignature(BODY, hex, 'whsec_other'));
  assert.ok(!verifySignature(BODY, undefined, 'whsec_test_abc123'));
  assert.ok(!verifySignature(BODY, 'abc', 'whsec_test_abc123'));
});

test('Standard Webhooks: a secret that is not base64 keys with its whole UTF-8 bytes', () => {
  assert.deepEqual(signingKey('whsec_test_abc123'), Buffer.from('whsec_test_abc123'));
  assert.ok(verifyStandardWebhook(BODY, headers('v1,xwSGPvyHTot0eafCkHDha23XgIQYAie9e4NVzd4UrAM='), 'whsec_test_abc123', FOREVER));
});

test('Standard Webhooks: a base64 secret keys with its decoded bytes', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  assert.equal(signingKey(secret).length, 24);
  assert.ok(verifyStandardWebhook(BODY, headers('v1,xpv28HHLI+r5Sco4PcbdkTByQTs7jtuR6uijDcW3doI='), secret, FOREVER));
  const published = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  assert.ok(verifyStandardWebhook('{"test": 2432232314}', published, secret, FOREVER));
});

test('only canonical padded base64 counts as base64', () => {
  assert.deepEqual(signingKey('whsec_dGVzdA=='), Buffer.from('test'));
  assert.ok(verifyStandardWebhook(BODY, headers('v1,91XX0XjCp8i8OC5Bnc7ikVUbiFDa93TcwN0gjD9jdnc='), 'whsec_dGVzdA==', FOREVER));
  for (const s of ['whsec_dGVzdA', 'whsec_ab-_', 'whsec_', 'dGVzdA==', 'whsec_dGVz dA==']) {
    assert.deepEqual(signingKey(s), Buffer.from(s), s);
  }
  assert.ok(verifyStandardWebhook(BODY, headers('v1,FB2jzVp7MKPwpBvYbpFb34v0dhPdJzPjlkqS/YQvAgI='), 'whsec_dGVzdA', FOREVER));
});

test('during a rotation any one of the space-separated signatures is enough', () => {
  const both = 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1,xwSGPvyHTot0eafCkHDha23XgIQYAie9e4NVzd4UrAM=';
  assert.ok(verifyStandardWebhook(BODY, headers(both), 'whsec_test_abc123', FOREVER));
  assert.ok(!verifyStandardWebhook(BODY, headers('v2,xwSGPvyHTot0eafCkHDha23XgIQYAie9e4NVzd4UrAM='), 'whsec_test_abc123', FOREVER));
});

test('a changed id, timestamp or body, a missing header, or an old timestamp is refused', () => {
  const good = 'v1,xwSGPvyHTot0eafCkHDha23XgIQYAie9e4NVzd4UrAM=';
  assert.ok(!verifyStandardWebhook(BODY, headers(good, '1705315871'), 'whsec_test_abc123', FOREVER));
  assert.ok(!verifyStandardWebhook(BODY, headers(good, TS, 'evt_other'), 'whsec_test_abc123', FOREVER));
  assert.ok(!verifyStandardWebhook(BODY.replace('50000', '50001'), headers(good), 'whsec_test_abc123', FOREVER));
  assert.ok(!verifyStandardWebhook(BODY, { 'webhook-id': EVENT, 'webhook-timestamp': TS }, 'whsec_test_abc123', FOREVER));
  // The vector is from 2024: with the default five-minute tolerance it is a replay.
  assert.ok(!verifyStandardWebhook(BODY, headers(good), 'whsec_test_abc123'));
});
