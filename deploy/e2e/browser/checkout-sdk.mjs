// A merchant page embeds the checkout with checkout.js (modal + iframe + postMessage), as on a real
// shop: the page is on an origin of its own, so the SDK's origin checks, the page's messages to its
// parent's origin and the SDK's confirmation (CORS through the checkout app's proxy) all cross
// origins. The page is served here, on a port of its own, cross-origin isolated (COOP + COEP);
// everything else is the stack's. Env:
// CHECKOUT_URL, ORDER_ID, VPA.
import { createServer } from 'node:http';
import { env, run, tid } from './browser.mjs';

function shopPage(checkout, orderId) {
  const options = `{ key: 'key_test_abc123', orderId: ${JSON.stringify(orderId)},
      onSuccess: (data) => events.push({ name: 'onSuccess', data }),
      onFailure: (data) => events.push({ name: 'onFailure', data }),
      onClose: () => events.push({ name: 'onClose' }) }`;
  return `<!doctype html><html><head><title>Shop</title>
<script src="${checkout}/checkout.js"></script></head>
<body><button id="open-checkout">Pay</button>
<script>
  const events = (window.shopEvents = []);
  document.getElementById('open-checkout').onclick = () => new PaymentGateway(${options}).open();
</script></body></html>`;
}

const html = shopPage(env('CHECKOUT_URL'), env('ORDER_ID'));
// Cross-origin isolated, as a shop using SharedArrayBuffer is: it can frame only pages that allow it.
const shop = createServer((req, res) =>
  res
    .writeHead(200, {
      'Content-Type': 'text/html',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    })
    .end(html),
);
await new Promise((resolve) => shop.listen(0, '127.0.0.1', resolve));
const SHOP = `http://127.0.0.1:${shop.address().port}`;

await run('checkout-embedded', async (page) => {
  const asked = [];
  page.on('request', (request) => asked.push(request.url()));
  await page.goto(`${SHOP}/`);
  await page.click('#open-checkout');
  await page.locator(tid('payment-modal')).waitFor();
  const frame = page.frameLocator(tid('payment-iframe'));
  await frame.locator(tid('method-upi')).click();
  await frame.locator(tid('vpa-input')).fill(env('VPA'));
  // A success that the shop's own window claims is not the checkout's word: the SDK does not even
  // look it up.
  await page.evaluate(() => window.postMessage({ type: 'payment_success', data: { paymentId: 'pay_forged0000000000' } }, '*'));
  await frame.locator(tid('pay-button')).click();
  await page.waitForFunction(() => window.shopEvents.some((e) => e.name === 'onSuccess'), null, { timeout: 60_000 });
  const events = await page.evaluate(() => window.shopEvents);
  const modalGone = (await page.locator(tid('payment-modal')).count()) === 0;
  return {
    paymentId: events.find((e) => e.name === 'onSuccess').data.paymentId,
    events: events.map((e) => e.name),
    modalGone,
    forgedLookedUp: asked.some((url) => url.includes('pay_forged')),
    shopOrigin: await page.evaluate(() => location.origin),
    shopIsolated: await page.evaluate(() => window.crossOriginIsolated),
    checkoutOrigin: new URL(env('CHECKOUT_URL')).origin,
  };
});
shop.close();
