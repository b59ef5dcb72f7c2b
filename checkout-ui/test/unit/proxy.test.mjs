// server/proxy.mjs: what the checkout origin answers when the API behind it fails.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { apiProxy } from '../../server/proxy.mjs';

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
const close = (server) => new Promise((resolve) => server.close(resolve).closeAllConnections());

async function through(apiUrl) {
  const proxy = apiProxy(apiUrl);
  const checkout = createServer((req, res) => proxy(req, res));
  const url = await listen(checkout);
  try {
    const res = await fetch(`${url}/api/v1/payments/public`, { method: 'POST', body: '{"order_id":"order_x"}' });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), error: (await res.json()).error };
  } finally {
    await close(checkout);
  }
}

test('an API that cannot be reached is a 503: nothing was done', async () => {
  const answer = await through('http://127.0.0.1:9');
  assert.equal(answer.status, 503);
  assert.equal(answer.retryAfter, '1');
  assert.equal(answer.error.code, 'SERVICE_UNAVAILABLE');
  assert.doesNotMatch(answer.error.description, /may have been carried out/);
});

test('an API that took the request and gave no answer is a 502 that says it may have been done', async () => {
  const dropping = createServer((req) => req.on('data', () => {}).on('end', () => req.socket.destroy()));
  try {
    const answer = await through(await listen(dropping));
    assert.equal(answer.status, 502);
    assert.equal(answer.retryAfter, '1');
    assert.equal(answer.error.code, 'SERVICE_UNAVAILABLE');
    assert.match(answer.error.description, /may have been carried out\. Send it again with the same Idempotency-Key/);
  } finally {
    await close(dropping);
  }
});
