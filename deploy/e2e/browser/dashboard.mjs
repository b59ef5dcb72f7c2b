// The merchant logs in to the dashboard (served by nginx, /api forwarded to the services) and
// sees real numbers and a payment made a moment ago. Env: DASHBOARD_URL, PAYMENT_ID.
import { env, run, tid } from './browser.mjs';

const text = async (page, id) => (await page.locator(tid(id)).first().textContent()).trim();

await run('dashboard', async (page) => {
  await page.goto(`${env('DASHBOARD_URL')}/login`);
  await page.fill(tid('email-input'), 'test@example.com');
  await page.fill(tid('password-input'), 'password');
  await page.click(tid('login-button'));
  await page.locator(tid('dashboard')).waitFor();
  await page.waitForFunction(
    (sel) => /\d/.test(document.querySelector(sel)?.textContent || ''),
    tid('total-transactions'),
    { timeout: 30_000 },
  );
  const home = {
    apiKey: await text(page, 'api-key'),
    totalTransactions: await text(page, 'total-transactions'),
    totalAmount: await text(page, 'total-amount'),
    successRate: await text(page, 'success-rate'),
  };
  await page.goto(`${env('DASHBOARD_URL')}/dashboard/transactions`);
  const row = page.locator(`${tid('transaction-row')}[data-payment-id="${env('PAYMENT_ID')}"]`);
  await row.waitFor({ timeout: 30_000 });
  const status = (await row.locator(tid('status')).textContent()).trim();
  return { ...home, paymentStatus: status };
});
