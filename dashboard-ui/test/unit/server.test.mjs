// server.mjs: redirects for old links, the app's routes, assets, and /api/… to the service that
// owns the path (three local upstreams that answer with their own name).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDashboardServer } from '../../server.mjs';
import { isLoopback } from '../../server/http.mjs';
import { isAppRoute, serviceFor } from '../../server/routes.mjs';

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

let dist;
let base;
const servers = [];
const seen = [];

function upstream(name) {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ name, method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(name === 'refunds' && req.url.includes('missing') ? 404 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ service: name }));
    });
  });
}

before(async () => {
  dist = mkdtempSync(join(tmpdir(), 'dashboard-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
  const urls = {};
  for (const name of ['payments', 'refunds', 'webhooks']) {
    const s = upstream(name);
    servers.push(s);
    urls[name] = await listen(s);
  }
  const dashboard = createDashboardServer({ dist, paymentsUrl: urls.payments, refundsUrl: urls.refunds, webhooksUrl: urls.webhooks });
  servers.push(dashboard);
  base = await listen(dashboard);
});

after(async () => {
  for (const s of servers) await new Promise((r) => s.close(r).closeAllConnections());
  rmSync(dist, { recursive: true, force: true });
});

test('API paths go to the service that owns them, as at the edge', () => {
  assert.equal(serviceFor('/api/v1/payments/pay_abc/refunds'), 'refunds');
  assert.equal(serviceFor('/api/v1/payments/pay_abc/refunds/'), 'refunds');
  assert.equal(serviceFor('/api/v1/refunds'), 'refunds');
  assert.equal(serviceFor('/api/v1/refunds/rfnd_x'), 'refunds');
  assert.equal(serviceFor('/api/v1/webhook-endpoints'), 'webhooks');
  assert.equal(serviceFor('/api/v1/webhook-endpoints/5b1c/test'), 'webhooks');
  assert.equal(serviceFor('/api/v1/webhook-secret/rotate'), 'webhooks');
  assert.equal(serviceFor('/api/v1/webhooks'), 'webhooks');
  assert.equal(serviceFor('/api/v1/webhooks/5b1c/retry'), 'webhooks');
  assert.equal(serviceFor('/api/v1/webhooks?status=failed'), 'webhooks');
  assert.equal(serviceFor('/api/v1/refunds?limit=5'), 'refunds');
  assert.equal(serviceFor('/api/v1/payments'), 'payments');
  assert.equal(serviceFor('/api/v1/payments/pay_abc'), 'payments');
  assert.equal(serviceFor('/api/v1/payments/pay_abc/capture'), 'payments');
  assert.equal(serviceFor('/api/v1/payments/stats'), 'payments');
  assert.equal(serviceFor('/api/v1/auth/login'), 'payments');
  assert.equal(serviceFor('/api/v1/refundsx'), 'payments');
  assert.equal(serviceFor('/api/v1/webhooksx'), 'payments');
});

test('the proxy forwards method, path, query, headers and body, and passes answers back', async () => {
  const cases = [
    ['POST', '/api/v1/payments/pay_1/refunds', 'refunds'],
    ['GET', '/api/v1/refunds?limit=5', 'refunds'],
    ['PATCH', '/api/v1/webhook-endpoints/abc', 'webhooks'],
    ['GET', '/api/v1/webhooks?status=failed&limit=10', 'webhooks'],
    ['POST', '/api/v1/webhook-secret/rotate', 'webhooks'],
    ['GET', '/api/v1/payments/stats', 'payments'],
    ['POST', '/api/v1/auth/login', 'payments'],
  ];
  for (const [method, path, owner] of cases) {
    seen.length = 0;
    const body = method === 'GET' ? undefined : JSON.stringify({ amount: 100 });
    const res = await fetch(base + path, { method, body, headers: { 'X-Api-Key': 'key_x', 'Idempotency-Key': 'k-1', 'Content-Type': 'application/json' } });
    assert.equal(res.status, 200, path);
    assert.deepEqual(await res.json(), { service: owner }, path);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(seen[0].url, path);
    assert.equal(seen[0].method, method);
    assert.equal(seen[0].headers['x-api-key'], 'key_x');
    assert.equal(seen[0].headers['idempotency-key'], 'k-1');
    assert.equal(seen[0].body, body || '');
  }
  const missing = await fetch(`${base}/api/v1/refunds/missing`);
  assert.equal(missing.status, 404);
});

test('an upstream that is down gives a 503 in the API error shape', async () => {
  const dashboard = createDashboardServer({ dist, apiUrl: 'http://127.0.0.1:9' });
  const url = await listen(dashboard);
  try {
    const res = await fetch(`${url}/api/v1/payments`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = await res.json();
    assert.equal(body.error.code, 'SERVICE_UNAVAILABLE');
  } finally {
    await new Promise((r) => dashboard.close(r).closeAllConnections());
  }
});

test('an upstream that took the request and gave no answer is a 502 that says it may have been done', async () => {
  // Reads the request, then drops the connection: the outcome is unknown to the proxy.
  const dropping = createServer((req) => req.on('data', () => {}).on('end', () => req.socket.destroy()));
  const dropped = await listen(dropping);
  const dashboard = createDashboardServer({ dist, apiUrl: dropped });
  const url = await listen(dashboard);
  try {
    const res = await fetch(`${url}/api/v1/payments/pay_x/refunds`, { method: 'POST', body: '{"amount":100}' });
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = await res.json();
    assert.equal(body.error.code, 'SERVICE_UNAVAILABLE');
    assert.match(body.error.description, /may have been carried out\. Send it again with the same Idempotency-Key/);
    // A read did nothing: it is simply asked again, with no word of keys.
    const read = await fetch(`${url}/api/v1/payments/pay_x`);
    assert.equal(read.status, 502);
    const readBody = await read.json();
    assert.equal(readBody.error.description, 'The service behind this page did not answer. Try again.');
    const patch = await fetch(`${url}/api/v1/webhook-endpoints/wh_x`, { method: 'PATCH', body: '{}' });
    assert.doesNotMatch((await patch.json()).error.description, /Idempotency-Key/);
  } finally {
    await new Promise((r) => dashboard.close(r).closeAllConnections());
    await new Promise((r) => dropping.close(r).closeAllConnections());
  }
});

/** A GET with a Host of our choosing (fetch sends the URL's own). */
function getWithHost(url, host) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject).end();
  });
}

