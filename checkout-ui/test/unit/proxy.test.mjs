// server/proxy.mjs and servers.mjs: what the checkout origin answers when the API behind it fails,
// and which names it answers to.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isLoopback } from '../../server/http.mjs';
import { apiProxy } from '../../server/proxy.mjs';
import { createCheckoutServer, createDemoServer } from '../../server/servers.mjs';

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

/** A GET with a Host of our choosing (fetch sends the URL's own). */
function getWithHost(url, host) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject).end();
  });
}

test('listening on loopback, the checkout and the demo shop refuse a Host that does not name this machine', async () => {
  let reached = 0;
  const api = createServer((req, res) => {
    reached += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
  const apiUrl = await listen(api);
  const dist = mkdtempSync(join(tmpdir(), 'checkout-dist-'));
  writeFileSync(join(dist, 'checkout.html'), '<!doctype html><title>checkout</title>');
  writeFileSync(join(dist, 'demo.html'), '<!doctype html><title>demo</title>');
  const checkout = createCheckoutServer({ dist, apiUrl, localNamesOnly: true });
  const shop = createDemoServer({ dist, apiUrl, checkoutUrl: 'http://localhost:3001', localNamesOnly: true });
  const open = createCheckoutServer({ dist, apiUrl });
  try {
    const checkoutUrl = await listen(checkout);
    const shopUrl = await listen(shop);
    const port = new URL(checkoutUrl).port;
    for (const foreign of [`rebound.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
      const res = await getWithHost(`${checkoutUrl}/api/v1/orders/order_x/public`, foreign);
      assert.equal(res.status, 421, foreign);
      assert.deepEqual(JSON.parse(res.body).error, {
        code: 'BAD_REQUEST_ERROR',
        description: 'This server answers only to the names of this machine (localhost)',
      });
      assert.equal((await getWithHost(`${checkoutUrl}/checkout`, foreign)).status, 421, foreign);
      assert.equal((await getWithHost(`${shopUrl}/`, foreign)).status, 421, foreign);
    }
    assert.equal(reached, 0, 'a refused request reached the API');
    assert.equal((await getWithHost(`${checkoutUrl}/api/v1/orders/order_x/public`, `localhost:${port}`)).status, 200);
    assert.equal((await getWithHost(`${checkoutUrl}/checkout`, `127.0.0.1:${port}`)).status, 200);
    assert.equal(reached, 1);
    // Listening on every address (a container), the names it is reached by are the operator's.
    assert.equal((await getWithHost(`${await listen(open)}/checkout`, 'pay.example.com')).status, 200);
    assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
    assert.ok(!isLoopback('0.0.0.0') && !isLoopback('::'));
  } finally {
    for (const s of [api, checkout, shop, open]) await close(s);
    rmSync(dist, { recursive: true, force: true });
  }
});
