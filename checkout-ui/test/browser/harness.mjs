// Everything the browser tests run against, started fresh and stopped again, also on failure:
// the packaged payments-service (TEST_MODE, its own database and Redis index), the checkout origin
// (server/servers.mjs over dist/), a demo shop on a second origin that plays the merchant, the same
// shop behind a strict Content-Security-Policy on a third and behind one that forbids connecting to
// the checkout origin on a fourth, a fifth origin that plays an attacker, and Debian's Chromium
// driven by playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createCheckoutServer, createDemoServer } from '../../server/servers.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const MODULE = here('../../');
const DIST = here('../../dist/');
const TARGET = here('../../target/');
const JAR = here('../../../payments-service/target/quarkus-app/quarkus-run.jar');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DB = process.env.CHECKOUT_TEST_DB || 'paystream_checkout_test';
const PG = ['-h', '127.0.0.1', '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt'];
const REDIS_DB = 4;

export const KEY = 'key_test_abc123';
const SECRET = 'secret_test_xyz789';
export const SCREENSHOTS = `${TARGET}screenshots/`;

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

// A clean database (dropped and made again) and a flushed Redis index for this run only.
async function freshStores() {
  try {
    execFileSync('psql', [...PG, '-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`]);
    execFileSync('psql', [...PG, '-d', 'postgres', '-c', `CREATE DATABASE ${DB}`]);
  } catch (e) {
    throw new Error(`could not make the test database ${DB} on 127.0.0.1:5432 (user postgres): ${e.stderr || e.message}`);
  }
  await new Promise((resolve, reject) => {
    const redis = net.connect(6379, '127.0.0.1');
    redis.once('error', (e) => reject(new Error(`Redis on 127.0.0.1:6379 is not reachable: ${e.message}`)));
    redis.once('connect', () => redis.write(`SELECT ${REDIS_DB}\r\nFLUSHDB\r\n`));
    let answer = '';
    redis.on('data', (d) => {
      answer += d;
      if (answer.split('\r\n').length > 2) {
        redis.end();
        answer.startsWith('+OK\r\n+OK') ? resolve() : reject(new Error(`Redis refused the flush: ${answer}`));
      }
    });
  });
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log(`# ${CHROMIUM} is missing: installing Debian's chromium`);
  execFileSync(here('../../../deploy/local/ensure-tools.sh'), ['chromium'], { stdio: 'inherit' });
}

async function startPaymentsService() {
  if (!existsSync(JAR)) {
    throw new Error('payments-service is not packaged: run ./mvnw -q -pl shared-model,payments-service -am package -DskipTests');
  }
  const port = await freePort();
  const log = createWriteStream(`${TARGET}payments-service.log`);
  const child = spawn('java', ['-jar', JAR], {
    cwd: TARGET,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEST_MODE: 'true',
      TEST_PROCESSING_DELAY: '1000',
      PORT: String(port),
      DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${DB}`,
      REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
      LOG_JSON: 'false',
      INSTANCE_ID: 'checkout-test',
    },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`payments-service exited with ${child.exitCode}; see target/payments-service.log`);
    const res = await fetch(`${url}/health`).catch(() => null);
    if (res && res.status === 200) return { child, url };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('payments-service was not healthy within 90 s; see target/payments-service.log');
}

// The attacker: any page that gets itself framed next to the checkout and posts a fake result.
function attackerServer() {
  return createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>not the checkout</title><script>
      const id = new URLSearchParams(location.search).get('payment_id');
      parent.postMessage({ type: 'payment_success', data: { paymentId: id } }, '*');
      parent.postMessage({ type: 'close_modal' }, '*');
    </script>`);
  });
}

/** Starts the whole stack; `stop()` on the result ends every part of it. */
export async function startStack() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (!existsSync(`${DIST}checkout.html`)) throw new Error('dist/ is empty: run `npm run build` first');
  ensureChromium();
  await freshStores();

  const parts = [];
  const stop = async () => {
    for (const part of parts.reverse()) await part().catch(() => {});
  };
  try {
    const api = await startPaymentsService();
    const killApi = () => api.child.exitCode === null && api.child.kill('SIGKILL');
    process.once('exit', killApi); // a crash of the test process takes the service along
    parts.push(async () => {
      if (api.child.exitCode !== null) return;
      const exited = new Promise((r) => api.child.once('exit', r));
      api.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      killApi();
    });
    const servers = [];
    const serve = async (server) => {
      servers.push(server);
      parts.push(() => new Promise((r) => server.close(r).closeAllConnections()));
      return listen(server);
    };
    const checkoutUrl = await serve(createCheckoutServer({ dist: DIST, apiUrl: api.url }));
    const merchantUrl = await serve(
      createDemoServer({ dist: DIST, apiUrl: api.url, checkoutUrl, key: KEY, secret: SECRET }),
    );
    // The demo shop served with these headers on every answer.
    const withHeaders = (headers) => {
      const shop = createDemoServer({ dist: DIST, apiUrl: api.url, checkoutUrl, key: KEY, secret: SECRET });
      shop.prependListener('request', (req, res) => {
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      });
      return serve(shop);
    };
    const policed = (policy) => withHeaders({ 'Content-Security-Policy': policy });
    // Cross-origin isolated merchants (COOP + COEP), as pages using SharedArrayBuffer are.
    const isolatedMerchantUrls = {};
    for (const coep of ['require-corp', 'credentialless']) {
      isolatedMerchantUrls[coep] = await withHeaders({
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': coep,
      });
    }
    // A merchant whose pages allow no inline style or script; scripts from the checkout origin only.
    const strictMerchantUrl = await policed(`style-src 'self'; script-src 'self' ${checkoutUrl}`);
    // One that lets the checkout in as a script and a frame, but not as a place to connect to.
    const closedMerchantUrl = await policed(
      `default-src 'self'; script-src 'self' ${checkoutUrl}; frame-src ${checkoutUrl}`,
    );
    const attackerUrl = await serve(attackerServer());
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    parts.push(() => browser.close());
    return {
      apiUrl: api.url,
      checkoutUrl,
      merchantUrl,
      strictMerchantUrl,
      closedMerchantUrl,
      isolatedMerchantUrls,
      attackerUrl,
      browser,
      stop,
      module: MODULE,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Calls the merchant API as the test merchant (server-side: the secret never reaches a page). */
export async function merchantApi(apiUrl, method, path, body) {
  const res = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Api-Key': KEY, 'X-Api-Secret': SECRET },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Polls `check` until it returns something truthy, or fails after `ms`. */
export async function eventually(check, ms = 10_000, what = 'the condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