test('listening on loopback, a Host that does not name this machine is refused before anything is forwarded', async () => {
  const dashboard = createDashboardServer({ dist, apiUrl: base, localNamesOnly: true });
  const url = await listen(dashboard);
  try {
    const port = new URL(url).port;
    for (const foreign of [`rebound.example:${port}`, 'rebound.example', `127.0.0.1.nip.io:${port}`, `localhost.rebound.example:${port}`]) {
      seen.length = 0;
      const res = await getWithHost(`${url}/api/v1/webhooks`, foreign);
      assert.equal(res.status, 421, foreign);
      assert.deepEqual(JSON.parse(res.body), {
        error: { code: 'BAD_REQUEST_ERROR', description: 'This server answers only to the names of this machine (localhost)' },
      });
      assert.equal(seen.length, 0, `${foreign} reached the upstream`);
      assert.equal((await getWithHost(`${url}/dashboard`, foreign)).status, 421, foreign);
    }
    for (const local of [`localhost:${port}`, `127.0.0.1:${port}`, `app.localhost:${port}`, `[::1]:${port}`, 'LOCALHOST.']) {
      assert.equal((await getWithHost(`${url}/dashboard`, local)).status, 200, local);
    }
  } finally {
    await new Promise((r) => dashboard.close(r).closeAllConnections());
  }
});

