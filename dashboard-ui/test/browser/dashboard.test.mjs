// The dashboard in headless Chromium against the three real services (see harness.mjs). Every
// payment is made through the API server-side, as a merchant's backend would; the page only
// shows what the services answer. Screenshots of each page go to target/screenshots/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifySignature, verifyStandardWebhook } from '../../src/docs/verify-webhook.mjs';
import { formatAmount, formatCount, formatRate } from '../../src/lib/format.js';
import { createDashboardServer } from '../../server.mjs';
import { MERCHANT, PLAIN_HTTP_HOST, REFUSAL_BODY, SCREENSHOTS, eventually, merchantApi, startStack } from './harness.mjs';

let stack;
let call;
let context;
let page;
const pageErrors = [];
const policyViolations = [];

const ID = (id) => `[data-test-id="${id}"]`;
const text = async (selector, root = page) => ((await root.locator(selector).first().textContent()) || '').trim();
// Whole pages; a dialog as the viewport shows it (its backdrop covers the viewport only).
const shot = (name, fullPage = true) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage });
const go = (path) => page.goto(stack.dashboardUrl + path);

async function ok(method, path, body) {
  const res = await call(method, path, body);
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An order and a UPI payment for it, through the API; `vpa` decides the outcome in test mode. */
async function pay(amount, vpa = 'success@upi', currency = 'INR') {
  const order = await ok('POST', '/orders', { amount, currency, receipt: `rcpt_${Date.now()}` });
  return ok('POST', '/payments', { order_id: order.id, method: 'upi', vpa });
}

async function settled(payment) {
  return eventually(
    async () => {
      const p = await ok('GET', `/payments/${payment.id}`);
      return p.status !== 'pending' && p;
    },
    15_000,
    `payment ${payment.id} to finish`,
  );
}

const row = (paymentId) => page.locator(`${ID('transaction-row')}[data-payment-id="${paymentId}"]`);
const logRow = (deliveryId) =>
  page.locator(`${ID('webhook-logs-table')} ${ID('webhook-log-item')}[data-webhook-id="${deliveryId}"]`);

/** Waits until the page shows `expected` in `selector` (live updates: no reload in between). */
async function shows(selector, expected, ms = 15_000, root = page) {
  const match = (t) => (expected instanceof RegExp ? expected.test(t) : t === expected);
  await eventually(async () => match(await text(selector, root).catch(() => '')), ms, `${selector} to show ${expected}`);
}

/** A new tab signed in as the test merchant (the session set as signing in sets it), at `viewport`. */
async function signedInPage(viewport = { width: 1280, height: 900 }) {
  const p = await context.newPage();
  p.on('pageerror', (e) => pageErrors.push(e.message));
  await p.setViewportSize(viewport);
  await p.goto(`${stack.dashboardUrl}/login`);
  await p.evaluate(
    ({ key, secret, email }) =>
      sessionStorage.setItem('paystream.dashboard.session', JSON.stringify({ name: 'Test Merchant', email, api_key: key, api_secret: secret })),
    { key: MERCHANT.key, secret: MERCHANT.secret, email: MERCHANT.email },
  );
  return p;
}

/** Answers the first POST to `path` with a 502 after the service has carried it out, as a proxy that gave up would; later ones go through. Returns what was sent, in order: `{key, body}`. */
async function loseFirstAnswer(path) {
  const sent = [];
  await page.route(path, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    sent.push({ key: route.request().headers()['idempotency-key'], body: route.request().postDataJSON() });
    const answer = await route.fetch();
    if (sent.length > 1) return route.fulfill({ response: answer });
    return route.fulfill({
      status: 502,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', description: 'The service behind this path is not answering' } }),
    });
  });
  return sent;
}

/** Presses Refund, which asks first, and confirms; returns the question asked. */
async function refundConfirmed() {
  await page.click(ID('refund-button'));
  await page.locator(ID('refund-confirm')).waitFor();
  const question = await text(ID('refund-confirm-message'));
  await page.click(ID('refund-confirm-button'));
  return question;
}

