// /dashboard/docs: the integration guide, with snippets filled in with this merchant's key and the
// addresses of this installation. The webhook verification code shown here is the same code the
// browser tests run against real deliveries.
import javaVerify from '../docs/VerifyWebhook.java?raw';
import nodeVerify from '../docs/verify-webhook.mjs?raw';
import { h, replace } from '../lib/dom.js';
import { maskSecret } from '../lib/format.js';
import { copyButton } from '../lib/ui.js';

const RETRIES = [
  ['1', 'immediately', 'immediately'],
  ['2', '1 minute', '5 seconds'],
  ['3', '5 minutes', '10 seconds'],
  ['4', '30 minutes', '15 seconds'],
  ['5', '2 hours', '20 seconds'],
];

export function docsPage(root, { merchant }) {
  const container = h('div', { class: 'docs', 'data-test-id': 'api-docs' });
  replace(
    root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Integration guide'), h('p', { class: 'muted' }, 'From the first order to verified webhooks.')),
    container,
  );
  let alive = true;
  fetch('/dashboard-config.json', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}))
    .then((config) => alive && render(container, merchant, config));
  return () => (alive = false);
}

function render(container, merchant, config) {
  const api = (config.api_base_url || 'http://localhost:8000').replace(/\/$/, '');
  const checkout = (config.checkout_url || 'http://localhost:3001').replace(/\/$/, '');
  const key = merchant.api_key;

  replace(
    container,
    h(
      'nav',
      { class: 'card toc', 'aria-label': 'On this page' },
      h(
        'ol',
        {},
        [
          ['section-create-order', 'Create an order'],
          ['section-sdk-integration', 'Take the payment with checkout.js'],
          ['section-webhook-verification', 'Verify webhooks'],
          ['section-retry-schedule', 'Retries'],
          ['section-idempotency', 'Idempotent requests'],
          ['section-testing', 'Test payments'],
        ].map(([id, text]) => h('li', {}, h('a', { href: `#${id}` }, text))),
      ),
    ),
    section(
      'section-create-order',
      '1. Create an order (server side)',
      h('p', {}, 'Your server creates an order for each purchase, with the amount in paise. Send your key and secret as headers; the secret never goes to a browser.'),
      h('p', {}, 'Base URL: ', h('code', { 'data-test-id': 'api-base-url' }, api), '. Your key: ', h('code', {}, key), '. Your secret (on the Overview page): ', h('code', {}, maskSecret(merchant.api_secret)), '.'),
      h('p', {}, 'The examples read the secret from your shell (this page never prints it): first run ', h('code', {}, 'export PAYSTREAM_API_SECRET=<your secret>'), '.'),
      snippet(
        'code-snippet-create-order',
        'Create an order with curl',
        `curl -X POST ${api}/api/v1/orders \\
  -H "X-Api-Key: ${key}" \\
  -H "X-Api-Secret: $PAYSTREAM_API_SECRET" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: order-rcpt-1001" \\
  -d '{"amount": 50000, "currency": "INR", "receipt": "rcpt_1001", "notes": {"customer_id": "42"}}'`,
      ),
      h('p', {}, 'The answer is ', h('code', {}, '201'), ' with the order, including its ', h('code', {}, 'id'), ' (', h('code', {}, 'order_…'), '), which the checkout needs. Later, your server can read the outcome:'),
      snippet(
        'code-snippet-payment-status',
        'Read a payment with curl',
        `curl ${api}/api/v1/payments/pay_XXXXXXXXXXXXXXXX \\
  -H "X-Api-Key: ${key}" \\
  -H "X-Api-Secret: $PAYSTREAM_API_SECRET"`,
      ),
    ),
    section(
      'section-sdk-integration',
      '2. Take the payment with checkout.js',
      h('p', {}, 'Load the SDK on your page and open the checkout with the order id. The shopper pays by UPI or card in a secure frame; your page hears the outcome.'),
      snippet(
        'code-snippet-sdk',
        'Embed the checkout',
        `<script src="${checkout}/checkout.js"></script>
<button id="pay">Pay ₹500</button>
<script>
  document.getElementById('pay').addEventListener('click', () => {
    const checkout = new PaymentGateway({
      key: '${key}',
      orderId: 'order_XXXXXXXXXXXXXXXX', // from step 1, created by your server
      onSuccess: (data) => {
        // data.paymentId: confirm it on your server (GET /api/v1/payments/{id}) or by webhook
        window.location.href = '/thank-you?payment=' + encodeURIComponent(data.paymentId);
      },
      onFailure: (data) => {
        console.warn('Payment failed:', data.error_code, data.error_description);
      },
      onClose: () => console.log('Checkout closed'),
    });
    checkout.open();
  });
</script>`,
      ),
      h('p', { class: 'muted' }, 'Treat the browser callback as a hint: ship the goods when your server has seen the payment succeed.'),
      h(
        'p',
        { class: 'muted' },
        `With a Content-Security-Policy, allow ${checkout} in script-src and frame-src, and in connect-src for the SDK's check of the payment before onSuccess.`,
      ),
    ),
    section(
      'section-webhook-verification',
      '3. Verify webhooks',
      h('p', {}, 'Each delivery is a POST with a JSON body such as ', h('code', {}, '{"event":"payment.success","timestamp":1705315870,"data":{"payment":{…}}}'), ' and two kinds of signature, both made with your webhook secret (Webhooks page). Check the Standard Webhooks one against the raw body, before parsing it: it signs the id and time of each attempt, so a delivery captured on the way cannot be sent to you again later.'),
      h(
        'ul',
        {},
        h('li', {}, h('code', {}, 'X-Webhook-Signature'), ': lowercase hex HMAC-SHA256 of the body, keyed with the secret as UTF-8 bytes. It signs the body alone and so does not stop a replay: kept for integrations that already check it, which should handle each event once by its name and the payment or refund id in the body.'),
        h(
          'li',
          {},
          'Standard Webhooks: ',
          h('code', {}, 'webhook-id'),
          ', ',
          h('code', {}, 'webhook-timestamp'),
          ' and ',
          h('code', {}, 'webhook-signature'),
          ' (',
          h('code', {}, 'v1,<base64>'),
          ' over ',
          h('code', {}, 'id.timestamp.body'),
          '). The key is the base64-decoded part after ',
          h('code', {}, 'whsec_'),
          ' when that is valid base64, otherwise the whole secret as UTF-8. After a rotation the header carries one signature per live secret, separated by spaces, for 24 hours.',
        ),
      ),
      snippet('code-snippet-webhook', 'Node.js', nodeVerify.trim()),
      snippet('code-snippet-webhook-java', 'Java', javaVerify.trim()),
      h('p', { class: 'muted' }, 'Answer with any 2xx within 5 seconds. The same event can arrive more than once: use webhook-id to handle it once.'),
    ),
    section(
      'section-retry-schedule',
      '4. Retries',
      h('p', {}, 'A delivery that does not get a 2xx within 5 seconds (or meets a network error) is tried again, up to 5 attempts in all, then marked failed. You can retry any delivery by hand from the Webhooks page; that starts the schedule again.'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data-table compact', 'data-test-id': 'retry-schedule-table' },
          h('caption', { class: 'offscreen' }, 'Delay before each attempt'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Attempt'), h('th', { scope: 'col' }, 'Delay after the previous one'), h('th', { scope: 'col' }, 'With ', h('code', {}, 'WEBHOOK_RETRY_INTERVALS_TEST=true')))),
          h('tbody', {}, RETRIES.map((r) => h('tr', {}, r.map((c, i) => h('td', { 'data-label': ['Attempt', 'Delay', 'WEBHOOK_RETRY_INTERVALS_TEST=true'][i] }, c))))),
        ),
      ),
    ),
    section(
      'section-idempotency',
      '5. Idempotent requests',
      h('p', {}, 'Send an ', h('code', {}, 'Idempotency-Key'), ' header (1–255 printable characters, unique per operation) on every POST that creates or changes something. For 24 hours, the same request with the same key returns the first answer again, byte for byte, with ', h('code', {}, 'Idempotent-Replayed: true'), ', and nothing is created twice. The same key with a different request is refused with 422; while the first request is still running, a repeat gets 409.'),
      snippet(
        'code-snippet-idempotency',
        'Safe retries of a refund',
        `curl -X POST ${api}/api/v1/payments/pay_XXXXXXXXXXXXXXXX/refunds \\
  -H "X-Api-Key: ${key}" \\
  -H "X-Api-Secret: $PAYSTREAM_API_SECRET" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: refund-4711" \\
  -d '{"amount": 10000, "reason": "Customer requested"}'`,
      ),
    ),
    section(
      'section-testing',
      '6. Test payments',
      h(
        'ul',
        {},
        h('li', {}, 'UPI ', h('code', {}, 'success@upi'), ' always succeeds; ', h('code', {}, 'failure@upi'), ' always fails.'),
        h('li', {}, 'Card ', h('code', {}, '4111 1111 1111 1111'), ' succeeds; ', h('code', {}, '4000 0000 0000 0002'), ' is declined. Any future expiry and any 3- or 4-digit CVV.'),
      ),
    ),
  );
}

function section(id, title, ...content) {
  return h('section', { id, class: 'card doc-section', 'data-test-id': id, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...content);
}

function snippet(testId, title, code) {
  return h(
    'figure',
    { class: 'snippet' },
    h('figcaption', {}, h('span', {}, title), copyButton(() => code, `${title} snippet`, { 'data-test-id': `copy-${testId}` })),
    h('pre', { class: 'code', tabindex: '0', 'data-test-id': testId }, h('code', {}, code)),
  );
}