test('listening on every address (a container), any Host is answered; the default address is loopback', async () => {
  assert.equal((await getWithHost(`${base}/dashboard`, 'dashboard.example.com')).status, 200);
  for (const address of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost']) assert.ok(isLoopback(address), address);
  for (const address of ['0.0.0.0', '::', '10.0.0.5', 'dashboard.example.com']) assert.ok(!isLoopback(address), address);
});

test('old page addresses redirect to the routes', async () => {
  const expected = {
    '/webhooks.html': '/dashboard/webhooks',
    '/login.html': '/login',
    '/dashboard.html': '/dashboard',
    '/transactions.html': '/dashboard/transactions',
    '/docs.html': '/dashboard/docs',
  };
  for (const [from, to] of Object.entries(expected)) {
    const res = await fetch(base + from, { redirect: 'manual' });
    assert.equal(res.status, 301, from);
    assert.equal(res.headers.get('location'), to, from);
  }
  const withQuery = await fetch(`${base}/transactions.html?status=failed`, { redirect: 'manual' });
  assert.equal(withQuery.headers.get('location'), '/dashboard/transactions?status=failed');
});

test('the app answers its routes with index.html, never framed, and 404s elsewhere', async () => {
  for (const path of ['/', '/login', '/dashboard', '/dashboard/', '/dashboard/transactions', '/dashboard/transactions/pay_Ab12Cd34Ef56Gh78', '/dashboard/webhooks', '/dashboard/docs']) {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type'), /text\/html/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(await res.text(), '<!doctype html><title>app</title>');
  }
  assert.ok(isAppRoute('/dashboard/docs'));
  assert.ok(!isAppRoute('/dashboard/unknown'));
  for (const path of ['/nope', '/dashboard/unknown', '/assets/missing.js', '/assets/..%2f..%2fetc/passwd']) {
    const res = await fetch(base + path);
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).error.code, 'NOT_FOUND_ERROR');
  }
  // A browser's navigation to such an address gets the app (which says there is no such page),
  // still with 404; a missing asset stays JSON whatever the request accepts.
  const navigation = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
  for (const path of ['/nope', '/dashboard/unknown']) {
    const res = await fetch(base + path, { headers: navigation });
    assert.equal(res.status, 404, path);
    assert.match(res.headers.get('content-type'), /text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(await res.text(), '<!doctype html><title>app</title>');
  }
  const missingAsset = await fetch(`${base}/assets/missing.js`, { headers: navigation });
  assert.equal(missingAsset.status, 404);
  assert.equal((await missingAsset.json()).error.code, 'NOT_FOUND_ERROR');
  const posted = await fetch(`${base}/nope`, { method: 'POST', headers: navigation });
  assert.equal(posted.status, 405);
  // The path is decoded once: an escaped '%' or an escaped escape names a file of that name, and
  // a NUL byte names nothing; none of them takes the server down.
  for (const path of ['/assets/%25', '/assets/%2525', '/assets/app-1234.js%00', '/assets/%252e%252e%252fpackage.json']) {
    const res = await fetch(base + path);
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).error.code, 'NOT_FOUND_ERROR');
  }
  writeFileSync(join(dist, 'assets', '100%-1234.js'), 'console.log(2)');
  const literal = await fetch(`${base}/assets/100%25-1234.js`);
  assert.equal(literal.status, 200);
  assert.equal(await literal.text(), 'console.log(2)');
  const asset = await fetch(`${base}/assets/app-1234.js`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control'), /immutable/);
  assert.match(asset.headers.get('content-type'), /javascript/);
  const post = await fetch(`${base}/dashboard`, { method: 'POST' });
  assert.equal(post.status, 405);
  const config = await (await fetch(`${base}/dashboard-config.json`)).json();
  assert.deepEqual(config, { api_base_url: 'http://localhost:8000', checkout_url: 'http://localhost:3001' });
});

test('a file that cannot be read answers 500 and the server keeps serving', { skip: !existsSync('/proc/self/mem') && 'needs Linux /proc' }, async () => {
  // A regular file to stat, whose read fails (EIO), even for root: as a file that breaks while it
  // is served. Its error must not take the whole server down.
  const broken = join(dist, 'assets', 'broken-1234.js');
  symlinkSync('/proc/self/mem', broken);
  try {
    const res = await fetch(`${base}/assets/broken-1234.js`);
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { code: 'SERVER_ERROR', description: 'This file could not be read.' } });
    assert.equal(res.headers.get('cache-control'), 'no-store', 'none of the file\'s own headers');
  } finally {
    unlinkSync(broken);
  }
  const after = await fetch(`${base}/assets/app-1234.js`);
  assert.equal(after.status, 200);
  assert.equal(await after.text(), 'console.log(1)');
});

test('a file removed while it is being served (npm run build meanwhile) does not take the server down', async () => {
  // Right after the server looks the file up (stat or open), it is removed, as a build replacing
  // dist/ would. The server answers the file it found, whole, or 404, and keeps serving.
  const file = join(dist, 'assets', 'going-1234.js');
  const fsp = createRequire(import.meta.url)('node:fs/promises');
  const original = { stat: fsp.stat, open: fsp.open };
  let removed = false;
  const removing = (fn) =>
    async function (path, ...rest) {
      const answer = await fn.call(this, path, ...rest);
      if (path === file && !removed) {
        removed = true;
        unlinkSync(file);
      }
      return answer;
    };
  const body = 'console.log("going")'.repeat(5000);
  writeFileSync(file, body);
  fsp.stat = removing(original.stat);
  fsp.open = removing(original.open);
  syncBuiltinESMExports();
  try {
    const res = await fetch(`${base}/assets/going-1234.js`);
    assert.ok(removed, 'the file was removed while served');
    if (res.status === 200) {
      assert.equal(await res.text(), body, 'the whole file, as it was found');
    } else {
      assert.equal(res.status, 404);
      assert.equal((await res.json()).error.code, 'NOT_FOUND_ERROR');
    }
  } finally {
    Object.assign(fsp, original);
    syncBuiltinESMExports();
    rmSync(file, { force: true });
  }
  const after = await fetch(`${base}/assets/app-1234.js`);
  assert.equal(after.status, 200);
});
