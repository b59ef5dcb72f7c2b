// Everything the browser tests run against, started fresh and stopped again (also on failure):
// the three packaged services in TEST_MODE (their own database and Redis index), the dashboard's
// server.mjs over dist/ with one upstream per service, two webhook receivers (one answers 200, one
// 500) and Debian's Chromium driven by playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createDashboardServer } from '../../server.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const ROOT = here('../../../');
const DIST = here('../../dist/');
export const TARGET = here('../../target/');
export const SCREENSHOTS = `${TARGET}screenshots/`;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DB = process.env.DASHBOARD_TEST_DB || 'paystream_dashboard_test';
const PG = ['-h', '127.0.0.1', '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt'];
const REDIS_DB = 9;

export const MERCHANT = {
  email: 'test@example.com',
  password: 'password',
  key: 'key_test_abc123',
  secret: 'secret_test_xyz789',
  webhookSecret: 'whsec_test_abc123',
};

const SERVICES = [
  { name: 'payments', module: 'payments-service' },
  { name: 'refunds', module: 'refund-service' },
  { name: 'webhooks', module: 'webhook-service' },
];

export const PLAIN_HTTP_HOST = 'dashboard.test';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A host name other than localhost, for the dashboard as a plain-http page that is not a secure
  // context (as on a staging or office address).
  `--host-resolver-rules=MAP ${PLAIN_HTTP_HOST} 127.0.0.1`,
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The test database (made when missing) without the services' schemas, and an empty Redis index,
// so every run starts from the same state.
async function freshStores() {
  try {
    const exists = execFileSync('psql', [...PG, '-d', 'postgres', '-c', `SELECT 1 FROM pg_database WHERE datname = '${DB}'`]).toString().trim();
    if (exists !== '1') execFileSync('psql', [...PG, '-d', 'postgres', '-c', `CREATE DATABASE ${DB}`]);
    execFileSync('psql', [...PG, '-d', DB, '-c', 'DROP SCHEMA IF EXISTS payments, refunds, webhooks CASCADE']);
  } catch (e) {
    throw new Error(`could not prepare the test database ${DB} on 127.0.0.1:5432 (user postgres): ${e.stderr || e.message}`);
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

function jarOf(module) {
  return join(ROOT, module, 'target/quarkus-app/quarkus-run.jar');
}

/** Packages the services whose jars are missing (once, with the Maven wrapper). */
function ensureJars() {
  const missing = SERVICES.filter((s) => !existsSync(jarOf(s.module)));
  if (missing.length === 0) return;
  console.log(`# packaging ${missing.map((s) => s.module).join(', ')}`);
  execFileSync(join(ROOT, 'mvnw'), ['-q', '-pl', `shared-model,${missing.map((s) => s.module).join(',')}`, '-am', 'package', '-DskipTests'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

async function startService({ name, module }) {
  const port = await freePort();
  const log = createWriteStream(`${TARGET}${module}.log`);
  const child = spawn('java', ['-jar', jarOf(module)], {
    cwd: TARGET,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEST_MODE: 'true',
      TEST_PROCESSING_DELAY: '1000',
      WEBHOOK_RETRY_INTERVALS_TEST: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      PORT: String(port),
      DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${DB}`,
      REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
      LOG_JSON: 'false',
      INSTANCE_ID: `dashboard-test-${name}`,
    },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  return { name, module, child, url: `http://127.0.0.1:${port}` };
}

async function ready(service) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.module} exited with ${service.child.exitCode}; see target/${service.module}.log`);
    }
    const res = await fetch(`${service.url}/q/health/ready`).catch(() => null);
    if (res && res.status === 200) return;
    await sleep(300);
  }
  throw new Error(`${service.module} was not ready within 120 s; see target/${service.module}.log`);
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * A webhook receiver that answers `status` and keeps what it got: `{body (exact text), headers}`
 * for each request, newest last.
 */
/** What the failing receiver answers: as long as a real error page, far longer than a table cell. */
export const REFUSAL_BODY = `{"error":"receiver refuses on purpose","detail":"${'the signature was checked, and then '.repeat(6)}refused"}`;

function receiver(status) {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status < 300 ? 'thanks' : REFUSAL_BODY);
    });
  });
  return { server, received };
}

/** Starts the whole stack; `stop()` on the result ends every part of it. */
export async function startStack() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (!existsSync(`${DIST}index.html`)) throw new Error('dist/ is empty: run `npm run build` first');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (deploy/local/ensure-tools.sh chromium)`);
  ensureJars();
  await freshStores();

  const parts = [];
  const stop = async () => {
    for (const part of parts.reverse()) await part().catch(() => {});
  };
  const children = [];
  const killAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  process.once('exit', killAll); // a crash of the test process takes the services along
  try {
    // payments-service first: it makes the test merchant and announces it to the other two.
    const services = {};
    for (const spec of SERVICES) {
      const service = await startService(spec);
      children.push(service.child);
      parts.push(() => stopProcess(service.child));
      services[spec.name] = service;
      if (spec.name === 'payments') await ready(service);
    }
    await Promise.all([ready(services.refunds), ready(services.webhooks)]);

    const servers = [];
    const serve = async (server) => {
      servers.push(server);
      parts.push(() => new Promise((r) => server.close(r).closeAllConnections()));
      return listen(server);
    };
    const dashboardUrl = await serve(
      createDashboardServer({
        dist: DIST,
        paymentsUrl: services.payments.url,
        refundsUrl: services.refunds.url,
        webhooksUrl: services.webhooks.url,
      }),
    );
    const ok = receiver(200);
    const failing = receiver(500);
    const okUrl = await serve(ok.server);
    const failingUrl = await serve(failing.server);

    // Playwright gives the browser a fresh profile directory of its own and removes it on close.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    parts.push(() => browser.close());
    return {
      services: Object.fromEntries(Object.entries(services).map(([k, v]) => [k, v.url])),
      dashboardUrl,
      receivers: { ok: { url: okUrl, received: ok.received }, failing: { url: failingUrl, received: failing.received } },
      browser,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Calls the merchant API as the test merchant, server-side, straight at the service that owns
 * the path (the same routing as the dashboard's proxy).
 */
export function merchantApi(services) {
  return async (method, path, body, headers = {}) => {
    const { serviceFor } = await import('../../server/routes.mjs');
    const base = services[serviceFor(`/api/v1${path}`)];
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': MERCHANT.key, 'X-Api-Secret': MERCHANT.secret, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** Polls `check` until it returns something truthy, or fails after `ms`. */
export async function eventually(check, ms = 15_000, what = 'the condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}
