// Browser tests: Debian's Chromium against the real payments-service, the checkout origin and a
// merchant page on another origin (see harness.mjs). Each state is also saved as a screenshot in
// target/screenshots/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KEY, SCREENSHOTS, eventually, merchantApi, startStack } from './harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

const tid = (id) => `[data-test-id="${id}"]`;
const FUTURE_EXPIRY = `12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`;

async function newOrder(amount = 50000) {
  const { status, body } = await merchantApi(stack.apiUrl, 'POST', '/orders', { amount, receipt: 'browser-test' });
  assert.equal(status, 201);
  return body.id;
}

const merchantPayment = async (id) => (await merchantApi(stack.apiUrl, 'GET', `/payments/${id}`)).body;

// A payment made outside the page, through the public endpoint, waited for until it is final.
async function paidElsewhere(orderId, vpa) {
  const res = await fetch(`${stack.apiUrl}/api/v1/payments/public`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ order_id: orderId, method: 'upi', vpa }),
  });
  assert.equal(res.status, 201);
  const { id } = await res.json();
  await eventually(async () => (await merchantPayment(id)).status !== 'pending', 10_000, `payment ${id} to finish`);
  return id;
}

async function newPage(options = {}) {
  const context = await stack.browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

const shot = (page, name) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
const events = (page) => page.evaluate(() => window.demoEvents);
const named = async (page, name) => (await events(page)).filter((e) => e.name === name);
// Resolves with the callbacks of that name once there is at least one.
const callbacks = (page, name) =>
  eventually(async () => {
    const found = await named(page, name);
    return found.length > 0 && found;
  }, 15_000, name);

// The merchant page (another origin) opens the checkout for an order; resolves once the page is ready.
async function openModal(page, orderId) {
  await page.goto(`${stack.merchantUrl}/demo.html?order_id=${orderId}`);
  await page.click('#open-checkout');
  await page.locator(tid('payment-modal')).waitFor();
  const frame = page.frameLocator(tid('payment-iframe'));
  await frame.locator(tid('payment-methods')).waitFor();
  return frame;
}

async function payUpi(frame, vpa) {
  await frame.locator(tid('method-upi')).click();
  await frame.locator(tid('vpa-input')).fill(vpa);
  await frame.locator(tid('pay-button')).click();
}

async function fillCard(frame, number, expiry = FUTURE_EXPIRY, cvv = '123') {
  await frame.locator(tid('method-card')).click();
  await frame.locator(tid('card-number-input')).fill(number);
  await frame.locator(tid('expiry-input')).fill(expiry);
  await frame.locator(tid('cvv-input')).fill(cvv);
  await frame.locator(tid('cardholder-name-input')).fill('Asha Rao');
}

test('checkout.js is served to any origin, stays under 4 KB and defines PaymentGateway once when included twice', async () => {
  const res = await fetch(`${stack.checkoutUrl}/checkout.js`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.ok((await res.arrayBuffer()).byteLength <= 4096);

  const { context, page, problems } = await newPage();
  await page.goto(`${stack.merchantUrl}/demo.html`);
  const first = await page.evaluate(() => window.PaymentGateway.toString());
  await page.addScriptTag({ url: `${stack.checkoutUrl}/checkout.js` });
  assert.equal(await page.evaluate(() => window.PaymentGateway.toString()), first);
  const orderId = await newOrder();
  await page.evaluate(([orderId, key]) => {
    const gateway = new window.PaymentGateway({ key, orderId });
    gateway.open();
    gateway.open();
  }, [orderId, KEY]);
  assert.equal(await page.locator('#payment-gateway-modal').count(), 1);
  await assert.rejects(page.evaluate(() => new window.PaymentGateway({})), /a key, an orderId/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('PaymentGateway called without new, or given a host that is no http(s) URL, throws and changes nothing', async () => {
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.merchantUrl}/demo.html`);
  const results = await page.evaluate((key) => {
    const [open, close] = [window.open, window.close];
    const attempt = (make) => {
      try {
        make();
        return 'made';
      } catch (e) {
        return `${e.name}: ${e.message}`;
      }
    };
    const results = [
      attempt(() => window.PaymentGateway({ key, orderId: 'order_1' })),
      ...['javascript:alert(1)', 'localhost:3001', 'ftp://checkout.example'].map((host) =>
        attempt(() => new window.PaymentGateway({ key, orderId: 'order_1', host })),
      ),
      attempt(() => new window.PaymentGateway({ key, orderId: 'order_1', host: 'https://checkout.example' })),
    ];
    return { results, untouched: window.open === open && window.close === close };
  }, KEY);
  assert.match(results.results[0], /^TypeError/, 'a call without new');
  for (const r of results.results.slice(1, 4)) assert.match(r, /^TypeError: .*http\(s\) host/);
  assert.equal(results.results[4], 'made');
  assert.ok(results.untouched, "the page's window.open and window.close are its own");
  assert.equal(await page.locator('#payment-gateway-modal').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a second PaymentGateway opened while another is open closes the first, with its onClose', async () => {
  const [first, second] = [await newOrder(), await newOrder()];
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.merchantUrl}/demo.html`);
  await page.evaluate(([first, second, key]) => {
    window.closedOrders = [];
    const gateway = (orderId) => new window.PaymentGateway({ key, orderId, onClose: () => window.closedOrders.push(orderId) });
    window.gateways = [gateway(first), gateway(second)];
    window.gateways[0].open();
    window.gateways[1].open();
  }, [first, second, KEY]);
  assert.deepEqual(await page.evaluate(() => window.closedOrders), [first]);
  const modal = page.locator('#payment-gateway-modal');
  assert.equal(await modal.count(), 1);
  assert.equal(new URL(await modal.locator(tid('payment-iframe')).getAttribute('src')).searchParams.get('order_id'), second);
  // Focus moves in and stays in the one modal: nothing pulls it back and forth.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.getElementById('payment-gateway-modal').contains(document.activeElement)));
  await page.evaluate(() => window.gateways[0].close());
  assert.equal(await modal.count(), 1, "closing the instance already closed leaves the other's modal alone");
  await page.evaluate(() => window.gateways[1].close());
  assert.equal(await modal.count(), 0);
  assert.deepEqual(await page.evaluate(() => window.closedOrders), [first, second]);
  assert.equal(await page.evaluate(() => document.documentElement.style.overflow), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an open() that throws (called before the page has a body) leaves its instance able to open, and others too', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage();
  await page.goto(`${stack.merchantUrl}/demo.html?order_id=${orderId}`);
  const threw = await page.evaluate(({ key, orderId }) => {
    window.closings = [];
    const body = document.body;
    body.remove();
    let threw = false;
    window.early = new PaymentGateway({ key, orderId, onClose: () => window.closings.push('early') });
    try {
      window.early.open();
    } catch {
      threw = true;
    }
    document.documentElement.appendChild(body);
    return threw;
  }, { key: KEY, orderId });
  assert.ok(threw, 'open() without a body throws');
  // Another instance opens: the one that threw never showed a modal, so it has none to close.
  await page.evaluate(({ key, orderId }) => {
    window.other = new PaymentGateway({ key, orderId, onClose: () => window.closings.push('other') });
    window.other.open();
  }, { key: KEY, orderId });
  await page.frameLocator(tid('payment-iframe')).locator(tid('payment-methods')).waitFor();
  assert.equal(await page.locator('#payment-gateway-modal').count(), 1);
  assert.deepEqual(await page.evaluate(() => window.closings), []);
  // The instance that threw opens now, in place of the other one.
  await page.evaluate(() => window.early.open());
  await page.frameLocator(tid('payment-iframe')).locator(tid('payment-methods')).waitFor();
  assert.equal(await page.locator('#payment-gateway-modal').count(), 1);
  assert.deepEqual(await page.evaluate(() => window.closings), ['other']);
  await page.evaluate(() => window.early.close());
  assert.equal(await page.locator('#payment-gateway-modal').count(), 0);
  assert.deepEqual(await page.evaluate(() => window.closings), ['other', 'early']);
  await context.close();
});

test("a modal's onClose that opens a checkout while another PaymentGateway opens: one modal, the one just opened", async () => {
  const orders = [await newOrder(), await newOrder(), await newOrder()];
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.merchantUrl}/demo.html`);
  const modal = page.locator('#payment-gateway-modal');
  const shownOrder = async () => new URL(await modal.locator(tid('payment-iframe')).getAttribute('src')).searchParams.get('order_id');
  // The first modal's onClose opens (once) itself, the instance being opened, or a third one.
  for (const reopened of [0, 1, 2]) {
    await page.evaluate(([orders, key, reopened]) => {
      window.closedOrders = [];
      let again = true;
      window.gateways = orders.map(
        (orderId, i) =>
          new window.PaymentGateway({
            key,
            orderId,
            onClose: () => {
              window.closedOrders.push(orderId);
              if (i === 0 && again) {
                again = false;
                window.gateways[reopened].open();
              }
            },
          }),
      );
      window.gateways[0].open();
      window.gateways[1].open();
    }, [orders, KEY, reopened]);
    assert.equal(await modal.count(), 1, `onClose opening gateway ${reopened}: one modal`);
    assert.equal(await shownOrder(), orders[1], `onClose opening gateway ${reopened}: the modal of the open() called`);
    assert.deepEqual(await page.evaluate(() => window.closedOrders), [orders[0]]);
    // Nothing is left blocked: the next open() replaces it as usual.
    await page.evaluate(() => window.gateways[2].open());
    assert.equal(await modal.count(), 1);
    assert.equal(await shownOrder(), orders[2]);
    assert.deepEqual(await page.evaluate(() => window.closedOrders), [orders[0], orders[1]]);
    await page.evaluate(() => window.gateways[2].close());
    assert.equal(await modal.count(), 0);
    assert.equal(await page.evaluate(() => document.documentElement.style.cssText + document.body.style.cssText), '');
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("a merchant page scrolled by its body: the modal neither moves it nor lets it scroll, and never touches the page's own inline overflow", async () => {
  // The page's scroller is the body: html clips and body scrolls itself (the first two), or body's
  // overflow is the viewport's, which scrolls (the third: `locked`, the element whose overflow
  // holds the page, is not the one scrolled). The last scrolls by html as most pages do, and locks
  // itself while the modal is open (its own drawer, say): that lock is its own to release.
  const merchantPages = [
    { css: 'html{overflow:hidden;height:100%} body{overflow:auto;height:100%}', scroller: 'body' },
    { css: 'html,body{height:100%}', html: 'overflow: hidden;', body: 'overflow-y: auto;', scroller: 'body' },
    { css: 'html{height:100%} body{height:100%;overflow:auto}', scroller: 'html', locked: 'body' },
    { css: '', scroller: 'html', ownLock: 'overflow: clip;' },
  ];
  for (const { css, html = null, body = null, scroller, locked = scroller, ownLock = null } of merchantPages) {
    const orderId = await newOrder();
    const { context, page, problems } = await newPage({ viewport: { width: 1000, height: 600 } });
    await page.goto(`${stack.merchantUrl}/demo.html?order_id=${orderId}`);
    await page.addStyleTag({ content: `${css} main{padding-bottom:3000px}` });
    await page.evaluate(([html, body]) => {
      if (html) document.documentElement.setAttribute('style', html);
      if (body) document.body.setAttribute('style', body);
      window.wheels = 0;
      addEventListener('wheel', () => window.wheels++, { capture: true, passive: true });
    }, [html, body]);
    const inline = () => page.evaluate(() => [document.documentElement.style.cssText, document.body.style.cssText]);
    const ownStyles = await inline();
    // Where the merchant's content is on screen, and how far each element is scrolled.
    const place = () =>
      page.evaluate(() => ({
        top: document.querySelector('main').getBoundingClientRect().top,
        body: document.body.scrollTop,
        html: document.documentElement.scrollTop,
      }));
    // Two wheel turns at (x, y), resolved once the page has had them and painted twice since.
    const wheel = async (x, y) => {
      const before = await page.evaluate(() => window.wheels);
      await page.mouse.move(x, y);
      await page.mouse.wheel(0, 400);
      await page.mouse.wheel(0, 400);
      await eventually(async () => (await page.evaluate(() => window.wheels)) >= before + 2, 5_000, 'the wheel events');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    };
    await wheel(500, 300);
    const scrolled = await eventually(async () => {
      const now = await place();
      return now.top < -300 && now;
    }, 5_000, `${css}: the page scrolled by the wheel`);
    assert.ok(scrolled[scroller] > 300, `${css}: ${scroller} is the scroller`);
    await page.evaluate(() => document.getElementById('open-checkout').click());
    await page.frameLocator(tid('payment-iframe')).locator(tid('payment-methods')).waitFor();
    assert.deepEqual(await place(), scrolled, `${css}: opening the modal does not move the page`);
    const overflowOf = (name) => page.evaluate((name) => getComputedStyle(document.querySelector(name)).overflowY, name);
    assert.equal(await overflowOf(locked), 'hidden', `${css}: ${locked} locked`);
    assert.deepEqual(await inline(), ownStyles, `${css}: the page's inline styles untouched while open`);

    await wheel(10, 10); // the overlay, beside the dialog
    assert.deepEqual(await place(), scrolled, `${css}: the wheel over the overlay scrolls nothing`);

    if (ownLock) await page.evaluate((lock) => document.documentElement.setAttribute('style', lock), ownLock);
    await page.click(tid('close-modal-button'));
    await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
    assert.deepEqual(await inline(), ownLock ? [ownLock, ''] : ownStyles, `${css}: the page's own inline styles, exactly`);
    assert.deepEqual(await place(), scrolled, `${css}: the page where it was`);
    if (!ownLock) {
      await wheel(500, 300);
      await eventually(async () => (await place()).top < scrolled.top, 5_000, `${css}: the page scrolls again once closed`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('open() shows the modal, iframe and close button of API.md, moves focus into it, and the order summary', async () => {
  const orderId = await newOrder(123456);
  const { context, page, problems } = await newPage();
  const frame = await openModal(page, orderId);
  const modal = page.locator('#payment-gateway-modal');
  assert.equal(await modal.getAttribute('data-test-id'), 'payment-modal');
  assert.equal(await modal.locator(tid('close-modal-button')).count(), 1);
  const src = new URL(await modal.locator(tid('payment-iframe')).getAttribute('src'));
  assert.equal(src.origin, stack.checkoutUrl);
  assert.equal(src.pathname, '/checkout');
  assert.equal(src.searchParams.get('order_id'), orderId);
  assert.equal(src.searchParams.get('key'), KEY);
  assert.equal(src.searchParams.get('embedded'), 'true');
  assert.equal(src.searchParams.get('parent_origin'), stack.merchantUrl);
  assert.ok(await page.evaluate(() => document.getElementById('payment-gateway-modal').contains(document.activeElement)));

  assert.equal(await frame.locator(tid('order-amount')).textContent(), '₹1,234.56');
  assert.equal(await frame.locator(tid('order-id')).textContent(), orderId);
  assert.match(await frame.locator(tid('order-summary')).textContent(), /Test Merchant/);
  await shot(page, '01-modal-open');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a merchant page whose Content-Security-Policy allows no inline style still gets the styled modal', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.addInitScript(() => {
    window.policyViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.policyViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  // The demo shop served with `style-src 'self'; script-src 'self' <checkout origin>`.
  const answer = await page.goto(`${stack.strictMerchantUrl}/demo.html?order_id=${orderId}`);
  assert.match(answer.headers()['content-security-policy'], /^style-src 'self'; script-src 'self' http/);
  await page.click('#open-checkout');
  await page.locator(tid('payment-modal')).waitFor({ state: 'attached' });
  await page.frameLocator(tid('payment-iframe')).locator(tid('payment-methods')).waitFor();

  const layout = await page.evaluate(() => {
    const modal = document.getElementById('payment-gateway-modal');
    const [overlay, dialog] = modal.children;
    const rect = modal.getBoundingClientRect();
    return {
      modal: getComputedStyle(modal).position,
      covers: rect.left === 0 && rect.top === 0 && rect.width === innerWidth && rect.height === innerHeight,
      overlay: getComputedStyle(overlay).position,
      backdrop: getComputedStyle(overlay).backgroundColor,
      dialog: getComputedStyle(dialog).position,
      button: getComputedStyle(modal.querySelector('button')).position,
    };
  });
  assert.deepEqual(layout, {
    modal: 'fixed',
    covers: true,
    overlay: 'absolute',
    backdrop: 'rgba(15, 23, 42, 0.6)',
    dialog: 'relative',
    button: 'absolute',
  });
  assert.deepEqual(await page.evaluate(() => window.policyViolations), [], 'nothing the policy had to block');
  // The policy is in force: an inline <style> on the same page is blocked.
  const blocked = await page.evaluate(
    () =>
      new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
        document.head.appendChild(document.createElement('style')).textContent = 'body{color:red}';
      }),
  );
  assert.match(blocked, /^style-src/);

  await page.click(tid('close-modal-button'));
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onClose']);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a merchant's CSS for buttons and frames does not reach the modal: the close button keeps its size and place", async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.merchantUrl}/demo.html?order_id=${orderId}`);
  await page.addStyleTag({
    content:
      'button{padding:12px 24px;min-width:120px;margin:16px;text-transform:uppercase;line-height:3;box-sizing:content-box}' +
      'div,iframe{padding:20px;border:3px solid red;box-sizing:content-box}',
  });
  await page.click('#open-checkout');
  await page.frameLocator(tid('payment-iframe')).locator(tid('payment-methods')).waitFor();
  const layout = await page.evaluate(() => {
    // The size and place the SDK gives its close button, as the browser read its stylesheet.
    const rules = [...document.adoptedStyleSheets, ...document.styleSheets].flatMap((s) => [...s.cssRules]);
    const { style } = rules.find((r) => r.selectorText === '#payment-gateway-modal button');
    const modal = document.getElementById('payment-gateway-modal');
    const box = (el) => el.getBoundingClientRect().toJSON();
    const button = modal.querySelector('button');
    return {
      intended: { width: style.width, height: style.height, top: style.top, right: style.right },
      button: box(button),
      dialog: box(modal.querySelector('[role=dialog]')),
      frame: box(modal.querySelector('iframe')),
      textTransform: getComputedStyle(button).textTransform,
    };
  });
  const { intended, button, dialog, frame } = layout;
  assert.deepEqual(intended, { width: '40px', height: '40px', top: '8px', right: '8px' });
  assert.deepEqual(
    { width: `${button.width}px`, height: `${button.height}px`, top: `${button.top - dialog.top}px`, right: `${dialog.right - button.right}px` },
    intended,
    'the close button as the SDK styles it',
  );
  assert.equal(layout.textTransform, 'none');
  assert.deepEqual(frame, dialog, 'the checkout fills the dialog');
  await shot(page, '12-merchant-css');
  await page.click(tid('close-modal-button'));
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
  await context.close();
});

test('UPI success in the modal: processing state, confirmed onSuccess, then the modal closes', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  const frame = await openModal(page, orderId);
  await frame.locator(tid('method-upi')).click();
  await frame.locator(tid('vpa-input')).fill('success@okaxis');
  await shot(page, '02-upi-form');
  await frame.locator(tid('pay-button')).click();
  await frame.locator(tid('processing-state')).waitFor();
  assert.equal(await frame.locator(tid('processing-message')).textContent(), 'Processing your payment…');
  await shot(page, '03-processing');

  const [success] = await callbacks(page, 'onSuccess');
  assert.match(success.data.paymentId, /^pay_[A-Za-z0-9]{16}$/);
  const payment = await merchantPayment(success.data.paymentId);
  assert.equal(payment.status, 'success');
  assert.equal(payment.order_id, orderId);
  assert.equal(payment.vpa, 'success@okaxis');
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onSuccess', 'onClose']);
  assert.equal(await page.evaluate(() => document.documentElement.style.overflow), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a cross-origin isolated merchant page (COOP + COEP) embeds the checkout and gets onSuccess', async () => {
  for (const [coep, merchantUrl] of Object.entries(stack.isolatedMerchantUrls)) {
    const orderId = await newOrder();
    const { context, page, problems } = await newPage();
    await page.goto(`${merchantUrl}/demo.html?order_id=${orderId}`);
    assert.equal(await page.evaluate(() => window.crossOriginIsolated), true, `${coep}: the page is isolated`);
    await page.click('#open-checkout');
    const frame = page.frameLocator(tid('payment-iframe'));
    await frame.locator(tid('payment-methods')).waitFor({ timeout: 10_000 });
    await payUpi(frame, 'success@okaxis');
    const [success] = await callbacks(page, 'onSuccess');
    assert.equal((await merchantPayment(success.data.paymentId)).status, 'success', coep);
    await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
    assert.deepEqual((await events(page)).map((e) => e.name), ['onSuccess', 'onClose'], coep);
    assert.deepEqual(problems, [], coep);
    await context.close();
  }
});

// Pays in the modal while the SDK's own confirmation (from the merchant page, not the checkout
// frame) meets `answers` in turn ('refused': no connection; a number: that status), then the API;
// onSuccess must still come, within `ms`, followed by onClose.
async function confirmedDespite(answers, ms, meanwhile = async () => {}) {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  const met = [];
  await page.route('**/api/v1/payments/*/public', (route) => {
    if (route.request().frame() !== page.mainFrame() || met.length === answers.length) return route.continue();
    const answer = answers[met.length];
    met.push(answer);
    if (answer === 'refused') return route.abort('connectionrefused');
    return route.fulfill({
      status: answer,
      headers: { 'Access-Control-Allow-Origin': '*' },
      contentType: 'application/json',
      body: '{"error":{"code":"SERVICE_UNAVAILABLE","description":"busy"}}',
    });
  });
  const frame = await openModal(page, orderId);
  await meanwhile(page);
  await payUpi(frame, 'success@okaxis');
  const [success] = await eventually(async () => {
    const found = await named(page, 'onSuccess');
    return found.length > 0 && found;
  }, ms, 'onSuccess');
  assert.deepEqual(met, answers);
  assert.equal((await merchantPayment(success.data.paymentId)).status, 'success');
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onSuccess', 'onClose']);
  assert.deepEqual(problems, []);
  await context.close();
}

test('onSuccess survives the confirmation answering 503 and 429 while the API restarts', () =>
  confirmedDespite([503, 429], 15_000));

// About 20 s of a service down: refused connections and 503s, one more than the six tries the SDK
// once made.
test('onSuccess still fires when the confirmation gets no answer seven times in a row', () =>
  confirmedDespite(['refused', 503, 'refused', 503, 'refused', 503, 'refused'], 45_000));

test('onSuccess still fires when the network holds the confirmation and never answers it', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.clock.install(); // time runs as usual; fastForward() skips the wait for the deadline
  let held = 0;
  await page.route('**/api/v1/payments/*/public', (route) => {
    if (route.request().frame() !== page.mainFrame() || held) return route.continue();
    held += 1; // neither answered nor failed
  });
  const frame = await openModal(page, orderId);
  await payUpi(frame, 'success@okaxis');
  await eventually(async () => held === 1, 15_000, "the SDK's confirmation");
  await page.clock.fastForward(10_000);
  const [success] = await callbacks(page, 'onSuccess');
  assert.equal((await merchantPayment(success.data.paymentId)).status, 'success');
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onSuccess', 'onClose']);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the SDK's confirmation leaves no deadline running on the merchant page once it is answered", async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  // What became of each 10 s timer the merchant page starts (the deadline of each confirmation).
  await page.addInitScript(() => {
    if (window !== window.top) return;
    const set = window.setTimeout;
    const clear = window.clearTimeout;
    window.deadlines = {};
    window.setTimeout = (fn, ms, ...args) => {
      const id = set(() => {
        if (id in window.deadlines) window.deadlines[id] = 'fired';
        fn(...args);
      }, ms);
      if (ms === 10_000) window.deadlines[id] = 'running';
      return id;
    };
    window.clearTimeout = (id) => {
      if (window.deadlines[id] === 'running') window.deadlines[id] = 'cleared';
      clear(id);
    };
  });
  // The first confirmation is answered 503 (asked again a second later), the second by the API.
  let refused = 0;
  await page.route('**/api/v1/payments/*/public', (route) => {
    if (route.request().frame() !== page.mainFrame() || refused++) return route.continue();
    return route.fulfill({
      status: 503,
      headers: { 'Access-Control-Allow-Origin': '*' },
      contentType: 'application/json',
      body: '{}',
    });
  });
  const frame = await openModal(page, orderId);
  await payUpi(frame, 'success@okaxis');
  await callbacks(page, 'onSuccess');
  assert.equal(refused, 2);
  assert.deepEqual(Object.values(await page.evaluate(() => window.deadlines)), ['cleared', 'cleared']);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a merchant page whose policy forbids connecting to the checkout origin: onSuccess on its own frame's word", async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.addInitScript(() => {
    window.policyViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.policyViolations.push(e.effectiveDirective));
  });
  // `default-src 'self'; script-src 'self' <checkout>; frame-src <checkout>`: no connect-src for it.
  await page.goto(`${stack.closedMerchantUrl}/demo.html?order_id=${orderId}`);
  await page.click('#open-checkout');
  const frame = page.frameLocator(tid('payment-iframe'));
  await frame.locator(tid('payment-methods')).waitFor();
  await payUpi(frame, 'success@okaxis');

  const [success] = await callbacks(page, 'onSuccess');
  assert.equal((await merchantPayment(success.data.paymentId)).status, 'success');
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onSuccess', 'onClose']);
  assert.ok((await page.evaluate(() => window.policyViolations)).includes('connect-src'), 'the confirmation was blocked');
  assert.deepEqual(problems, []);
  await context.close();
});

// A script on the merchant page makes up the browser's report that the policy blocked the
// confirmation: it stands in for nothing, and onSuccess waits for the real answer.
test('a policy violation made up by a script does not stand in for the confirmation', () =>
  confirmedDespite(['refused', 'refused'], 15_000, (page) =>
    page.evaluate((checkout) => {
      const init = {
        effectiveDirective: 'connect-src',
        violatedDirective: 'connect-src',
        blockedURI: checkout,
        documentURI: location.href,
        originalPolicy: "connect-src 'self'",
        disposition: 'enforce',
        statusCode: 200,
      };
      document.dispatchEvent(new SecurityPolicyViolationEvent('securitypolicyviolation', init));
    }, stack.checkoutUrl),
  ));

test('card success in the modal', async () => {
  const orderId = await newOrder(99900);
  const { context, page } = await newPage();
  const frame = await openModal(page, orderId);
  await fillCard(frame, '4111 1111 1111 1111');
  assert.equal(await frame.locator(tid('pay-button')).textContent(), 'Pay ₹999.00');
  await shot(page, '04-card-form');
  await frame.locator(tid('pay-button')).click();
  const [success] = await callbacks(page, 'onSuccess');
  const payment = await merchantPayment(success.data.paymentId);
  assert.equal(payment.status, 'success');
  assert.equal(payment.method, 'card');
  assert.equal(payment.card_network, 'visa');
  assert.equal(payment.card_last4, '1111');
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  await context.close();
});

test('a 16-digit card number that starts 37 is shown and sent with every digit', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  const number = page.locator(tid('card-number-input'));
  await fillCard(page, '3714 4963 5398 4314'); // pasted or filled in by the browser
  assert.equal(await number.inputValue(), '3714 4963 5398 4314');
  await number.fill('');
  await number.pressSequentially('3714496353984314'); // typed, each digit reformatting the field
  assert.equal(await number.inputValue(), '3714 4963 5398 4314');

  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/payments/public'));
  await page.click(tid('pay-button'));
  assert.equal((await sent).postDataJSON().card.number, '3714496353984314');
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  const payment = await merchantPayment(await page.locator(tid('payment-id')).textContent());
  assert.equal(payment.card_network, 'amex');
  assert.equal(payment.card_last4, '4314');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the card number names its network as it is typed, in words that describe the field', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-card'));
  const input = page.locator(tid('card-number-input'));
  const network = page.locator('#card-network');
  assert.equal(await network.getAttribute('role'), 'status', 'a change is read out');
  // The input's accessible description, as the browser computes it for screen readers.
  const cdp = await context.newCDPSession(page);
  const description = async () => {
    const { nodes } = await cdp.send('Accessibility.queryAXTree', {
      backendNodeId: (await cdp.send('DOM.describeNode', { objectId: (await cdp.send('Runtime.evaluate', { expression: 'document.getElementById("card-number")' })).result.objectId })).node.backendNodeId,
    });
    return nodes[0].description?.value ?? '';
  };
  const typed = [
    ['4', 'Visa'],
    ['41', 'Visa'],
    ['5', ''],
    ['51', 'Mastercard'],
    ['5599', 'Mastercard'],
    ['56', ''],
    ['34', 'American Express'],
    ['3782 822463 10005', 'American Express'],
    ['60', 'RuPay'],
    ['6522', 'RuPay'],
    ['8123', 'RuPay'],
    ['89', 'RuPay'],
    ['90', ''],
    ['', ''],
  ];
  for (const [digits, name] of typed) {
    await input.fill('');
    if (digits) await input.pressSequentially(digits);
    assert.equal(await network.textContent(), name && `Card network: ${name}`, `${digits}: the note`);
    assert.equal(await network.isVisible(), Boolean(name), `${digits}: shown only when known`);
    assert.equal(await description(), name && `Card network: ${name}`, `${digits}: the field's description`);
  }
  await input.pressSequentially('4111 1111 1111 1112'); // fails Luhn
  await page.click(tid('pay-button'));
  await page.locator(tid('error-message')).waitFor();
  assert.equal(await input.getAttribute('aria-describedby'), 'error-message card-network', 'the refusal first, the network still');
  await shot(page, '15-card-network');
  await input.fill('');
  await input.pressSequentially('4111 1111 1111 1111');
  assert.equal(await input.getAttribute('aria-describedby'), 'card-network');
  assert.equal(await input.getAttribute('aria-invalid'), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an expiry typed key by key keeps every digit in place, one-digit months included', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-card'));
  const expiry = page.locator(tid('expiry-input'));
  const typed = [
    ['430', '04/30'],
    ['4/30', '04/30'],
    ['1/30', '01/30'],
    ['1230', '12/30'],
    ['0130', '01/30'],
    ['12/2030', '12/2030'],
  ];
  for (const [keys, shown] of typed) {
    await expiry.fill('');
    await expiry.pressSequentially(keys); // each key reformats the field and places the caret
    assert.equal(await expiry.inputValue(), shown, `typed ${keys}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a failed payment shows its reason with a retry; onFailure fires, the modal stays, the retry succeeds', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage();
  const frame = await openModal(page, orderId);
  await payUpi(frame, 'failure@okicici');
  await frame.locator(tid('error-state')).waitFor({ timeout: 15_000 });
  assert.match(await frame.locator(tid('error-message')).textContent(), /bank did not approve/);
  assert.ok(await frame.locator(tid('retry-button')).isVisible());
  await shot(page, '05-error-state');

  const [failure] = await callbacks(page, 'onFailure');
  assert.equal(failure.data.error_code, 'PAYMENT_FAILED');
  assert.equal((await merchantPayment(failure.data.paymentId)).status, 'failed');
  assert.ok(await page.locator(tid('payment-modal')).isVisible());
  assert.deepEqual(await named(page, 'onClose'), []);

  await frame.locator(tid('retry-button')).click();
  assert.ok(await frame.locator(tid('upi-form')).isVisible());
  assert.equal(await frame.locator(tid('vpa-input')).inputValue(), 'failure@okicici');
  await frame.locator(tid('vpa-input')).fill('success@okicici');
  await frame.locator(tid('pay-button')).click();
  const [success] = await callbacks(page, 'onSuccess');
  assert.notEqual(success.data.paymentId, failure.data.paymentId);
  assert.equal((await merchantPayment(success.data.paymentId)).order_id, orderId);
  await context.close();
});

test('the page refuses a bad VPA, card number, expiry and CVV with a visible reason, and sends nothing', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  const error = page.locator(tid('error-message'));
  const pay = page.locator(tid('pay-button'));

  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'shopper at bank');
  await page.keyboard.press('Tab'); // leaving a filled field checks it at once
  assert.ok(await error.isVisible());
  assert.match(await error.textContent(), /UPI ID/);
  await pay.click();
  assert.equal(await page.getAttribute(tid('vpa-input'), 'aria-invalid'), 'true');
  await shot(page, '06-validation-error');
  await page.fill(tid('vpa-input'), 'shopper@okaxis');
  assert.ok(await error.isHidden(), 'typing clears the mark');

  await page.click(tid('method-card'));
  const refusals = [
    [['4111 1111 1111 1112', FUTURE_EXPIRY, '123'], /card number is not valid/],
    [['4111 1111 111', FUTURE_EXPIRY, '123'], /card number is not valid/],
    [['4111-1111-1111-1111', '01/20', '123'], /expired/],
    [['4111 1111 1111 1111', '13/30', '123'], /expiry month must be between 01 and 12/],
    [['4111 1111 1111 1111', '12/3', '123'], /MM\/YY/],
    [['4111 1111 1111 1111', FUTURE_EXPIRY, '12'], /CVV/],
  ];
  for (const [[number, expiry, cvv], reason] of refusals) {
    await page.fill(tid('card-number-input'), number);
    await page.fill(tid('expiry-input'), expiry);
    await page.fill(tid('cvv-input'), cvv);
    await pay.click();
    assert.ok(await error.isVisible(), `${number} ${expiry} ${cvv} is refused`);
    assert.match(await error.textContent(), reason);
    assert.ok(await page.locator(tid('card-form')).isVisible());
  }
  const order = await (await fetch(`${stack.checkoutUrl}/api/v1/orders/${orderId}/public`)).json();
  assert.equal(order.status, 'created', 'no payment was attempted');
  await context.close();
});

test('a bad VPA and one press of Pay: the press submits, and the submit refuses it and points at the field', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'shopper at bank');
  await page.click(tid('pay-button')); // straight from the field: no Tab first
  assert.ok(await page.locator(tid('error-message')).isVisible());
  assert.match(await page.locator(tid('error-message')).textContent(), /UPI ID/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testId), 'vpa-input', 'the submit moved focus to the field');
  await context.close();
});

test('an order paid in another window meanwhile: Pay ends on "Already paid", not on the server\'s words', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'shopper@okaxis');
  await paidElsewhere(orderId, 'success@okaxis');
  await page.click(tid('pay-button'));
  await page.locator(tid('error-state')).waitFor();
  assert.match(await page.locator('#error-title').textContent(), /Already paid/);
  assert.ok(await page.locator(tid('retry-button')).isHidden());
  await context.close();
});

test('a payment of the order still being processed elsewhere: the refusal is explained and the form stays', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  // Just before the page's request reaches the service, another window pays the order: that
  // payment is pending (for the 1 s bank delay) when the page's request arrives.
  let other = null;
  await page.route('**/api/v1/payments/public', async (route) => {
    const res = await fetch(`${stack.apiUrl}/api/v1/payments/public`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      // It fails after the bank delay: the order is never paid, whenever the page looks.
      body: JSON.stringify({ order_id: orderId, method: 'upi', vpa: 'failure@okhdfc' }),
    });
    other = await res.json();
    await route.continue();
  });
  await page.click(tid('pay-button'));
  const error = page.locator(tid('error-message'));
  await error.waitFor();
  assert.match(await error.textContent(), /already being processed, perhaps in another window/);
  assert.ok(await page.locator(tid('upi-form')).isVisible());
  assert.ok(await page.locator(tid('processing-state')).isHidden());
  assert.equal((await merchantPayment(other.id)).order_id, orderId);
  await context.close();
});

test('a second tab on an order whose payment the first tab started follows that payment instead of offering the form', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  // The first tab never hears how its payment ends, so it keeps it as pending for the other tabs.
  await page.route('**/api/v1/payments/*/public', (route) => route.abort('connectionrefused'));
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/payments/public'));
  await page.click(tid('pay-button'));
  const made = await (await created).json();
  await page.locator(tid('processing-state')).waitFor();

  const second = await context.newPage();
  second.on('pageerror', (e) => problems.push(e.message));
  await second.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await second.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(await second.locator(tid('payment-id')).textContent(), made.id);
  // Final: nothing is left shared for later tabs.
  assert.equal(await second.evaluate((key) => localStorage.getItem(key), `paystream.checkout.${orderId}`), null);
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.deepEqual(body.data.filter((p) => p.order_id === orderId).map((p) => p.id), [made.id]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a tab closed while its payment was pending leaves its entry for an hour at most; a tab still following its payment keeps its own', async () => {
  const [left, followed, opened] = [await newOrder(), await newOrder(), await newOrder()];
  const context = await stack.browser.newContext();
  const problems = [];
  await context.clock.install(); // time runs as usual; fastForward() jumps it for every tab
  const shared = (page, orderId) => page.evaluate((key) => localStorage.getItem(key), `paystream.checkout.${orderId}`);
  async function newTab() {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    return page;
  }
  // A tab that pays the order, every check of the payment telling it that it is still pending.
  async function payPending(orderId) {
    const tab = { page: await newTab(), made: null, checks: 0 };
    await tab.page.route('**/api/v1/payments/*/public', (route) => {
      tab.checks += 1;
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ...tab.made, status: 'pending' }) });
    });
    await tab.page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
    await tab.page.click(tid('method-upi'));
    await tab.page.fill(tid('vpa-input'), 'success@okaxis');
    const created = tab.page.waitForResponse((r) => r.url().endsWith('/api/v1/payments/public'));
    await tab.page.click(tid('pay-button'));
    tab.made = await (await created).json();
    await tab.page.locator(tid('processing-state')).waitFor();
    await eventually(async () => tab.checks > 0, 10_000, 'a check of the payment');
    return tab;
  }
  const closed = await payPending(left);
  await closed.page.close();
  const following = await payPending(followed);
  assert.notEqual(await shared(following.page, left), null, 'the closed tab left its entry behind');

  // Two hours later, once the tab still open has checked its payment again, a tab opens on another order.
  await context.clock.fastForward('02:00:00');
  const checks = following.checks;
  await eventually(async () => following.checks > checks + 1, 10_000, 'the following tab to check again');
  const third = await newTab();
  await third.goto(`${stack.checkoutUrl}/checkout?order_id=${opened}`);
  await third.locator(tid('payment-methods')).waitFor();
  assert.equal(await shared(third, left), null, "the closed tab's entry is gone");
  assert.notEqual(await shared(third, followed), null, 'the entry of the tab following its payment stays');

  // What a second tab on that order relies on: it follows the payment (which succeeded meanwhile).
  const second = await newTab();
  await second.goto(`${stack.checkoutUrl}/checkout?order_id=${followed}`);
  await second.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(await second.locator(tid('payment-id')).textContent(), following.made.id);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a payment of the order in progress on another device: the form keeps what was typed, and the page says so once the order is paid', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'shopper@okaxis');
  // Just before the page's request reaches the service, another device pays the order: that
  // payment is pending (for the 1 s bank delay) when the page's request arrives, then succeeds.
  // The page's next read of the order gets what the order said just then (pending elsewhere),
  // however long a busy machine takes to get there; later reads are live.
  let other = null;
  let snapshot = null;
  await page.route('**/api/v1/payments/public', async (route) => {
    const res = await fetch(`${stack.apiUrl}/api/v1/payments/public`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ order_id: orderId, method: 'upi', vpa: 'success@okhdfc' }),
    });
    other = await res.json();
    snapshot = { body: await (await fetch(`${stack.apiUrl}/api/v1/orders/${orderId}/public`)).text(), served: false };
    await route.continue();
  });
  await page.route(`**/api/v1/orders/${orderId}/public`, (route) => {
    if (!snapshot || snapshot.served) return route.continue();
    snapshot.served = true;
    return route.fulfill({ status: 200, contentType: 'application/json', body: snapshot.body });
  });
  await page.click(tid('pay-button'));
  const error = page.locator(tid('error-message'));
  await error.waitFor();
  assert.ok(snapshot.served, 'the page read the order after the refusal');
  assert.equal(JSON.parse(snapshot.body).status, 'attempted', 'as it was while that payment was pending');
  assert.match(await error.textContent(), /already being processed, perhaps in another window/);
  assert.equal(await page.inputValue(tid('vpa-input')), 'shopper@okaxis', 'nothing typed is lost');
  assert.ok(await page.locator(tid('pay-button')).isEnabled());
  await page.locator(tid('error-state')).waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#error-title').textContent(), /Already paid/);
  assert.ok(await page.locator(tid('retry-button')).isHidden());
  assert.equal((await merchantPayment(other.id)).status, 'success');
  assert.deepEqual(problems, []);
  await context.close();
});

/**
 * A first try (UPI) makes the payment but gets no answer (504, its resend too); a second try with
 * another UPI ID gets none either (503, it never reached the service). Then Pay is pressed again
 * with the second try's details (`reload`: after reloading the page): the order is refused to that
 * try, and the page must find the first try's payment, not drop it as a stranger's.
 */
async function earlierTryNotDropped(reload) {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  const keys = [];
  let made = null;
  await page.route('**/api/v1/payments/public', async (route) => {
    const n = keys.push(route.request().headers()['idempotency-key']);
    if (n <= 2) {
      made = await (await route.fetch()).json(); // made (and replayed), but never answered
      return route.fulfill({ status: 504, contentType: 'application/json', body: '{"error":{"code":"SERVICE_UNAVAILABLE","description":"timeout"}}' });
    }
    if (n <= 4) return route.fulfill(PROXY_503);
    return route.continue();
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  const error = page.locator(tid('error-message'));
  await eventually(async () => (await error.textContent()) === PRESS_AGAIN, 10_000, 'the first try told');
  await page.fill(tid('vpa-input'), 'shopper@okicici');
  await page.click(tid('pay-button'));
  await eventually(async () => keys.length === 4 && (await page.locator(tid('pay-button')).isEnabled()), 10_000, 'the second try told');
  assert.match(await error.textContent(), /Payments are unavailable right now/);
  assert.notEqual(keys[2], keys[0], 'other details, another key');
  if (reload) {
    await page.reload();
  } else {
    await page.click(tid('pay-button'));
  }
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(tid('payment-id')).textContent(), made.id);
  assert.deepEqual(keys.slice(4), [keys[2], keys[0]], 'the second try again, then the first asked with its key');
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.deepEqual(body.data.filter((p) => p.order_id === orderId).map((p) => p.id), [made.id]);
  assert.deepEqual(problems, []);
  await context.close();
}

test('Pay pressed again after a later try with other details also went unanswered: the first try\'s payment is still found', () =>
  earlierTryNotDropped(false));

test('the same on a reload: the earlier UPI try is kept with the later one, and asked about', () => earlierTryNotDropped(true));

/**
 * Pays on a new order whose first try makes the payment, while `lose(route)` loses the answers
 * of the first two tries (the page's own resend included): the page says `said`, and Pay pressed
 * again follows the one payment made, with the same key.
 */
async function payWithTwoAnswersLost(lose, said) {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  const keys = [];
  await page.route('**/api/v1/payments/public', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) await route.fetch();
    return keys.length <= 2 ? lose(route) : route.continue();
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  const error = page.locator(tid('error-message'));
  await error.waitFor();
  assert.doesNotMatch(await error.textContent(), /Idempotency/i);
  assert.equal(await error.textContent(), said);
  assert.equal(keys.length, 2);

  await page.click(tid('pay-button'));
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1, `one key for the three requests: ${keys}`);
  const paymentId = await page.locator(tid('payment-id')).textContent();
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.deepEqual(body.data.filter((p) => p.order_id === orderId).map((p) => p.id), [paymentId]);
  assert.deepEqual(problems, []);
  await context.close();
}

const PRESS_AGAIN = 'We could not confirm your payment. Press Pay again — you will not be charged twice.';

test('Pay pressed again after two tries without an answer follows the payment they made, with their key', async () => {
  // The first try reaches the service but its answer is lost; the page's own resend is lost on the
  // way there. The shopper then presses Pay again.
  await payWithTwoAnswersLost((route) => route.abort('connectionreset'), PRESS_AGAIN);
});

// What server/proxy.mjs answers when the API cannot be reached (503), and when it took the request
// and gave no answer (502).
const fromProxy = (status, description) => ({
  status,
  headers: { 'Retry-After': '1' },
  contentType: 'application/json',
  body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', description } }),
});
const PROXY_503 = fromProxy(503, 'The payment service is not reachable right now.');
const PROXY_502 = fromProxy(
  502,
  'The payment service did not answer; the request may have been carried out. Send it again with the same Idempotency-Key.',
);

test('a payment answered 502 by the proxy: the shopper is told to press Pay again, which follows the one payment made', async () => {
  // The first try makes the payment and its answer is lost; so is the page's own resend's.
  await payWithTwoAnswersLost((route) => route.fulfill(PROXY_502), PRESS_AGAIN);
});

test('the order answered 502 and a payment answered 503: the page says so in its own words', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  let orderCut = true;
  await page.route(`**/api/v1/orders/${orderId}/public`, (route) => (orderCut ? route.fulfill(PROXY_502) : route.continue()));
  await page.route('**/api/v1/payments/public', (route) => route.fulfill(PROXY_503));
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.locator(tid('error-state')).waitFor();
  const error = page.locator(tid('error-message'));
  assert.doesNotMatch(await error.textContent(), /Idempotency|carried out|send it again/i);
  assert.match(await error.textContent(), /try again/);

  orderCut = false;
  await page.click(tid('retry-button'));
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await error.waitFor();
  assert.equal(await error.textContent(), 'Payments are unavailable right now. Please try again in a moment.');
  assert.ok(await page.locator(tid('upi-form')).isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});

test('a payment request that is never answered: the page gives up, says to press Pay again, and Pay follows the one payment made', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.clock.install(); // time runs as usual; fastForward() skips the waits for a deadline
  const keys = [];
  let made = null;
  await page.route('**/api/v1/payments/public', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    // The first try makes the payment and its answer never comes; the page's own second try is
    // held on the way and never answered either.
    if (keys.length === 1) made = await (await route.fetch()).json();
    else if (keys.length > 2) await route.continue();
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await eventually(async () => made, 10_000, 'the payment of the first try');
  await page.clock.fastForward(15_000);
  await eventually(async () => keys.length === 2, 10_000, "the page's second try");
  await page.clock.fastForward(15_000);
  const error = page.locator(tid('error-message'));
  await error.waitFor({ timeout: 10_000 });
  assert.equal(await error.textContent(), PRESS_AGAIN);
  assert.equal(await page.locator(tid('pay-button')).isEnabled(), true);
  assert.ok(await page.locator('#sending-note').isHidden());

  await page.click(tid('pay-button'));
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(tid('payment-id')).textContent(), made.id);
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1, `one key for the three requests: ${keys}`);
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.deepEqual(body.data.filter((p) => p.order_id === orderId).map((p) => p.id), [made.id]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an order, a payment check or a payment picked up again that is never answered: a message and a way forward, never an endless wait', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.clock.install();
  // Each request is held (no answer, ever) while its flag is set; `held` counts those held.
  const hold = { order: true, payment: false };
  const held = { order: 0, payment: 0 };
  await page.route(`**/api/v1/orders/${orderId}/public`, (route) => (hold.order ? held.order++ : route.continue()));
  await page.route('**/api/v1/payments/*/public', (route) => (hold.payment ? held.payment++ : route.continue()));
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await eventually(async () => held.order === 1, 10_000, 'the order request');
  await page.clock.fastForward(10_000);
  await page.locator(tid('error-state')).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#error-title').textContent(), 'Could not load the order');
  assert.match(await page.locator(tid('error-message')).textContent(), /did not answer in time/);
  hold.order = false;
  await page.click(tid('retry-button'));

  // The payment's status is asked for and never answered: the processing state says so.
  hold.payment = true;
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await page.locator(tid('processing-state')).waitFor();
  await eventually(async () => held.payment === 1, 10_000, 'the first check of the payment');
  await page.clock.fastForward(10_000);
  const message = page.locator(tid('processing-message'));
  await eventually(async () => /cannot reach the payment service/.test(await message.textContent()), 10_000, 'the unreachable message');
  hold.payment = false;
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  const paymentId = await page.locator(tid('payment-id')).textContent();

  // A reload picks the payment up again, and that check is not answered either.
  hold.payment = true;
  const before = held.payment;
  await page.reload();
  await eventually(async () => held.payment > before, 10_000, 'the check of the payment picked up');
  await page.clock.fastForward(10_000);
  await page.locator(tid('error-state')).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#error-title').textContent(), 'Could not check your payment');
  assert.match(await page.locator(tid('error-message')).textContent(), /did not answer in time/);
  assert.ok(await page.locator(tid('upi-form')).isHidden(), 'no form to pay again with meanwhile');
  hold.payment = false;
  await page.click(tid('retry-button'));
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(tid('payment-id')).textContent(), paymentId);
  assert.deepEqual(problems, []);
  await context.close();
});

// The first payment request reaches the service and makes the payment, but the page gets
// `answer(response)` instead of its answer: the page must send the same key again and follow that
// payment, and the order must have exactly one.
async function followsTheFirstTry(answer) {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  const keys = [];
  await page.route('**/api/v1/payments/public', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length > 1) return route.continue();
    return route.fulfill(await answer(await route.fetch()));
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1]);
  const paymentId = await page.locator(tid('payment-id')).textContent();
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.deepEqual(body.data.filter((p) => p.order_id === orderId).map((p) => p.id), [paymentId]);
  assert.deepEqual(problems, []);
  await context.close();
}

test('a 504 from the edge after the payment was made: the page sends the key again and follows that payment', () =>
  followsTheFirstTry(() => ({
    status: 504,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', description: 'The service took too long to answer' } }),
  })));

test('a success whose body arrives cut short: the page sends the key again and follows that payment', () =>
  followsTheFirstTry(async (made) => {
    const text = await made.text();
    return { response: made, body: text.slice(0, text.length / 2) };
  }));

test('a payment request still unanswered after 5 s says so under the button, and the note goes once it is answered', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.route('**/api/v1/payments/public', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 7000)); // a slow payment service
    await route.continue();
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  const pressed = Date.now();
  await page.click(tid('pay-button'));
  const note = page.locator('#sending-note');
  await note.waitFor({ state: 'visible', timeout: 6500 });
  assert.ok(Date.now() - pressed >= 4500, 'not before 5 s');
  assert.match(await note.textContent(), /Still waiting for the payment service/);
  assert.equal(await note.getAttribute('role'), 'status');
  await page.locator(tid('processing-state')).or(page.locator(tid('success-state'))).first().waitFor({ timeout: 15_000 });
  assert.ok(await note.isHidden(), 'gone once answered');
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a reload while a UPI payment request is on its way: the page sends it again with its key and follows that payment', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  const keys = [];
  let made = null;
  await page.route('**/api/v1/payments/public', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length > 1) return route.continue();
    // The service makes the payment; its answer never reaches the page, which is reloaded first.
    made = await (await route.fetch()).json();
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await eventually(async () => made, 10_000, 'the payment of the first request');
  await page.reload();
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(tid('payment-id')).textContent(), made.id);
  assert.equal(keys.length, 2);
  assert.equal(keys[1], keys[0], 'sent again with its key');
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.deepEqual(body.data.filter((p) => p.order_id === orderId).map((p) => p.id), [made.id]);
  // Nothing of the request is kept once it is answered.
  assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.endsWith('.sending'))), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a UPI payment request that reaches the service only after a reload has read the order: the page sends it again and follows it', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  const keys = [];
  let original = null;
  await page.route('**/api/v1/payments/public', (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length > 1) return route.continue();
    // A slow network holds the request: it is not answered here, and reaches the service later.
    original = { key: keys[0], body: route.request().postData() };
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await eventually(async () => original, 10_000, 'the payment request');
  const orderRead = page.waitForResponse((r) => /\/api\/v1\/orders\/[^/]+\/public$/.test(r.url()));
  await page.reload();
  assert.equal((await (await orderRead).json()).status, 'created', 'the reload read the order before the request arrived');
  const arrived = await fetch(`${stack.apiUrl}/api/v1/payments/public`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': original.key },
    body: original.body,
  });
  assert.ok([201, 409].includes(arrived.status), `the held request: ${arrived.status}`);
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  const made = body.data.filter((p) => p.order_id === orderId).map((p) => p.id);
  assert.equal(made.length, 1, 'one payment');
  assert.equal(await page.locator(tid('payment-id')).textContent(), made[0]);
  assert.equal(keys.length, 2);
  assert.equal(keys[1], keys[0], 'sent again with its key');
  assert.deepEqual(problems, []);
  await context.close();
});

// A UPI request answered 503 (after `before(page)`), the shopper turns to card and reloads: nothing
// is sent unasked; Pay with the same UPI details then sends the kept key.
async function notSentAgainUnasked(before = async () => {}) {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await before(page);
  const keys = [];
  let cut = true;
  await page.route('**/api/v1/payments/public', (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    return cut ? route.fulfill(PROXY_503) : route.continue();
  });
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await page.locator(tid('error-message')).waitFor();
  const triedBefore = keys.length;
  await page.click(tid('method-card'));
  cut = false;
  const madeBefore = (await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100')).body.data.filter((p) => p.order_id === orderId).length;
  await page.reload();
  await page.locator(tid('method-upi')).waitFor(); // the form, not the processing state
  await page.waitForTimeout(1500); // a request sent unasked would have gone by now
  assert.equal(keys.length, triedBefore, 'nothing sent without Pay');
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.equal(body.data.filter((p) => p.order_id === orderId).length, madeBefore, 'no payment made');

  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(keys[keys.length - 1], keys[0], 'the kept key');
  assert.deepEqual(problems, []);
  await context.close();
}

test('a UPI request answered 503 is not sent again by a reload while the order took no payment; Pay with the same details sends its key', async () => {
  await notSentAgainUnasked();
});

test('the same after an earlier payment of the order failed (the order reads attempted all along)', async () => {
  await notSentAgainUnasked(async (page) => {
    await page.click(tid('method-upi'));
    await page.fill(tid('vpa-input'), 'failure@okaxis');
    await page.click(tid('pay-button'));
    await page.locator(tid('retry-button')).waitFor({ timeout: 15_000 });
    await page.click(tid('retry-button'));
  });
});
test('Pay with changed details after a try without an answer: the order is taken by that try, which the page picks up', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  let cut = true;
  let made = null;
  await page.route('**/api/v1/payments/public', async (route) => {
    if (!cut) return route.continue();
    made = await (await route.fetch()).json(); // made (and replayed), but never answered
    return route.fulfill({ status: 504, contentType: 'application/json', body: '{"error":{"code":"SERVICE_UNAVAILABLE","description":"timeout"}}' });
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  await page.locator(tid('error-message')).waitFor();
  cut = false;
  await page.fill(tid('vpa-input'), 'shopper@okicici');
  await page.click(tid('pay-button'));
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(tid('payment-id')).textContent(), made.id);
  const { body } = await merchantApi(stack.apiUrl, 'GET', '/payments?limit=100');
  assert.deepEqual(body.data.filter((p) => p.order_id === orderId).map((p) => p.id), [made.id]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('while the payment service cannot be reached, processing says so and keeps checking', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  let cut = true;
  let asked = 0;
  await page.route('**/api/v1/payments/*/public', (route) => {
    asked += 1;
    return cut ? route.abort('connectionrefused') : route.continue();
  });
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.click(tid('method-upi'));
  await page.fill(tid('vpa-input'), 'success@okaxis');
  await page.click(tid('pay-button'));
  const message = page.locator(tid('processing-message'));
  await eventually(async () => /cannot reach the payment service/.test(await message.textContent()), 10_000, 'the unreachable message');
  assert.ok(await page.locator(tid('processing-state')).isVisible());
  await shot(page, '11-processing-unreachable');
  cut = false;
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  assert.ok(asked >= 2, `asked ${asked} times`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the close button and Escape call onClose, remove the modal and every listener, and give focus back', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage();
  // Count the listeners checkout.js adds and removes.
  await page.addInitScript(() => {
    window.liveListeners = 0;
    for (const target of [window, document]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      const watched = (type) => ['message', 'keydown', 'focusin'].includes(type);
      target.addEventListener = (type, ...rest) => (watched(type) && window.liveListeners++, add(type, ...rest));
      target.removeEventListener = (type, ...rest) => (watched(type) && window.liveListeners--, remove(type, ...rest));
    }
  });
  await openModal(page, orderId);
  assert.equal(await page.evaluate(() => window.liveListeners), 3);
  await page.click(tid('close-modal-button'));
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onClose']);
  assert.equal(await page.evaluate(() => window.liveListeners), 0);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'open-checkout');

  // Escape inside the iframe: the page asks its parent to close (close_modal).
  await page.click('#open-checkout');
  const frame = page.frameLocator(tid('payment-iframe'));
  await frame.locator(tid('method-card')).click();
  await page.keyboard.press('Escape');
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  // Escape on the merchant page itself (focus on the close button).
  await page.click('#open-checkout');
  await page.focus(tid('close-modal-button'));
  await page.keyboard.press('Escape');
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onClose', 'onClose', 'onClose']);
  assert.equal(await page.evaluate(() => window.liveListeners), 0);
  await context.close();
});

test('forged payment_success messages never fire onSuccess; the genuine one does', async () => {
  const paidOrder = await newOrder();
  const othersPayment = await paidElsewhere(paidOrder, 'success@okaxis');
  const orderId = await newOrder();
  const { context, page } = await newPage();
  const frame = await openModal(page, orderId);
  const forged = { type: 'payment_success', data: { paymentId: othersPayment } };

  // 1. The merchant page's own window (wrong origin).
  await page.evaluate((m) => window.postMessage(m, '*'), forged);
  // 2. A third origin framed on the same page, which also asks to close the modal.
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    f.id = 'attacker';
    document.body.appendChild(f);
  }, `${stack.attackerUrl}/?payment_id=${othersPayment}`);
  await page.frameLocator('#attacker').locator('title').waitFor({ state: 'attached' });
  // 3. Another window of the checkout origin that is not this modal's iframe.
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    f.id = 'other-checkout';
    document.body.appendChild(f);
  }, `${stack.checkoutUrl}/checkout.html?order_id=${paidOrder}`);
  const other = await (await page.$('#other-checkout')).contentFrame();
  await other.waitForSelector(tid('error-state'));
  await other.evaluate((m) => parent.postMessage(m, '*'), forged);
  await other.evaluate(() => parent.postMessage({ type: 'close_modal' }, '*'));
  // 4. The modal's own iframe, claiming a success that is another order's, or no payment at all.
  const own = await (await page.$(tid('payment-iframe'))).contentFrame();
  await own.evaluate((m) => parent.postMessage(m, '*'), forged);
  await own.evaluate(() => parent.postMessage({ type: 'payment_success', data: { paymentId: 'pay_doesnotexist00' } }, '*'));

  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(await events(page), []);
  assert.ok(await page.locator(tid('payment-modal')).isVisible());

  // The genuine success of this order, through the same listener, is believed.
  await payUpi(frame, 'success@okaxis');
  const [success] = await callbacks(page, 'onSuccess');
  assert.notEqual(success.data.paymentId, othersPayment);
  assert.equal((await merchantPayment(success.data.paymentId)).order_id, orderId);
  await context.close();
});

test('a merchant page on another site reloaded while its payment is processed: the checkout opened again follows it to onSuccess', async () => {
  const orderId = await newOrder();
  const { context, page, problems } = await newPage();
  // localhost and 127.0.0.1 are two sites: the checkout frame is a third party, which this browser
  // denies storage of its own.
  const shop = `${stack.merchantUrl.replace('127.0.0.1', 'localhost')}/demo.html?order_id=${orderId}`;
  await page.goto(shop);
  await page.click('#open-checkout');
  let frame = page.frameLocator(tid('payment-iframe'));
  assert.equal(
    await frame.locator('body').evaluate(() => {
      try {
        sessionStorage.setItem('probe', '1');
        return 'kept';
      } catch {
        return 'denied';
      }
    }),
    'denied',
    'the framed page has no storage of its own here',
  );
  await payUpi(frame, 'success@okaxis');
  await frame.locator(tid('processing-state')).waitFor();
  await page.reload();
  await page.click('#open-checkout');
  frame = page.frameLocator(tid('payment-iframe'));
  const [success] = await callbacks(page, 'onSuccess');
  const payment = await merchantPayment(success.data.paymentId);
  assert.equal(payment.status, 'success');
  assert.equal(payment.order_id, orderId);
  await page.locator(tid('payment-modal')).waitFor({ state: 'detached' });
  assert.deepEqual((await events(page)).map((e) => e.name), ['onSuccess', 'onClose']);
  // Paid and closed: the tab keeps nothing of it for the next checkout.
  assert.equal(await page.evaluate((key) => sessionStorage.getItem(key), `paystream.checkout.${orderId}`), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('standalone: the result stays on the page and survives a reload; a declined card shows error-state', async () => {
  const orderId = await newOrder(25000);
  const { context, page } = await newPage();
  const answer = await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}&key=${KEY}`);
  assert.equal(answer.headers()['x-frame-options'], undefined, 'any origin may frame the page');
  await fillCard(page, '5555 5555 5555 4444');
  await page.click(tid('pay-button'));
  await page.locator(tid('processing-state')).waitFor();
  await page.locator(tid('success-state')).waitFor({ timeout: 15_000 });
  const paymentId = await page.locator(tid('payment-id')).textContent();
  assert.match(paymentId, /^pay_/);
  assert.equal(await page.locator(tid('success-message')).textContent(), 'Payment successful!');
  const payment = await merchantPayment(paymentId);
  assert.equal(payment.status, 'success');
  assert.equal(payment.card_network, 'mastercard');
  assert.equal(page.url(), `${stack.checkoutUrl}/checkout?order_id=${orderId}&key=${KEY}`);
  await shot(page, '07-standalone-success');
  await page.reload();
  await page.locator(tid('success-state')).waitFor();
  assert.equal(await page.locator(tid('payment-id')).textContent(), paymentId);

  const declinedOrder = await newOrder();
  await page.goto(`${stack.checkoutUrl}/checkout.html?order_id=${declinedOrder}`);
  await fillCard(page, '4000 0000 0000 0002');
  await page.click(tid('pay-button'));
  await page.locator(tid('error-state')).waitFor({ timeout: 15_000 });
  assert.match(await page.locator(tid('error-message')).textContent(), /card was declined/);
  await shot(page, '08-standalone-declined');
  await page.click(tid('retry-button'));
  assert.ok(await page.locator(tid('card-form')).isVisible());
  assert.equal(await page.inputValue(tid('card-number-input')), '4000 0000 0000 0002');
  assert.equal(await page.inputValue(tid('cvv-input')), '', 'the CVV is asked for again');
  await context.close();
});

