// A shopper pays an order on the hosted checkout page (standalone), served by the checkout
// origin's nginx, which forwards /api to the services. Env: CHECKOUT_URL, ORDER_ID, VPA.
import { env, run, tid } from './browser.mjs';

await run('checkout-standalone', async (page) => {
  await page.goto(`${env('CHECKOUT_URL')}/checkout?order_id=${env('ORDER_ID')}`);
  // The summary shows a placeholder until the order has loaded: wait for the amount itself.
  await page.locator(tid('order-amount'), { hasText: /\d/ }).waitFor();
  const amount = (await page.locator(tid('order-amount')).textContent()).trim();
  const orderId = (await page.locator(tid('order-id')).textContent()).trim();
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), env('VPA'));
  await page.click(tid('pay-button'));
  await page.locator(tid('success-state')).waitFor({ state: 'visible', timeout: 60_000 });
  const paymentId = (await page.locator(tid('payment-id')).textContent()).trim();
  return { amount, orderId, paymentId };
});