describe('dashboard', { timeout: 600_000 }, () => {
  before(async () => {
    stack = await startStack();
    call = merchantApi(stack.services);
    context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.dashboardUrl });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && policyViolations.push(m.text()));
  });

  after(async () => {
    await stack?.stop();
  });

  test('old links redirect, and a signed-out visitor is sent to the login page', async () => {
    const res = await go('/webhooks.html');
    assert.equal(res.request().redirectedFrom()?.url(), `${stack.dashboardUrl}/webhooks.html`);
    await page.waitForURL(/\/login\?next=%2Fdashboard%2Fwebhooks$/);
    assert.ok(await page.locator(ID('login-form')).isVisible());
    for (const [from, to] of [
      ['/login.html', '/login'],
      ['/dashboard.html', '/login?next=%2Fdashboard'],
      ['/transactions.html', '/login?next=%2Fdashboard%2Ftransactions'],
      ['/docs.html', '/login?next=%2Fdashboard%2Fdocs'],
    ]) {
      await go(from);
      await page.waitForURL(`${stack.dashboardUrl}${to}`);
    }
  });

  test('a mistyped address says there is no such page, with a 404 and the way back', async () => {
    const res = await go('/dashboard/transacions');
    assert.equal(res.status(), 404);
    assert.equal(new URL(page.url()).pathname, '/dashboard/transacions', 'the address is kept');
    await page.locator(ID('not-found')).waitFor();
    assert.match(await text(ID('not-found')), /Page not found.*There is no page at \/dashboard\/transacions\./s);
    assert.equal(await page.title(), 'Page not found · Paystream');
    await page.click(ID('not-found-home'));
    await page.waitForURL(`${stack.dashboardUrl}/login`);
    assert.ok(await page.locator(ID('login-form')).isVisible());
  });

  test('login refuses a wrong password', async () => {
    await go('/login');
    await page.fill(ID('email-input'), MERCHANT.email);
    await page.fill(ID('password-input'), 'not-the-password');
    await page.click(ID('login-button'));
    await shows(ID('login-message'), /do not match/);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.inputValue(ID('password-input')), '', 'the wrong password is cleared');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'nothing is kept');
    // The service itself refused it (not just the page).
    const res = await call('POST', '/auth/login', { email: MERCHANT.email, password: 'not-the-password' });
    assert.equal(res.status, 401);
    await shot('login-refused');
  });

  test('a login refused for too many attempts says when to try again, from Retry-After', async () => {
    const login = '**/api/v1/auth/login';
    await page.route(login, (route) =>
      route.fulfill({
        status: 429,
        headers: { 'Retry-After': '900' },
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'RATE_LIMIT_ERROR', description: 'Too many failed logins for this account; try again later' } }),
      }),
    );
    try {
      await go('/login');
      await page.fill(ID('email-input'), MERCHANT.email);
      await page.fill(ID('password-input'), 'one-guess-too-many');
      await page.click(ID('login-button'));
      await shows(ID('login-message'), /Try again in/);
      assert.match(await text(ID('login-message')), /^Too many sign-in attempts for now\. Try again in 15 minutes \(at \d{2}:\d{2}\)\.$/);
      assert.equal(await page.getAttribute(ID('login-message'), 'role'), 'alert');
      assert.ok(await page.locator(ID('login-button')).isEnabled(), 'another account can still sign in');
    } finally {
      await page.unroute(login);
    }
  });

  test('login with the test merchant, by keyboard alone', async () => {
    await go('/login');
    await shot('login');
    // The email field has focus on arrival; Tab to the password, Enter submits.
    await page.keyboard.type(MERCHANT.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(MERCHANT.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.dashboardUrl}/dashboard`);
    await page.locator(ID('dashboard')).waitFor();
    assert.equal(await text(ID('merchant-name')), 'Test Merchant');
  });

  test('signed in, a mistyped address says so inside the dashboard, which stays usable', async () => {
    const res = await go('/dashboard/webhook');
    assert.equal(res.status(), 404);
    await page.locator(ID('not-found')).waitFor();
    assert.match(await text(ID('not-found')), /There is no page at \/dashboard\/webhook\./);
    assert.equal(await text(ID('merchant-name')), 'Test Merchant', 'still signed in, with the menu');
    assert.equal(await page.locator('nav [aria-current="page"]').count(), 0, 'no menu item is current');
    await shot('not-found');
    // An address with %-escaped letters is the page its server served for it.
    assert.equal((await go('/dashboard/%77ebhooks')).status(), 200);
    assert.equal(await page.locator('nav [aria-current="page"]').textContent(), 'Webhooks');
    assert.equal(await page.locator(ID('not-found')).count(), 0);
    await go('/dashboard/webhook');
    await page.click(ID('not-found-home'));
    await page.waitForURL(`${stack.dashboardUrl}/dashboard`);
    await page.locator(ID('dashboard')).waitFor();
  });

  test('home shows the credentials and stats from real payments, updated live', async () => {
    assert.equal(await text(ID('api-key')), MERCHANT.key);
    // The full secret is the element's text (as integrations read it), unreadable on screen and
    // silent to screen readers until revealed.
    const secret = page.locator(ID('api-secret'));
    const reveal = page.locator(ID('reveal-secret-button'));
    const credentials = page.locator(ID('api-credentials'));
    const concealed = async () => {
      assert.equal(await text(ID('api-secret')), MERCHANT.secret, 'the full secret is the text of the element');
      const shown = await reveal.getAttribute('aria-pressed');
      const filter = await secret.evaluate((el) => getComputedStyle(el).filter);
      const spoken = await credentials.ariaSnapshot();
      assert.equal(shown === 'true', filter === 'none', `aria-pressed ${shown} and the filter ${filter} agree`);
      assert.equal(shown === 'true', spoken.includes(MERCHANT.secret), `aria-pressed ${shown}, and screen readers get:\n${spoken}`);
      return shown !== 'true';
    };
    assert.ok(await concealed(), 'concealed until revealed');
    assert.match(await credentials.ariaSnapshot(), /API secret[\s\S]*hidden/);
    await reveal.click();
    assert.ok(!(await concealed()), 'revealed');
    await reveal.click();
    assert.ok(await concealed(), 'concealed again');
    await page.locator(ID('api-credentials')).getByRole('button', { name: 'Copy API secret' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), MERCHANT.secret);

    // A fresh database: no payments yet, then two successful and one failed, made via the API.
    await shows(ID('total-transactions'), '0');
    await page.evaluate(() => (window.__notReloaded = true));
    const made = [await pay(50000), await pay(25000), await pay(10000, 'failure@upi')];
    await Promise.all(made.map(settled));
    const stats = await ok('GET', '/payments/stats');
    assert.deepEqual(
      { n: stats.total_transactions, amount: stats.total_amount, rate: Math.round(stats.success_rate * 10) / 10 },
      { n: 3, amount: 75000, rate: 66.7 },
    );
    await shows(ID('total-transactions'), formatCount(stats.total_transactions));
    await shows(ID('total-amount'), formatAmount(stats.total_amount));
    await shows(ID('success-rate'), formatRate(stats.success_rate));
    assert.equal(await text(ID('total-amount')), '₹750.00');
    assert.equal(await text(ID('success-rate')), '66.7%');
    assert.ok(await page.evaluate(() => window.__notReloaded), 'the totals changed without a reload');
    await shows(`${ID('recent-payments')} li >> nth=0`, new RegExp(made[2].id));
    await shot('home');
  });

  test('a payment made through the API appears in transactions and its status changes live', async () => {
    await page.click(ID('nav-transactions'));
    await page.waitForURL(`${stack.dashboardUrl}/dashboard/transactions`);
    await page.locator(ID('transaction-row')).first().waitFor();
    assert.equal(await page.locator(ID('transaction-row')).count(), 3);
    await page.evaluate(() => (window.__notReloaded = true));

    const payment = await pay(12345);
    await row(payment.id).waitFor({ timeout: 10_000 });
    const cells = async (id) => text(`${ID('transaction-row')}[data-payment-id="${payment.id}"] ${ID(id)}`);
    assert.equal(await cells('payment-id'), payment.id);
    assert.equal(await cells('order-id'), payment.order_id);
    assert.equal(await cells('amount'), '₹123.45');
    assert.equal(await cells('method'), 'upi');
    assert.match(await cells('created-at'), /\d{4}, \d{2}:\d{2}:\d{2} (UTC|GMT[+-]\d{1,2}(:\d{2})?|[A-Z]{3,5})$/);
    await shows(`${ID('transaction-row')}[data-payment-id="${payment.id}"] ${ID('status')}`, 'success');
    assert.equal((await ok('GET', `/payments/${payment.id}`)).status, 'success');
    assert.equal(await page.locator(ID('transaction-row')).first().getAttribute('data-payment-id'), payment.id, 'newest first');
    assert.ok(await page.evaluate(() => window.__notReloaded), 'the row arrived without a reload');

    // Filtered by status: only the failed payment, as the API lists it.
    await page.selectOption(ID('status-filter'), 'failed');
    const failed = await ok('GET', '/payments?status=failed');
    await eventually(async () => (await page.locator(ID('transaction-row')).count()) === failed.total, 10_000, 'the failed payments only');
    assert.deepEqual(await page.locator(`${ID('transaction-row')} ${ID('status')}`).allTextContents(), failed.data.map(() => 'failed'));
    assert.equal(await page.locator(ID('transaction-row')).first().getAttribute('data-payment-id'), failed.data[0].id);
    assert.match(page.url(), /\?status=failed$/);
    await page.selectOption(ID('status-filter'), 'pending');
    await page.locator(ID('empty-state')).waitFor();
    assert.match(await text(ID('empty-state')), /No pending payments/);
    assert.ok(await page.locator(ID('transactions-table')).isVisible(), 'an empty table stays in view');
    await page.selectOption(ID('status-filter'), '');
    await eventually(async () => (await page.locator(ID('transaction-row')).count()) === 4, 10_000, 'all four payments');
    await shot('transactions');
  });

  test('paging moves through the payments ten at a time', async () => {
    await Promise.all(Array.from({ length: 7 }, (_, i) => pay(10000 + i)));
    const all = await ok('GET', '/payments?limit=100');
    assert.equal(all.total, 11);
    await shows(ID('page-summary'), '1–10 of 11');
    await page.click(ID('next-page-button'));
    await shows(ID('page-summary'), '11–11 of 11');
    assert.deepEqual(await page.locator(ID('transaction-row')).evaluateAll((rows) => rows.map((r) => r.dataset.paymentId)), [all.data[10].id]);
    assert.ok(await page.locator(ID('next-page-button')).isDisabled());
    // The page is in the address: a reload, and Back from a payment or from another page, return to it.
    await page.waitForURL((u) => u.pathname === '/dashboard/transactions' && u.search === '?offset=10');
    await page.reload();
    await shows(ID('page-summary'), '11–11 of 11');
    const last = all.data[10].id;
    await row(last).locator(`${ID('payment-id')} button`).click();
    await page.locator(ID('payment-detail')).waitFor();
    await page.waitForURL((u) => u.pathname === `/dashboard/transactions/${last}` && u.search === '?offset=10');
    await go('/dashboard');
    await page.locator(ID('stats-container')).waitFor();
    await page.goBack();
    await page.locator(ID('payment-detail')).waitFor();
    await page.waitForURL((u) => u.pathname === `/dashboard/transactions/${last}` && u.search === '?offset=10');
    await page.goBack();
    await page.locator(ID('payment-detail')).waitFor({ state: 'detached' });
    await page.waitForURL((u) => u.pathname === '/dashboard/transactions' && u.search === '?offset=10');
    await shows(ID('page-summary'), '11–11 of 11');
    await row(last).waitFor();
    await page.click(ID('prev-page-button'));
    await shows(ID('page-summary'), '1–10 of 11');
    await page.waitForURL((u) => u.pathname === '/dashboard/transactions' && u.search === '');
    // An offset past the end shows the last page, and the address says which.
    await go('/dashboard/transactions?offset=990');
    await shows(ID('page-summary'), '11–11 of 11');
    await page.waitForURL((u) => u.search === '?offset=10');
    await page.click(ID('prev-page-button'));
    await shows(ID('page-summary'), '1–10 of 11');
  });

  test('a refund made from the detail view, with the server\'s own refusals', async () => {
    const payment = await settled(await pay(50000));
    await row(payment.id).waitFor({ timeout: 10_000 });
    const opener = row(payment.id).locator(`${ID('payment-id')} button`);
    await opener.click();
    const dialog = page.locator(ID('payment-detail'));
    await dialog.waitFor();
    assert.match(page.url(), new RegExp(`/dashboard/transactions/${payment.id}$`));
    await shows(ID('detail-status'), 'success');
    assert.equal(await text(ID('detail-amount')), '₹500.00');
    await page.locator(ID('refund-form')).waitFor();
    await page.locator(ID('empty-state'), { hasText: 'No refunds yet' }).waitFor();

    // More than the payment: refused before asking, and nothing sent (the service would say no
    // too, in its words: see the end).
    await page.check(ID('refund-partial-radio'));
    await page.fill(ID('refund-amount-input'), '600');
    await page.click(ID('refund-button'));
    await shows(ID('refund-amount-error'), '₹600.00 is more than can still be refunded: at most ₹500.00.');
    assert.equal(await page.getAttribute(ID('refund-amount-input'), 'aria-invalid'), 'true');
    assert.ok(await page.locator(ID('refund-confirm')).isHidden());
    assert.equal((await ok('GET', `/payments/${payment.id}/refunds`)).total, 0);

    // A partial refund of ₹200.
    await page.fill(ID('refund-amount-input'), '200');
    await page.fill(ID('refund-reason-input'), 'Customer returned one item');
    assert.equal(await refundConfirmed(), `Refund ₹200.00 of payment ${payment.id}? A refund cannot be undone.`);
    await shows(ID('refund-message'), /created/);
    const refunds = await ok('GET', `/payments/${payment.id}/refunds`);
    assert.equal(refunds.total, 1);
    const [refund] = refunds.data;
    assert.equal(refund.amount, 20000);
    assert.equal(refund.reason, 'Customer returned one item');
    const refundRow = page.locator(`${ID('refund-row')}[data-refund-id="${refund.id}"]`);
    assert.equal(await text(ID('refund-amount'), refundRow), '₹200.00');
    await shows(`${ID('refund-row')}[data-refund-id="${refund.id}"] ${ID('refund-status')}`, 'processed');
    assert.equal((await ok('GET', `/refunds/${refund.id}`)).status, 'processed');

    // The rest in full: ₹300 left.
    await page.check(ID('refund-full-radio'));
    assert.equal(await page.inputValue(ID('refund-amount-input')), '300.00');
    assert.equal(await refundConfirmed(), `Refund ₹300.00 of payment ${payment.id}? That is all that is left of it. A refund cannot be undone.`);
    await page.locator(ID('refund-unavailable')).waitFor();
    assert.match(await text(ID('refund-unavailable')), /refunded in full/);
    const after = await ok('GET', `/payments/${payment.id}/refunds`);
    assert.deepEqual(after.data.map((r) => r.amount).sort(), [20000, 30000]);
    assert.equal(await page.locator(ID('refund-row')).count(), 2);
    await shows(ID('detail-refunded'), '₹500.00');

    // Nothing more can be refunded, by the API either.
    const again = await call('POST', `/payments/${payment.id}/refunds`, { amount: 100 });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.description, 'Refund amount exceeds available amount');
    await shot('payment-detail', false);

    // Escape closes the dialog and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), payment.id);
    await page.waitForURL((u) => u.pathname === '/dashboard/transactions');
  });

  test('a refund is sent only once confirmed: the question names the amount and the payment; Cancel and Escape send nothing', async () => {
    const payment = await settled(await pay(40000));
    await go('/dashboard/transactions');
    await row(payment.id).waitFor({ timeout: 10_000 });
    await row(payment.id).locator(`${ID('payment-id')} button`).click();
    await page.locator(ID('refund-form')).waitFor();
    const confirm = page.locator(ID('refund-confirm'));
    const focused = () => page.evaluate(() => document.activeElement?.dataset.testId);
    const posts = [];
    const watch = (r) => r.method() === 'POST' && new URL(r.url()).pathname === `/api/v1/payments/${payment.id}/refunds` && posts.push(r.headers()['idempotency-key']);
    page.on('request', watch);
    try {
      // Full is preselected: one press of Refund only asks, naming the amount and the payment.
      assert.ok(await page.locator(ID('refund-full-radio')).isChecked());
      await page.click(ID('refund-button'));
      await confirm.waitFor();
      assert.equal(await text(ID('refund-confirm-message')), `Refund ₹400.00 of payment ${payment.id}? That is the whole payment. A refund cannot be undone.`);
      assert.equal(await focused(), 'refund-confirm-message', 'the question takes the focus');
      assert.ok(await page.locator(ID('refund-button')).isDisabled(), 'the form waits for the answer');
      assert.ok(await page.locator(ID('refund-reason-input')).isDisabled());
      await shot('refund-confirm', false);
      await page.waitForTimeout(1000);
      assert.deepEqual(posts, [], 'nothing is sent before Confirm');

      // Cancel: the form again, the focus on Refund.
      await page.click(ID('refund-cancel-button'));
      await confirm.waitFor({ state: 'hidden' });
      assert.equal(await focused(), 'refund-button');
      // By keyboard: Enter asks again, Escape says no and leaves the payment open.
      await page.keyboard.press('Enter');
      await confirm.waitFor();
      await page.keyboard.press('Escape');
      await confirm.waitFor({ state: 'hidden' });
      assert.ok(await page.locator(ID('payment-detail')).isVisible(), 'the payment stays open');
      assert.equal(await focused(), 'refund-button');
      assert.deepEqual(posts, []);
      assert.equal((await ok('GET', `/payments/${payment.id}/refunds`)).total, 0, 'no refund');

      // A partial refund, by keyboard: Refund, Tab to Confirm, Enter.
      await page.check(ID('refund-partial-radio'));
      await page.fill(ID('refund-amount-input'), '150');
      await page.keyboard.press('Enter');
      await confirm.waitFor();
      assert.equal(await text(ID('refund-confirm-message')), `Refund ₹150.00 of payment ${payment.id}? A refund cannot be undone.`);
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'refund-confirm-button');
      await page.keyboard.press('Enter');
      await shows(ID('refund-message'), /of ₹150\.00 created/);
      assert.equal(posts.length, 1);

      // Double clicks: on Refund it only asks; on Confirm it refunds once.
      await page.fill(ID('refund-amount-input'), '50');
      await page.dblclick(ID('refund-button'));
      await confirm.waitFor();
      await page.waitForTimeout(500);
      assert.equal(posts.length, 1, 'a double click on Refund sends nothing');
      await page.dblclick(ID('refund-confirm-button'));
      await shows(ID('refund-message'), /of ₹50\.00 created/);
      await page.waitForTimeout(1000);
      assert.equal(posts.length, 2, 'a double click on Confirm sends one request');
      assert.notEqual(posts[1], posts[0], 'each refund with a key of its own');
    } finally {
      page.off('request', watch);
    }
    const refunds = await ok('GET', `/payments/${payment.id}/refunds`);
    assert.deepEqual(refunds.data.map((r) => r.amount).sort((a, b) => a - b), [5000, 15000]);
    await page.keyboard.press('Escape');
    await page.locator(ID('payment-detail')).waitFor({ state: 'detached' });
  });

  test('Back closes a payment opened from the list, and Forward opens it again', async () => {
    const payment = await settled(await pay(12300));
    await go('/dashboard');
    await go('/dashboard/transactions');
    await row(payment.id).waitFor({ timeout: 10_000 });
    await row(payment.id).locator(`${ID('payment-id')} button`).click();
    const dialog = page.locator(ID('payment-detail'));
    await dialog.waitFor();
    await page.waitForURL((u) => u.pathname === `/dashboard/transactions/${payment.id}`);
    await page.goBack();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForURL((u) => u.pathname === '/dashboard/transactions');
    await row(payment.id).waitFor();
    await page.goForward();
    await dialog.waitFor();
    await shows(ID('detail-status'), 'success');
    await page.waitForURL((u) => u.pathname === `/dashboard/transactions/${payment.id}`);
    // Closed by its button, it takes its history entry along: Back then leaves the list.
    await page.click(ID('close-dialog-button'));
    await dialog.waitFor({ state: 'detached' });
    await page.waitForURL((u) => u.pathname === '/dashboard/transactions');
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/dashboard');
    await page.locator(ID('stats-container')).waitFor();
    // Forward comes back to the list, without the payment.
    await page.goForward();
    await page.waitForURL((u) => u.pathname === '/dashboard/transactions');
    await row(payment.id).waitFor();
    assert.equal(await dialog.count(), 0);
    // Back to a list with other filters shows those filters.
    await page.selectOption(ID('status-filter'), 'success');
    await page.waitForURL((u) => u.search === '?status=success');
    await page.click(ID('nav-transactions'));
    await page.waitForURL((u) => u.search === '');
    assert.equal(await page.inputValue(ID('status-filter')), '');
    await page.goBack();
    await page.waitForURL((u) => u.search === '?status=success');
    await eventually(async () => (await page.inputValue(ID('status-filter'))) === 'success', 5_000, 'the filter of that list');
    await page.click(ID('nav-transactions'));
    await row(payment.id).waitFor();
  });

  test('a refund whose answer was lost is sent again with its key and made once', async () => {
    const payment = await settled(await pay(30000));
    await row(payment.id).waitFor({ timeout: 10_000 });
    await row(payment.id).locator(`${ID('payment-id')} button`).click();
    await page.locator(ID('refund-form')).waitFor();
    // The service makes the first refund, but its answer is lost on the way back, as behind a
    // proxy that gave up: the dashboard sees a 502.
    const refundsPath = `**/api/v1/payments/${payment.id}/refunds`;
    const sent = await loseFirstAnswer(refundsPath);
    try {
      await page.check(ID('refund-partial-radio'));
      await page.fill(ID('refund-amount-input'), '100');
      await refundConfirmed();
      await shows(ID('refund-message'), /not answering/);
      await refundConfirmed();
      await shows(ID('refund-message'), /created/);
    } finally {
      await page.unroute(refundsPath);
    }
    assert.equal(sent.length, 2);
    assert.equal(sent[1].key, sent[0].key, 'sent again with the same Idempotency-Key');
    const refunds = await ok('GET', `/payments/${payment.id}/refunds`);
    assert.deepEqual(refunds.data.map((r) => r.amount), [10000], 'one refund, not two');
    assert.match(await text(ID('refund-message')), new RegExp(refunds.data[0].id));

    // The next refund is a new action, with a key of its own.
    const keys = [];
    const watch = (r) => r.method() === 'POST' && r.url().endsWith('/refunds') && keys.push(r.headers()['idempotency-key']);
    page.on('request', watch);
    try {
      await page.fill(ID('refund-amount-input'), '100');
      await refundConfirmed();
      await eventually(async () => (await ok('GET', `/payments/${payment.id}/refunds`)).total === 2, 10_000, 'a second refund');
    } finally {
      page.off('request', watch);
    }
    assert.equal(keys.length, 1);
    assert.notEqual(keys[0], sent[0]);
    await page.keyboard.press('Escape');
    await page.locator(ID('payment-detail')).waitFor({ state: 'detached' });
  });

  test('a refund changed after its answer was lost, in a reopened dialog, keeps its key and is made once', async () => {
    const payment = await settled(await pay(30000));
    await row(payment.id).waitFor({ timeout: 10_000 });
    const open = async () => {
      await row(payment.id).locator(`${ID('payment-id')} button`).click();
      await page.locator(ID('refund-form')).waitFor();
      await page.check(ID('refund-partial-radio'));
      await page.fill(ID('refund-amount-input'), '100');
    };
    const refundsPath = `**/api/v1/payments/${payment.id}/refunds`;
    const sent = await loseFirstAnswer(refundsPath);
    try {
      await open();
      await page.fill(ID('refund-reason-input'), 'Damaged');
      await refundConfirmed();
      await shows(ID('refund-message'), /not answering/);
      // The dialog closed and opened again, the reason corrected, and Refund pressed again.
      await page.keyboard.press('Escape');
      await page.locator(ID('payment-detail')).waitFor({ state: 'detached' });
      await open();
      await page.fill(ID('refund-reason-input'), 'Damaged in transit');
      await refundConfirmed();
      await shows(ID('refund-message'), /earlier refund request reached the service/);
    } finally {
      await page.unroute(refundsPath);
    }
    assert.equal(sent.length, 2);
    assert.notDeepEqual(sent[1].body, sent[0].body);
    assert.equal(sent[1].key, sent[0].key, 'the changed request went with the first one\'s key');
    const refunds = await ok('GET', `/payments/${payment.id}/refunds`);
    assert.deepEqual(refunds.data.map((r) => [r.amount, r.reason]), [[10000, 'Damaged']], 'exactly one refund');
    assert.equal(
      await text(ID('refund-message')),
      'Your earlier refund request reached the service (see the list above, once it is made); nothing more was refunded. Check it before refunding again.',
    );
    await page.locator(`${ID('refund-row')}[data-refund-id="${refunds.data[0].id}"]`).waitFor();
    await page.keyboard.press('Escape');
    await page.locator(ID('payment-detail')).waitFor({ state: 'detached' });
  });

  test('capture from the detail view, and a failed payment offers no refund', async () => {
    const payment = await settled(await pay(20000));
    await go(`/dashboard/transactions/${payment.id}`);
    await page.locator(ID('payment-detail')).waitFor();
    await shows(ID('detail-captured'), 'No');
    await page.click(ID('capture-button'));
    await shows(ID('detail-captured'), 'Yes');
    assert.match(await text(ID('capture-message')), /captured/);
    assert.equal((await ok('GET', `/payments/${payment.id}`)).captured, true);
    assert.equal(await page.locator(ID('capture-button')).count(), 0);
    await page.click(ID('close-dialog-button'));

    const failed = (await ok('GET', '/payments?status=failed')).data[0];
    await go(`/dashboard/transactions/${failed.id}`);
    await shows(ID('detail-status'), 'failed');
    await page.locator(ID('refund-unavailable')).waitFor();
    assert.match(await text(ID('refund-unavailable')), /Only successful payments can be refunded/);
    assert.ok(await page.locator(ID('refund-form')).isHidden());
    assert.equal(await page.locator(ID('capture-button')).count(), 0);
    // The refund service agrees.
    const refused = await call('POST', `/payments/${failed.id}/refunds`, { amount: 100 });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.description, 'Payment not in refundable state');
    await page.keyboard.press('Escape');
  });

  test('a payment refunded in full offers no capture', async () => {
    const payment = await settled(await pay(15000));
    await ok('POST', `/payments/${payment.id}/refunds`, { amount: 15000, reason: 'Order cancelled' });
    await eventually(async () => (await ok('GET', `/payments/${payment.id}`)).amount_refunded === 15000, 10_000, 'the refund to count');
    await go(`/dashboard/transactions/${payment.id}`);
    await page.locator(ID('payment-detail')).waitFor();
    await shows(ID('detail-refunded'), '₹150.00');
    await page.locator(ID('refund-unavailable')).waitFor();
    assert.equal(await text(ID('detail-status')), 'success');
    assert.equal(await text(ID('detail-captured')), 'No');
    assert.equal(await page.locator(ID('capture-button')).count(), 0);
    // The payments service agrees.
    const refused = await call('POST', `/payments/${payment.id}/capture`, { amount: 15000 });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.description, 'Payment not in capturable state');
    await page.keyboard.press('Escape');
    await page.locator(ID('payment-detail')).waitFor({ state: 'detached' });
  });

  test('a URL typed while the endpoints are still loading is kept', async () => {
    let release;
    const held = new Promise((r) => (release = r));
    const list = '**/api/v1/webhook-endpoints?limit=100';
    await page.route(list, async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.click(ID('nav-webhooks'));
      await page.locator(ID('webhook-url-input')).waitFor();
      await page.fill(ID('webhook-url-input'), 'https://typed.example/in');
      const loaded = page.waitForResponse(list);
      release();
      await loaded;
      await page.locator('[data-test-id="webhook-config"] [data-test-id="empty-state"]').waitFor();
      assert.equal(await page.inputValue(ID('webhook-url-input')), 'https://typed.example/in');
    } finally {
      release();
      await page.unroute(list);
    }
    await go('/dashboard');
  });

  test('a saved webhook URL gets signed deliveries, and they appear in the log', async () => {
    await page.click(ID('nav-webhooks'));
    await page.waitForURL(`${stack.dashboardUrl}/dashboard/webhooks`);
    await page.locator(ID('webhook-config')).waitFor();
    await shows(ID('webhook-secret'), MERCHANT.webhookSecret);
    // Nothing to test before an endpoint exists: the button says so, and sends nothing.
    await page.locator(ID('webhook-endpoints')).waitFor({ state: 'attached' });
    await eventually(async () => (await text('[data-test-id="webhook-config"] [data-test-id="empty-state"]')).includes('No endpoint yet'), 10_000, 'the empty list');
    await page.click(ID('test-webhook-button'));
    await shows(ID('webhook-config-message'), 'Save an endpoint first; the test event goes to it.');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testId), 'webhook-url-input');
    assert.equal((await ok('GET', '/webhooks?event=webhook.test')).total, 0, 'no test event made');
    for (const inForm of ['webhook-url-input', 'save-webhook-button']) {
      assert.equal(await page.locator(`${ID('webhook-config-form')} ${ID(inForm)}`).count(), 1, `${inForm} in the form`);
    }

    // The page checks the URL before sending it.
    await page.fill(ID('webhook-url-input'), 'ftp://example.com/in');
    await page.click(ID('save-webhook-button'));
    await shows(ID('webhook-config-message'), /https:\/\/ or http:\/\//);

    const url = `${stack.receivers.ok.url}/paystream/hooks`;
    await page.fill(ID('webhook-url-input'), url);
    await page.click(ID('save-webhook-button'));
    await shows(ID('webhook-config-message'), `Saved. Webhooks go to ${url}.`);
    const endpoints = await ok('GET', '/webhook-endpoints');
    assert.equal(endpoints.total, 1);
    assert.equal(endpoints.data[0].url, url);
    assert.equal(await page.locator(ID('webhook-endpoint')).count(), 1);

    // Reloading shows the saved URL in the form.
    await page.reload();
    await eventually(async () => (await page.inputValue(ID('webhook-url-input'))) === url, 10_000, 'the saved URL');

    const payment = await settled(await pay(30000));
    const delivered = await eventually(
      async () => (await ok('GET', '/webhooks?event=payment.success&limit=100')).data.find((d) => d.endpoint_url === url && d.status === 'success'),
      20_000,
      'the payment.success delivery',
    );
    await logRow(delivered.id).waitFor({ timeout: 10_000 });
    const cells = async (id) => text(`${ID('webhook-log-item')}[data-webhook-id="${delivered.id}"] ${ID(id)}`);
    assert.equal(await cells('webhook-event'), 'payment.success');
    await shows(`${ID('webhook-log-item')}[data-webhook-id="${delivered.id}"] ${ID('webhook-status')}`, 'success');
    assert.equal(await cells('webhook-attempts'), '1');
    assert.equal(await cells('webhook-response-code'), '200');
    assert.match(await cells('webhook-last-attempt'), /\d{2}:\d{2}:\d{2} (UTC|GMT[+-]\d{1,2}(:\d{2})?|[A-Z]{3,5})$/);

    // What the receiver got is the payment, signed with the secret shown on the page, and the
    // docs page's Node code verifies both signatures.
    const got = await eventually(
      () => stack.receivers.ok.received.find((r) => JSON.parse(r.body).event === 'payment.success'),
      5_000,
      'the receiver to get payment.success',
    );
    assert.equal(got.path, '/paystream/hooks');
    assert.equal(JSON.parse(got.body).data.payment.id, payment.id);
    const secret = await text(ID('webhook-secret'));
    assert.ok(verifySignature(got.body, got.headers['x-webhook-signature'], secret));
    assert.ok(verifyStandardWebhook(got.body, got.headers, secret));
    assert.ok(!verifySignature(got.body, got.headers['x-webhook-signature'], 'whsec_someone_else'));

    // A test event from the button.
    await page.click(ID('test-webhook-button'));
    await shows(ID('webhook-config-message'), /Test event sent/);
    await page.locator(ID('webhook-log-item'), { hasText: 'webhook.test' }).first().waitFor({ timeout: 10_000 });
    await shows(`${ID('webhook-log-item')} >> nth=0 >> ${ID('webhook-status')}`, 'success');
    const test = stack.receivers.ok.received.find((r) => JSON.parse(r.body).event === 'webhook.test');
    assert.equal(JSON.parse(test.body).data.endpoint_id, endpoints.data[0].id);

    // The log filters by event.
    await page.selectOption(ID('webhook-event-filter'), 'webhook.test');
    await eventually(async () => (await page.locator(ID('webhook-log-item')).count()) === 1, 10_000, 'one webhook.test delivery');
    await page.selectOption(ID('webhook-event-filter'), '');
    await shot('webhooks');
  });

  test('the docs page\'s Java code verifies a real delivery', async () => {
    const got = stack.receivers.ok.received.at(-1);
    const work = mkdtempSync(join(tmpdir(), 'dashboard-java-'));
    try {
      const source = (p) => fileURLToPath(new URL(p, import.meta.url));
      execFileSync('javac', ['-d', work, source('../../src/docs/VerifyWebhook.java'), source('fixtures/CheckDelivery.java')]);
      writeFileSync(join(work, 'body.json'), got.body);
      const check = (secret) =>
        execFileSync('java', ['-cp', work, 'CheckDelivery', join(work, 'body.json'), secret, got.headers['x-webhook-signature'], got.headers['webhook-id'], got.headers['webhook-timestamp'], got.headers['webhook-signature']])
          .toString()
          .trim();
      assert.equal(check(MERCHANT.webhookSecret), 'hex=true standard=true');
      assert.equal(check('whsec_someone_else'), 'hex=false standard=false');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('rotating the secret changes it, and deliveries are signed with the new one', async () => {
    const before = await text(ID('webhook-secret'));
    assert.equal(before, MERCHANT.webhookSecret);
    await page.click(ID('regenerate-secret-button'));
    await eventually(async () => (await text(ID('webhook-secret'))) !== before, 10_000, 'a new secret');
    const shown = await text(ID('webhook-secret'));
    assert.match(shown, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal((await ok('GET', '/webhook-secret')).secret, shown);
    // The hex header moves to the new secret at once; only webhook-signature carries the old one too.
    assert.match(await text(ID('webhook-secret-message')), /X-Webhook-Signature uses it from now on/);
    assert.match(await text(ID('webhook-secret-message')), /webhook-signature also carries/);
    assert.match(await text(ID('webhook-secret-rotated')), /previous secret/);
    await page.reload();
    await shows(ID('webhook-secret'), shown);

    const count = stack.receivers.ok.received.length;
    await page.click(ID('test-webhook-button'));
    const got = await eventually(() => stack.receivers.ok.received[count], 10_000, 'a delivery after the rotation');
    assert.ok(verifySignature(got.body, got.headers['x-webhook-signature'], shown), 'the hex signature uses the new secret');
    assert.ok(verifyStandardWebhook(got.body, got.headers, shown));
    assert.ok(verifyStandardWebhook(got.body, got.headers, before), 'the old secret still verifies for a while');
    await shot('webhooks-rotated');
  });

  test('a secret rotated and an endpoint added elsewhere show without a reload; a URL being typed is kept', async () => {
    await page.locator(ID('webhook-endpoint')).first().waitFor();
    const before = await text(ID('webhook-secret'));
    await page.evaluate(() => (window.__notReloaded = true));
    const typed = 'https://typed.example/while-it-changes';
    await page.fill(ID('webhook-url-input'), typed); // the focus stays in it
    // Elsewhere (another tab, a colleague, the API): a rotation and a new endpoint.
    const rotated = await ok('POST', '/webhook-secret/rotate', {});
    assert.notEqual(rotated.secret, before);
    const added = await ok('POST', '/webhook-endpoints', { url: `${stack.receivers.ok.url}/added-elsewhere` });
    const addedItem = page.locator(`${ID('webhook-endpoint')}[data-endpoint-id="${added.id}"]`);
    try {
      await shows(ID('webhook-secret'), rotated.secret, 25_000);
      assert.match(await text(ID('webhook-secret-message')), /rotated elsewhere.*copy it again/);
      await addedItem.waitFor({ timeout: 25_000 });
      assert.equal(await page.inputValue(ID('webhook-url-input')), typed, 'what is being typed stays');
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.testId), 'webhook-url-input', 'and keeps the focus');
      // Copy gives the secret that signs now.
      await page.getByRole('button', { name: 'Copy webhook secret' }).click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), rotated.secret);
      assert.ok(await page.evaluate(() => window.__notReloaded), 'no reload');
    } finally {
      await ok('DELETE', `/webhook-endpoints/${added.id}`);
    }
    // Deleted elsewhere: gone here too; the form, changed and no longer focused, still holds its text.
    await addedItem.waitFor({ state: 'detached', timeout: 25_000 });
    assert.equal(await page.inputValue(ID('webhook-url-input')), typed);
    await page.reload();
    await shows(ID('webhook-secret'), rotated.secret);
  });

  test('a manual retry makes a new attempt and the row follows', async () => {
    // Point the endpoint at the receiver that answers 500.
    const url = `${stack.receivers.failing.url}/always-500`;
    await page.fill(ID('webhook-url-input'), url);
    await page.click(ID('save-webhook-button'));
    await shows(ID('webhook-config-message'), `Saved. Webhooks go to ${url}.`);
    await page.click(ID('test-webhook-button'));
    const delivery = await eventually(
      async () => (await ok('GET', '/webhooks?event=webhook.test&limit=100')).data.find((d) => d.endpoint_url === url && d.attempts >= 1),
      15_000,
      'the first failed attempt',
    );
    const cell = (id) => `${ID('webhook-log-item')}[data-webhook-id="${delivery.id}"] ${ID(id)}`;
    await logRow(delivery.id).waitFor({ timeout: 10_000 });
    await shows(cell('webhook-response-code'), '500');
    assert.equal(await text(cell('webhook-status')), 'pending', 'failed once, retries scheduled');

    // The schedule's own second attempt comes 5 s later (test intervals).
    await eventually(async () => (await ok('GET', `/webhooks/${delivery.id}`)).attempts >= 2, 20_000, 'the scheduled second attempt');
    await shows(cell('webhook-attempts'), /^[2-5]$/);
    const before = await ok('GET', `/webhooks/${delivery.id}`);

    await page.click(`${ID('retry-webhook-button')}[data-webhook-id="${delivery.id}"]`);
    await shows(ID('webhook-log-message'), /Webhook retry scheduled/);
    const retried = await eventually(
      async () => {
        const d = await ok('GET', `/webhooks/${delivery.id}`);
        return d.attempt_history.length > before.attempt_history.length && d;
      },
      10_000,
      'the attempt the retry made',
    );
    assert.equal(retried.attempts, 1, 'attempts count from 0 again after a manual retry');
    assert.equal(retried.attempt_history.at(-1).response_code, 500);
    await shows(cell('webhook-attempts'), '1');
    await shows(cell('webhook-status'), 'pending');

    // The detail: every attempt, and the exact payload the receiver got.
    await page.click(`${ID('webhook-log-item')}[data-webhook-id="${delivery.id}"] ${ID('webhook-details-button')}`);
    await page.locator(ID('webhook-detail')).waitFor();
    await eventually(
      async () => (await page.locator(ID('attempt-row')).count()) >= retried.attempt_history.length,
      10_000,
      'the attempt history',
    );
    const codes = await page.locator(`${ID('attempt-row')} ${ID('attempt-response-code')}`).allTextContents();
    assert.ok(codes.every((c) => c === '500'), codes.join());
    // An answer longer than its cell opens in full, to be read and copied.
    const body = page.locator(`${ID('attempt-row')} ${ID('attempt-detail')}`).first();
    await body.locator('summary').click();
    assert.equal(await body.locator('pre').textContent(), REFUSAL_BODY);
    assert.ok(await body.locator('pre').isVisible());
    const payload = await text(ID('webhook-payload'));
    const sent = stack.receivers.failing.received.find((r) => r.body === payload);
    assert.ok(sent, 'the payload shown is byte for byte what was sent');
    assert.equal(JSON.parse(payload).event, 'webhook.test');
    await shot('webhook-detail', false);
    await page.keyboard.press('Escape');
    await page.locator(ID('webhook-detail')).waitFor({ state: 'detached' });
  });

  test('an endpoint whose URL is corrected after its answer was lost is added once', async () => {
    const before = new Set((await ok('GET', '/webhook-endpoints?limit=100')).data.map((x) => x.id));
    const typo = `${stack.receivers.ok.url}/paystrem/hooks`;
    const sent = await loseFirstAnswer('**/api/v1/webhook-endpoints');
    let added = [];
    try {
      await page.click(ID('new-endpoint-button'));
      await page.fill(ID('webhook-url-input'), typo);
      await page.click(ID('save-webhook-button'));
      await shows(ID('webhook-config-message'), /not answering/);
      await page.fill(ID('webhook-url-input'), `${stack.receivers.ok.url}/paystream/hooks-2`);
      await page.click(ID('save-webhook-button'));
      await shows(ID('webhook-config-message'), /earlier request to add this endpoint reached the service/);
      assert.equal(sent.length, 2);
      assert.equal(sent[1].key, sent[0].key);
      added = (await ok('GET', '/webhook-endpoints?limit=100')).data.filter((x) => !before.has(x.id));
      assert.deepEqual(added.map((x) => x.url), [typo], 'one endpoint, the first one');
      await page.locator(`${ID('webhook-endpoint')}[data-endpoint-id="${added[0].id}"]`).waitFor();
    } finally {
      await page.unroute('**/api/v1/webhook-endpoints');
      added = (await ok('GET', '/webhook-endpoints?limit=100')).data.filter((x) => !before.has(x.id));
      for (const x of added) await ok('DELETE', `/webhook-endpoints/${x.id}`);
    }
  });

  test('served over plain http under another host name (no secure context), actions that send a key work', async () => {
    const origin = stack.dashboardUrl.replace('127.0.0.1', PLAIN_HTTP_HOST);
    const plain = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const other = await plain.newPage();
    const errors = [];
    other.on('pageerror', (e) => errors.push(e.message));
    try {
      await other.goto(`${origin}/login`);
      assert.equal(await other.evaluate(() => window.isSecureContext), false);
      await other.fill(ID('email-input'), MERCHANT.email);
      await other.fill(ID('password-input'), MERCHANT.password);
      await other.click(ID('login-button'));
      await other.waitForURL(`${origin}/dashboard`);
      await other.goto(`${origin}/dashboard/webhooks`);
      const first = other.locator(ID('retry-webhook-button')).first();
      await first.waitFor();
      const id = await first.getAttribute('data-webhook-id');
      const before = (await ok('GET', `/webhooks/${id}`)).attempt_history.length;
      await first.click();
      const message = await eventually(async () => text(ID('webhook-log-message'), other), 10_000, 'an answer to the retry');
      assert.match(message, /Webhook retry scheduled/);
      await eventually(async () => (await ok('GET', `/webhooks/${id}`)).attempt_history.length > before, 10_000, 'the attempt the retry made');
      assert.deepEqual(errors, []);
    } finally {
      await plain.close();
    }
  });

  test('the docs page has every section, with the merchant\'s key and copyable snippets', async () => {
    await page.click(ID('nav-docs'));
    await page.locator(ID('api-docs')).waitFor();
    for (const id of [
      'section-create-order',
      'section-sdk-integration',
      'section-webhook-verification',
      'section-retry-schedule',
      'section-idempotency',
      'code-snippet-create-order',
      'code-snippet-sdk',
      'code-snippet-webhook',
      'code-snippet-webhook-java',
    ]) {
      assert.ok(await page.locator(ID(id)).isVisible(), id);
    }
    const createOrder = await text(ID('code-snippet-create-order'));
    assert.match(createOrder, /curl -X POST http:\/\/localhost:8000\/api\/v1\/orders/);
    assert.match(createOrder, new RegExp(`X-Api-Key: ${MERCHANT.key}`));
    assert.ok(!createOrder.includes(MERCHANT.secret), 'the secret is not printed in snippets');
    assert.match(createOrder, /X-Api-Secret: \$PAYSTREAM_API_SECRET/);
    assert.match(await text(ID('section-create-order')), /first run export PAYSTREAM_API_SECRET=<your secret>/, 'how the snippets get the secret');
    assert.match(await text(ID('code-snippet-sdk')), /new PaymentGateway\(\{[\s\S]*key: 'key_test_abc123'/);
    assert.match(await text(ID('section-sdk-integration')), /connect-src/, 'what a Content-Security-Policy must allow');
    const node = await text(ID('code-snippet-webhook'));
    assert.match(node, /createHmac\('sha256'/);
    assert.match(node, /webhook-signature/);
    assert.match(await text(ID('code-snippet-webhook-java')), /HmacSHA256/);
    // API.md's schedule; the fast column is WEBHOOK_RETRY_INTERVALS_TEST's, not TEST_MODE's.
    assert.deepEqual(
      await page.locator(`${ID('retry-schedule-table')} tbody tr`).evaluateAll((rows) =>
        rows.map((r) => [...r.cells].map((c) => c.textContent.trim())),
      ),
      [
        ['1', 'immediately', 'immediately'],
        ['2', '1 minute', '5 seconds'],
        ['3', '5 minutes', '10 seconds'],
        ['4', '30 minutes', '15 seconds'],
        ['5', '2 hours', '20 seconds'],
      ],
    );
    assert.match(await text(`${ID('retry-schedule-table')} thead th:nth-child(3)`), /^With WEBHOOK_RETRY_INTERVALS_TEST=true$/);
    assert.match(await text(ID('section-idempotency')), /Idempotency-Key/);
    await page.click(ID('copy-code-snippet-create-order'));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), createOrder);
    await shot('docs');
  });

  test('every page fits 360 px without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const [path, name, ready] of [
      ['/dashboard', 'home-360', 'stats-container'],
      ['/dashboard/transactions', 'transactions-360', 'transaction-row'],
      ['/dashboard/webhooks', 'webhooks-360', 'webhook-log-item'],
      ['/dashboard/docs', 'docs-360', 'api-docs'],
    ]) {
      await go(path);
      await page.locator(ID(ready)).first().waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${path} is ${width} px wide`);
      await shot(name);
    }
    await go('/dashboard/transactions');
    await page.locator(`${ID('transaction-row')} ${ID('payment-id')} button`).first().click();
    await page.locator(`${ID('refund-form')}:visible, ${ID('refund-unavailable')}:visible`).waitFor();
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360);
    await shot('payment-detail-360', false);
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('a service that cannot be reached shows an error and a way to try again', async () => {
    // A second dashboard origin whose webhook-service upstream is a closed port.
    const server = createDashboardServer({
      dist: fileURLToPath(new URL('../../dist/', import.meta.url)),
      paymentsUrl: stack.services.payments,
      refundsUrl: stack.services.refunds,
      webhooksUrl: 'http://127.0.0.1:9',
    });
    const base = await new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));
    const other = await context.newPage();
    try {
      await other.goto(`${base}/login?next=%2Fdashboard%2Fwebhooks`);
      await other.fill(ID('email-input'), MERCHANT.email);
      await other.fill(ID('password-input'), MERCHANT.password);
      await other.click(ID('login-button'));
      await other.waitForURL(`${base}/dashboard/webhooks`);
      const error = other.locator(ID('error-state'), { hasText: 'Deliveries could not be loaded' });
      await error.waitFor();
      assert.match(await error.textContent(), /Deliveries could not be loaded: The service behind this page is not reachable right now/);
      assert.ok(await error.getByRole('button', { name: 'Try again' }).isVisible());
      assert.match(await other.locator(ID('webhook-secret-message')).textContent(), /could not be loaded/);
      assert.ok(await other.locator(ID('error-state'), { hasText: 'Your endpoints could not be loaded' }).isVisible());
      await other.screenshot({ path: `${SCREENSHOTS}webhooks-unreachable.png`, fullPage: true });
      // The payments side still works on the same page set.
      await other.click(ID('nav-overview'));
      await eventually(async () => /^\d/.test((await other.locator(ID('total-transactions')).textContent()) || ''), 10_000, 'the totals');
    } finally {
      await other.close();
      await new Promise((r) => server.close(r).closeAllConnections());
    }
  });

  test('a poll failing again the same way leaves its error, and the focus on "Try again", as they are', async () => {
    // The page's polls of `apiPath` answer 503 for longer than two of its `ms` cycles.
    const steady = async (path, apiPath, ms) => {
      await go(path);
      await page.locator(`${ID('transaction-row')}, ${ID('stats-container')}:not([aria-busy])`).first().waitFor();
      await page.evaluate(() => {
        window.alertsAdded = 0;
        new MutationObserver((records) => {
          for (const added of records.flatMap((r) => [...r.addedNodes])) {
            if (added.nodeType !== 1) continue;
            window.alertsAdded += (added.matches('[role=alert]') ? 1 : 0) + added.querySelectorAll('[role=alert]').length;
          }
        }).observe(document.body, { childList: true, subtree: true });
      });
      let refused = 0;
      const down = (url) => url.pathname === apiPath;
      await page.route(down, (route) => {
        refused += 1;
        return route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', description: 'Payments are not available right now' } }),
        });
      });
      try {
        const retry = page.locator(ID('error-state')).getByRole('button', { name: 'Try again' });
        await retry.waitFor({ timeout: 10_000 });
        await retry.focus();
        await page.evaluate(() => (window.focusedRetry = document.activeElement));
        const polls = refused;
        await page.waitForTimeout(2 * ms + 1500);
        assert.ok(refused - polls >= 2, `${path}: ${refused - polls} polls while waiting`);
        assert.ok(
          await page.evaluate(() => window.focusedRetry.isConnected && document.activeElement === window.focusedRetry),
          `${path}: the focus stays on "Try again" (it is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))})`,
        );
        assert.equal(await page.evaluate(() => window.alertsAdded), 1, `${path}: one alert, not one per poll`);
      } finally {
        await page.unroute(down);
      }
      await page.locator(ID('error-state')).waitFor({ state: 'detached', timeout: 10_000 });
    };
    await steady('/dashboard/transactions', '/api/v1/payments', 3000);
    await steady('/dashboard', '/api/v1/payments/stats', 4000);
  });

  test('a poll refused with Retry-After waits that long before asking again', async () => {
    await go('/dashboard/transactions');
    await page.locator(ID('transaction-row')).first().waitFor();
    let refused = 0;
    const down = (url) => url.pathname === '/api/v1/payments';
    await page.route(down, (route) => {
      refused += 1;
      return route.fulfill({
        status: 429,
        headers: { 'Retry-After': '30' },
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'RATE_LIMIT_ERROR', description: 'Too many requests' } }),
      });
    });
    try {
      await page.locator(ID('error-state')).waitFor({ timeout: 10_000 });
      const first = refused;
      await page.waitForTimeout(3 * 3000 + 1000); // three of the page's usual poll intervals
      assert.equal(refused, first, `no poll within the 30 s asked for (${refused - first} more)`);
    } finally {
      await page.unroute(down);
    }
    // "Try again" is the person's own choice: at once.
    await page.locator(ID('error-state')).getByRole('button', { name: 'Try again' }).click();
    await page.locator(ID('error-state')).waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('a stale session on the webhooks page signs out to /login?next=, and signing in returns there', async () => {
    const other = await context.newPage();
    other.on('pageerror', (e) => pageErrors.push(e.message));
    const refused = [];
    // A request that finishes as the page closes has no response to read any more: not a refusal.
    other.on('requestfinished', (r) =>
      r
        .response()
        .then((res) => res?.status() === 401 && refused.push(new URL(r.url()).pathname))
        .catch(() => {}),
    );
    try {
      // Credentials the API no longer takes (the secret changed elsewhere): each request gets 401.
      await other.goto(`${stack.dashboardUrl}/login`);
      await other.evaluate(
        (key) => sessionStorage.setItem('paystream.dashboard.session', JSON.stringify({ name: 'Test Merchant', api_key: key, api_secret: 'secret_no_longer_valid' })),
        MERCHANT.key,
      );
      await other.goto(`${stack.dashboardUrl}/dashboard/webhooks`);
      // The page starts three requests; every refusal has arrived before the address is checked.
      await eventually(() => refused.length >= 3, 10_000, 'the three requests of the webhooks page to be refused');
      assert.deepEqual([...refused].sort(), ['/api/v1/webhook-endpoints', '/api/v1/webhook-secret', '/api/v1/webhooks']);
      const login = `${stack.dashboardUrl}/login?next=%2Fdashboard%2Fwebhooks`;
      await other.waitForURL(login);
      assert.match(await text(ID('login-message'), other), /session has ended/);
      assert.equal(other.url(), login, 'one redirect to the login page, none after it');

      await other.fill(ID('email-input'), MERCHANT.email);
      await other.fill(ID('password-input'), MERCHANT.password);
      await other.click(ID('login-button'));
      await other.waitForURL(`${stack.dashboardUrl}/dashboard/webhooks`);
      await other.locator(ID('webhook-config')).waitFor();
    } finally {
      await other.close();
    }
  });

  test('the amount collected is shown in each currency, not summed as rupees', async () => {
    await go('/dashboard');
    const dollars = await pay(2500, 'success@upi', 'USD');
    await settled(dollars);
    const inr = (await ok('GET', '/payments/stats/currencies')).data.find((c) => c.currency === 'INR');
    await shows(ID('total-amount'), `${formatAmount(inr.total_amount)} + $25.00`);
  });

  // Tests of their own, each in a tab of its own signed in as the test merchant, so that any of them
  // can run alone (--test-name-pattern) as well as after the ones above.

  test('the amount collected is never a sum across currencies when the amounts per currency cannot be read', async () => {
    const p = await signedInPage();
    const currencies = (url) => url.pathname === '/api/v1/payments/stats/currencies';
    const refuse = (status) => (route) =>
      route.fulfill({
        status,
        headers: { 'Retry-After': '1' },
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', description: 'Try again later' } }),
      });
    try {
      await Promise.all([settled(await pay(3000)), settled(await pay(1500, 'success@upi', 'USD'))]);
      // Never read: no figure at all (the total adds paise to cents).
      await p.route(currencies, refuse(503));
      await p.goto(`${stack.dashboardUrl}/dashboard`);
      await eventually(async () => /^\d/.test(await text(ID('total-transactions'), p)), 10_000, 'the totals');
      const stats = await ok('GET', '/payments/stats');
      assert.notEqual(await text(ID('total-amount'), p), formatAmount(stats.total_amount), 'not the sum shown as rupees');
      assert.equal(await text(ID('total-amount'), p), 'Unavailable');
      assert.match(await text(ID('total-amount-note'), p), /amounts per currency could not be loaded/);
      assert.equal(await p.getAttribute(ID('total-amount'), 'aria-describedby'), 'total-amount-note');
      // Read: each currency in its own.
      await p.unroute(currencies);
      const byCurrency = (await ok('GET', '/payments/stats/currencies')).data.filter((c) => c.total_amount > 0);
      const figures = byCurrency.map((c) => formatAmount(c.total_amount, c.currency)).join(' + ');
      assert.match(figures, /\$/);
      await shows(ID('total-amount'), figures, 10_000, p);
      assert.ok(await p.locator(ID('total-amount-note')).isHidden());
      // Then refused (429) while a payment comes in: the figures shown stay, marked as possibly out of date.
      await p.route(currencies, refuse(429));
      const count = await text(ID('total-transactions'), p);
      await settled(await pay(700));
      await eventually(async () => (await text(ID('total-transactions'), p)) !== count, 15_000, 'the new payment counted');
      await shows(ID('total-amount-note'), /possibly out of date/, 10_000, p);
      assert.equal(await text(ID('total-amount'), p), figures);
      assert.equal(await p.getAttribute(ID('total-amount'), 'data-state'), 'stale');
      assert.ok(await p.locator(ID('total-amount')).isVisible(), 'the figure stays in its place');
    } finally {
      await p.close();
    }
  });

  test('signing in again returns to the list with its filters and page, never off the dashboard', async () => {
    const login = async (p) => {
      await p.fill(ID('email-input'), MERCHANT.email);
      await p.fill(ID('password-input'), MERCHANT.password);
      await p.click(ID('login-button'));
    };
    const p = await context.newPage();
    p.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      // Signed out: to the login page and back, the query kept.
      await p.goto(`${stack.dashboardUrl}/dashboard/transactions?status=failed&limit=25`);
      await p.waitForURL(`${stack.dashboardUrl}/login?next=%2Fdashboard%2Ftransactions%3Fstatus%3Dfailed%26limit%3D25`);
      await login(p);
      await p.waitForURL(`${stack.dashboardUrl}/dashboard/transactions?status=failed&limit=25`);
      assert.equal(await p.inputValue(ID('status-filter')), 'failed');
      assert.equal(await p.inputValue(ID('page-size')), '25');
      // The session ended (credentials no longer taken) on a filtered list: the same.
      await p.evaluate(() => {
        const s = JSON.parse(sessionStorage.getItem('paystream.dashboard.session'));
        sessionStorage.setItem('paystream.dashboard.session', JSON.stringify({ ...s, api_secret: 'secret_no_longer_valid' }));
      });
      await p.goto(`${stack.dashboardUrl}/dashboard/transactions?status=success&limit=50`);
      await p.waitForURL(`${stack.dashboardUrl}/login?next=%2Fdashboard%2Ftransactions%3Fstatus%3Dsuccess%26limit%3D50`);
      assert.match(await text(ID('login-message'), p), /session has ended/);
      await login(p);
      await p.waitForURL(`${stack.dashboardUrl}/dashboard/transactions?status=success&limit=50`);
      assert.equal(await p.inputValue(ID('status-filter')), 'success');
      // A next that would leave the dashboard or this origin goes to the overview instead.
      for (const next of ['//evil.example/dashboard', '/dashboard//evil.example', '/dashboard/transactions?x=\\evil', 'https://evil.example/dashboard']) {
        await p.evaluate(() => sessionStorage.clear());
        await p.goto(`${stack.dashboardUrl}/login?next=${encodeURIComponent(next)}`);
        await login(p);
        await p.waitForURL(`${stack.dashboardUrl}/dashboard`);
      }
    } finally {
      await p.close();
    }
  });

  test('a refund above what is left is refused before asking, and the question says "whole" or "all that is left" only when so', async () => {
    const payment = await settled(await pay(50000));
    const p = await signedInPage();
    const posts = [];
    p.on('request', (r) => r.method() === 'POST' && r.url().endsWith(`/payments/${payment.id}/refunds`) && posts.push(r));
    try {
      await p.goto(`${stack.dashboardUrl}/dashboard/transactions/${payment.id}`);
      await p.locator(ID('refund-form')).waitFor();
      await shows(ID('refund-available'), 'Up to ₹500.00 can still be refunded.', 10_000, p);
      const amount = p.locator(ID('refund-amount-input'));
      const refusedBeforeAsking = async (typed, expected) => {
        await amount.fill(typed);
        await p.click(ID('refund-button'));
        await p.locator(ID('refund-amount-error')).waitFor();
        assert.equal(await text(ID('refund-amount-error'), p), expected);
        assert.equal(await amount.getAttribute('aria-invalid'), 'true');
        assert.match(await amount.getAttribute('aria-describedby'), /refund-amount-error/);
        assert.ok(await p.locator(ID('refund-confirm')).isHidden(), 'nothing asked');
        assert.equal(await p.evaluate(() => document.activeElement?.dataset.testId), 'refund-amount-input');
      };
      const asked = async (typed) => {
        await amount.fill(typed);
        assert.equal(await amount.getAttribute('aria-invalid'), null, 'typing clears the error');
        await p.click(ID('refund-button'));
        await p.locator(ID('refund-confirm')).waitFor();
        const question = await text(ID('refund-confirm-message'), p);
        await p.click(ID('refund-cancel-button'));
        await p.locator(ID('refund-confirm')).waitFor({ state: 'hidden' });
        return question;
      };
      await p.check(ID('refund-partial-radio'));
      await refusedBeforeAsking('600', '₹600.00 is more than can still be refunded: at most ₹500.00.');
      assert.equal(await asked('500'), `Refund ₹500.00 of payment ${payment.id}? That is the whole payment. A refund cannot be undone.`);
      assert.equal(await asked('499.99'), `Refund ₹499.99 of payment ${payment.id}? A refund cannot be undone.`);
      // ₹200 refunded elsewhere: ₹300 left.
      await ok('POST', `/payments/${payment.id}/refunds`, { amount: 20000 });
      await shows(ID('refund-available'), 'Up to ₹300.00 can still be refunded.', 10_000, p);
      await refusedBeforeAsking('400', '₹400.00 is more than can still be refunded: at most ₹300.00.');
      await refusedBeforeAsking('500', '₹500.00 is more than can still be refunded: at most ₹300.00.');
      assert.equal(await asked('300'), `Refund ₹300.00 of payment ${payment.id}? That is all that is left of it. A refund cannot be undone.`);
      assert.equal(await asked('100'), `Refund ₹100.00 of payment ${payment.id}? A refund cannot be undone.`);
      assert.deepEqual(posts, [], 'nothing sent');
    } finally {
      await p.close();
    }
  });

  test('at 360 px the refunds and attempts in the payment and delivery dialogs fit without sideways scrolling; a failed "Retry now" is an error', async () => {
    const payment = await settled(await pay(90000));
    await ok('POST', `/payments/${payment.id}/refunds`, { amount: 10000, reason: 'A reason long enough to take some room in a narrow table cell' });
    await ok('POST', `/payments/${payment.id}/refunds`, { amount: 20000 });
    const endpoint = await ok('POST', '/webhook-endpoints', { url: `${stack.receivers.failing.url}/narrow-screen`, events: ['payment.captured'] });
    const p = await signedInPage({ width: 360, height: 740 });
    const fits = (selector) =>
      p.locator(selector).evaluate((dialog) =>
        [dialog, ...dialog.querySelectorAll('.table-wrap, table')].map((el) => ({ what: el.dataset.testId || el.className || el.tagName, scroll: el.scrollWidth, client: el.clientWidth })),
      );
    const assertFits = async (selector) => {
      for (const { what, scroll, client } of await fits(selector)) assert.ok(scroll <= client, `${selector} ${what}: ${scroll} px in ${client} px`);
      assert.ok((await p.evaluate(() => document.documentElement.scrollWidth)) <= 360);
    };
    try {
      await p.goto(`${stack.dashboardUrl}/dashboard/transactions/${payment.id}`);
      await eventually(async () => (await p.locator(ID('refund-row')).count()) === 2, 10_000, 'the two refunds');
      await assertFits(ID('payment-detail'));
      await p.screenshot({ path: `${SCREENSHOTS}payment-refunds-360.png` });
      await p.keyboard.press('Escape');

      const answer = await ok('POST', `/webhook-endpoints/${endpoint.id}/test`, {});
      const deliveryId = answer.delivery_id || answer.id;
      await eventually(async () => (await ok('GET', `/webhooks/${deliveryId}`)).attempt_history.length >= 1, 15_000, 'a failed attempt');
      await p.goto(`${stack.dashboardUrl}/dashboard/webhooks`);
      const item = p.locator(`${ID('webhook-logs-table')} ${ID('webhook-log-item')}[data-webhook-id="${deliveryId}"]`);
      await item.waitFor({ timeout: 10_000 });
      await item.locator(ID('webhook-details-button')).click();
      await p.locator(ID('attempt-row')).first().waitFor();
      await p.locator(`${ID('attempt-detail')} summary`).first().click(); // the answer opened in full
      await assertFits(ID('webhook-detail'));
      await p.screenshot({ path: `${SCREENSHOTS}webhook-attempts-360.png` });

      // "Retry now" refused: said as an error, as the other forms say theirs.
      const retry = `**/api/v1/webhooks/${deliveryId}/retry`;
      await p.route(retry, (route) =>
        route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'CONFLICT_ERROR', description: 'A retry of this delivery is already running' } }) }),
      );
      await p.click(ID('detail-retry-button'));
      const note = p.locator(ID('detail-retry-message'));
      await shows(ID('detail-retry-message'), 'A retry of this delivery is already running', 10_000, p);
      assert.equal(await note.getAttribute('role'), 'alert');
      assert.match(await note.getAttribute('class'), /\berror\b/);
      await p.unroute(retry);
    } finally {
      await ok('DELETE', `/webhook-endpoints/${endpoint.id}`);
      await p.close();
    }
  });

  test('at 320 px the menu shows every link, wrapping rather than scrolling sideways', async () => {
    const p = await signedInPage({ width: 320, height: 640 });
    try {
      await p.goto(`${stack.dashboardUrl}/dashboard/webhooks`);
      await p.locator(ID('webhook-config')).waitFor();
      const nav = await p.locator('nav[aria-label="Main"]').evaluate((n) => ({
        scroll: n.scrollWidth,
        client: n.clientWidth,
        links: [...n.querySelectorAll('a')].map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.textContent, left: r.left, right: r.right, visible: r.width > 0 };
        }),
      }));
      assert.ok(nav.scroll <= nav.client, `the menu is ${nav.scroll} px in ${nav.client} px`);
      assert.deepEqual(nav.links.map((l) => l.text), ['Overview', 'Transactions', 'Webhooks', 'Docs']);
      for (const l of nav.links) assert.ok(l.visible && l.left >= 0 && l.right <= 320, `${l.text} is in view (${l.left}–${l.right} px)`);
      assert.ok((await p.evaluate(() => document.documentElement.scrollWidth)) <= 320);
      await p.screenshot({ path: `${SCREENSHOTS}webhooks-320.png` });
      await p.click(ID('nav-docs'));
      await p.locator(ID('api-docs')).waitFor();
    } finally {
      await p.close();
    }
  });

  test('"Rotate secret" says first what rotating does, and one press rotates, with no dialog to answer', async () => {
    const p = await signedInPage();
    const rotations = [];
    const dialogs = [];
    p.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/webhook-secret/rotate') && rotations.push(r));
    p.on('dialog', (d) => (dialogs.push(d.type()), d.dismiss()));
    try {
      await p.goto(`${stack.dashboardUrl}/dashboard/webhooks`);
      await eventually(async () => (await text(ID('webhook-secret'), p)).startsWith('whsec_'), 10_000, 'the secret');
      const before = await text(ID('webhook-secret'), p);
      const hint = p.locator(ID('webhook-secret-hint'));
      assert.ok(await hint.isVisible(), 'what rotating does is on the page before the press');
      assert.match(await hint.textContent(), /X-Webhook-Signature is made with the new secret from then on/);
      assert.match(await hint.textContent(), /webhook-signature keeps carrying a signature made with the old secret for 24 hours/);
      assert.equal(await p.getAttribute(ID('regenerate-secret-button'), 'aria-describedby'), 'webhook-secret-hint');
      await p.click(ID('regenerate-secret-button'));
      await eventually(async () => (await text(ID('webhook-secret'), p)) !== before, 10_000, 'a new secret');
      assert.deepEqual(dialogs, [], 'no dialog');
      assert.equal(rotations.length, 1);
      assert.equal((await ok('GET', '/webhook-secret')).secret, await text(ID('webhook-secret'), p));
    } finally {
      await p.close();
    }
  });

  test('a list address with values it ignores or rounds is rewritten to what it shows', async () => {
    // More than one page of ten, so that ?offset=15 names a page that exists.
    const have = (await ok('GET', '/payments')).total;
    await Promise.all(Array.from({ length: Math.max(0, 12 - have) }, (_, i) => pay(1100 + i)));
    const p = await signedInPage();
    try {
      for (const [asked, shown] of [
        ['?limit=7&offset=-5&status=bogus', ''],
        ['?limit=50&offset=30', '?limit=50'],
        ['?offset=15&limit=10', '?offset=10'],
        ['?status=success&limit=25&utm=x', '?status=success&limit=25'],
      ]) {
        await p.goto(`${stack.dashboardUrl}/dashboard/transactions${asked}`);
        await p.locator(`${ID('transaction-row')}, ${ID('empty-state')}`).first().waitFor();
        await p.waitForURL((u) => u.pathname === '/dashboard/transactions' && u.search === shown, { timeout: 5_000 });
      }
      assert.equal(await p.inputValue(ID('page-size')), '25');
      assert.equal(await p.inputValue(ID('status-filter')), 'success');
    } finally {
      await p.close();
    }
  });

  test('a payment opened by its address: closing it leaves the list\'s address and puts the focus on its row', async () => {
    const payment = await settled(await pay(4400));
    const p = await signedInPage();
    try {
      // No such payment: closed, the address is the list's.
      await p.goto(`${stack.dashboardUrl}/dashboard/transactions/foo_bar?status=success`);
      await p.locator(ID('payment-detail')).getByText('There is no payment with this id').waitFor();
      await p.click(ID('close-dialog-button'));
      await p.waitForURL((u) => u.pathname === '/dashboard/transactions' && u.search === '?status=success', { timeout: 5_000 });
      assert.equal(await p.evaluate(() => document.activeElement?.tagName), 'H1', 'the focus on the page heading, not lost');

      // Opened by link (or a reload), closed with Escape: the focus goes to its row.
      await p.goto(`${stack.dashboardUrl}/dashboard/transactions/${payment.id}`);
      await p.locator(ID('refund-form')).waitFor();
      await p.locator(`${ID('transaction-row')}[data-payment-id="${payment.id}"]`).waitFor();
      await p.keyboard.press('Escape');
      await p.locator(ID('payment-detail')).waitFor({ state: 'detached' });
      await p.waitForURL((u) => u.pathname === '/dashboard/transactions');
      assert.equal(await p.evaluate(() => document.activeElement?.closest('tr')?.dataset.paymentId), payment.id);
    } finally {
      await p.close();
    }
  });

  test('a webhook URL the service refuses is marked invalid; a secret that cannot be refreshed says so in sentences', async () => {
    const p = await signedInPage();
    const endpoints = '**/api/v1/webhook-endpoints';
    const secret = '**/api/v1/webhook-secret';
    try {
      await p.goto(`${stack.dashboardUrl}/dashboard/webhooks`);
      await eventually(async () => (await text(ID('webhook-secret'), p)).startsWith('whsec_'), 10_000, 'the secret');
      await p.locator(`${ID('webhook-endpoints')}[data-signature]`).waitFor({ state: 'attached' }); // the endpoints loaded
      await p.route(endpoints, (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'BAD_REQUEST_ERROR', description: 'url must not point at this service', field: 'url' } }) })
          : route.continue(),
      );
      if (await p.locator(ID('new-endpoint-button')).isVisible()) await p.click(ID('new-endpoint-button'));
      await p.fill(ID('webhook-url-input'), 'https://refused.example/hooks');
      await p.click(ID('save-webhook-button'));
      await shows(ID('webhook-config-message'), 'url must not point at this service', 10_000, p);
      assert.equal(await p.getAttribute(ID('webhook-url-input'), 'aria-invalid'), 'true');
      assert.equal(await p.evaluate(() => document.activeElement?.dataset.testId), 'webhook-url-input');
      await p.unroute(endpoints);

      // The secret's refresh refused with a description without a full stop: two sentences still.
      await p.route(secret, (route) =>
        route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', description: 'Webhooks are resting; try again shortly' } }) }),
      );
      await p.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))); // look again now
      await shows(ID('webhook-secret-message'), /could not be refreshed/, 15_000, p);
      assert.equal(await text(ID('webhook-secret-message'), p), 'The secret could not be refreshed: Webhooks are resting; try again shortly. The one shown may be out of date.');
    } finally {
      await p.unroute(endpoints).catch(() => {});
      await p.unroute(secret).catch(() => {});
      await p.close();
    }
  });

  test('the session belongs to this tab, and signing out ends it', async () => {
    const other = await context.newPage();
    await other.goto(`${stack.dashboardUrl}/dashboard`);
    await other.waitForURL(/\/login\?next=%2Fdashboard$/);
    await other.close();

    await go('/dashboard');
    await page.click(ID('logout-button'));
    await page.waitForURL(`${stack.dashboardUrl}/login`);
    assert.match(await text(ID('login-message')), /signed out/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await go('/dashboard/transactions');
    await page.waitForURL(/\/login\?next=%2Fdashboard%2Ftransactions$/);
    assert.deepEqual(pageErrors, [], 'no script errors on any page');
    assert.deepEqual(policyViolations, [], 'nothing the content security policy had to block');
  });
});