test('keyboard only on a 360 px phone: focus stays in the modal, no sideways scrolling, payment succeeds', async () => {
  const orderId = await newOrder();
  const { context, page } = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(`${stack.merchantUrl}/demo.html?order_id=${orderId}`);
  await page.focus('#open-checkout');
  await page.keyboard.press('Enter');
  const frame = page.frameLocator(tid('payment-iframe'));
  await frame.locator(tid('payment-methods')).waitFor();
  const inModal = () => page.evaluate(() => document.getElementById('payment-gateway-modal').contains(document.activeElement));
  assert.ok(await inModal());
  const box = await page.locator(tid('payment-iframe')).boundingBox();
  assert.equal(Math.round(box.width), 360, 'the modal fills a phone screen');

  // Every focusable element, and past the last one: focus never leaves the modal.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    assert.ok(await inModal(), `after ${i + 1} Tab presses focus is still in the modal`);
  }
  await page.focus(tid('close-modal-button'));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testId), 'payment-iframe');

  const own = await (await page.$(tid('payment-iframe'))).contentFrame();
  const focused = () => own.evaluate(() => document.activeElement.dataset.testId || document.activeElement.id);
  // Backwards from the close button: the checkout's last control, not its page with nothing on it.
  await page.focus(tid('close-modal-button'));
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testId), 'payment-iframe');
  await eventually(async () => (await focused()) === 'method-card', 5_000, 'the last control focused');
  await own.focus(tid('method-card'));
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'card-number-input');
  const noSideways = (f) => f.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  assert.ok(await noSideways(own), 'the card form fits 360 px');
  for (const label of await own.$$('label')) {
    const target = await label.getAttribute('for');
    assert.equal(await own.locator(`#${target}`).count(), 1, `label for #${target} names a field`);
  }
  await shot(page, '09-mobile-360-card');

  await own.focus(tid('method-upi'));
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'vpa-input');
  await page.keyboard.type('success@okaxis');
  await page.keyboard.press('Enter');
  await frame.locator(tid('processing-state')).waitFor();
  assert.ok(await noSideways(own), 'the processing state fits 360 px');
  assert.ok(await noSideways(page.mainFrame()), 'the merchant page does not scroll sideways');
  await shot(page, '10-mobile-360-processing');
  await callbacks(page, 'onSuccess');
  await context.close();
});

