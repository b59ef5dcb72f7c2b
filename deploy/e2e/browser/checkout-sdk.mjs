// A merchant page embeds the checkout with checkout.js (modal + iframe + postMessage): the demo
// shop on the checkout origin opens it for an order made with the API. Env: CHECKOUT_URL,
// ORDER_ID, VPA.
import { env, run, tid } from './browser.mjs';

await run('checkout-embedded', async (page) => {
  await page.goto(`${env('CHECKOUT_URL')}/?order_id=${env('ORDER_ID')}&key=key_test_abc123`);
  await page.click('#open-checkout');
  await page.locator(tid('payment-modal')).waitFor();
  const frame = page.frameLocator(tid('payment-iframe'));
  await frame.locator(tid('method-upi')).click();
  await frame.locator(tid('vpa-input')).fill(env('VPA'));
  await frame.locator(tid('pay-button')).click();
  await page.waitForFunction(() => window.demoEvents.some((e) => e.name === 'onSuccess'), null, { timeout: 60_000 });
  const events = await page.evaluate(() => window.demoEvents);
  const modalGone = (await page.locator(tid('payment-modal')).count()) === 0;
  return { paymentId: events.find((e) => e.name === 'onSuccess').data.paymentId, modalGone };
});