test('a large amount and a merchant name of one long word fit a 320 px screen, standalone and in the modal, without sideways scrolling', async () => {
  const orderId = await newOrder(10_000_000_000);
  const { context, page, problems } = await newPage({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
  // Nothing in the summary sticks out of its box or out of the screen, and nothing scrolls sideways.
  const fits = (frame) =>
    frame.evaluate(() => {
      const root = document.documentElement;
      const amount = document.querySelector('[data-test-id="order-amount"]');
      const outside = [amount, amount.parentElement, document.getElementById('merchant-name')]
        .filter((el) => {
          const box = el.getBoundingClientRect();
          return box.left < 0 || box.right > root.clientWidth || el.scrollWidth > el.clientWidth;
        })
        .map((el) => el.dataset.testId || el.id);
      return { amount: amount.textContent, outside, sideways: root.scrollWidth > root.clientWidth };
    });
  const expected = (amount) => ({ amount, outside: [], sideways: false });

  await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
  await page.locator(tid('payment-methods')).waitFor();
  assert.deepEqual(await fits(page.mainFrame()), expected('₹10,00,00,000.00'), 'standalone');

  await page.goto(`${stack.merchantUrl}/demo.html?order_id=${orderId}`);
  await page.click('#open-checkout');
  await page.frameLocator(tid('payment-iframe')).locator(tid('payment-methods')).waitFor();
  const framed = await (await page.$(tid('payment-iframe'))).contentFrame();
  assert.deepEqual(await fits(framed), expected('₹10,00,00,000.00'), 'in the modal');
  await shot(page, '13-mobile-320-large-amount');

  // The largest amount an order takes, from a merchant whose name is one long word.
  const name = 'Chaiwallahsandsnacksandsweetsemporiumofbengaluru';
  await page.route('**/api/v1/orders/*/public', async (route) => {
    const answer = await route.fetch();
    route.fulfill({ response: answer, json: { ...(await answer.json()), amount: 9007199254740991, merchant_name: name } });
  });
  for (const frame of [page.mainFrame(), null]) {
    if (frame) await page.goto(`${stack.checkoutUrl}/checkout?order_id=${orderId}`);
    else {
      await page.goto(`${stack.merchantUrl}/demo.html?order_id=${orderId}`);
      await page.click('#open-checkout');
    }
    const where = frame ? 'standalone' : 'in the modal';
    const view = frame || page.frameLocator(tid('payment-iframe'));
    await view.locator(tid('payment-methods')).waitFor();
    const checked = frame || (await (await page.$(tid('payment-iframe'))).contentFrame());
    assert.equal(await checked.locator('#merchant-name').textContent(), name);
    assert.deepEqual(await fits(checked), expected('₹9,00,71,99,25,47,409.91'), `long name, ${where}`);
  }
  await shot(page, '14-mobile-320-long-name');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an unknown order or a link without an order shows error-state without a retry', async () => {
  const { context, page } = await newPage();
  const missing = [];
  page.on('response', (r) => r.status() === 404 && !r.url().includes('/api/') && missing.push(r.url()));
  await page.goto(`${stack.checkoutUrl}/checkout?order_id=order_doesnotexist00`);
  await page.locator(tid('error-state')).waitFor();
  assert.match(await page.locator(tid('error-message')).textContent(), /could not find this order/);
  assert.ok(await page.locator(tid('retry-button')).isHidden());
  assert.ok(await page.locator(tid('payment-methods')).isHidden());
  // No amount to announce ("Amount to pay: …") and no order to name; the page is named by its error.
  assert.ok(await page.locator('#checkout-title').isHidden());
  assert.ok(await page.locator(tid('order-id')).isHidden());
  assert.equal(await page.getAttribute(tid('checkout-container'), 'aria-labelledby'), 'error-title');
  await page.goto(`${stack.checkoutUrl}/checkout`);
  await page.locator(tid('error-state')).waitFor();
  assert.match(await page.locator(tid('error-message')).textContent(), /no order/);
  assert.ok(await page.locator('#checkout-title').isHidden());
  assert.ok(await page.locator(tid('order-id')).isHidden());
  assert.deepEqual(missing, [], 'the page asks for nothing that is not there (a favicon, say)');
  await context.close();
});

test('the demo shop creates an order on its server and pays it', async () => {
  const { context, page } = await newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
  await page.goto(`${stack.merchantUrl}/`);
  assert.equal(await page.content().then((html) => html.includes('secret_test')), false, 'no secret in the page');
  await page.fill('#amount', '42');
  await page.click('#buy');
  const frame = page.frameLocator(tid('payment-iframe'));
  await frame.locator(tid('payment-methods')).waitFor();
  assert.equal(await frame.locator(tid('order-amount')).textContent(), '₹42.00');
  await payUpi(frame, 'success@okaxis');
  const [success] = await callbacks(page, 'onSuccess');
  assert.equal((await merchantPayment(success.data.paymentId)).amount, 4200);
  assert.deepEqual(errors, [], 'the demo shop logs no error (a missing favicon, say)');
  await context.close();
});
