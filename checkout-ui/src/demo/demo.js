// The demo shop: creates an order through its own server (never with the secret in the browser)
// and opens the checkout with checkout.js, listing every callback it gets.

const config = JSON.parse(document.getElementById('demo-config').textContent);
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

// Each callback is listed on the page and kept in window.demoEvents (the browser tests read it).
window.demoEvents = [];
function report(name, data) {
  window.demoEvents.push({ name, data: data ?? null });
  const item = document.createElement('li');
  item.textContent = data === undefined ? name : `${name} ${JSON.stringify(data)}`;
  $('events').appendChild(item);
}

function openCheckout(orderId, key) {
  const checkout = new window.PaymentGateway({
    key,
    orderId,
    onSuccess: (data) => report('onSuccess', data),
    onFailure: (data) => report('onFailure', data),
    onClose: () => report('onClose'),
  });
  window.demoCheckout = checkout;
  checkout.open();
}

async function buy() {
  const rupees = Number($('amount').value);
  if (!Number.isInteger(rupees) || rupees < 1) {
    $('buy-note').textContent = 'Enter a whole number of rupees, at least 1.';
    return;
  }
  $('buy-note').textContent = 'Creating your order…';
  const answer = await fetch('/demo/orders', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ amount: rupees * 100 }),
  }).catch(() => null);
  const body = answer && (await answer.json().catch(() => null));
  if (!answer || !answer.ok || !body) {
    $('buy-note').textContent = (body && body.error && body.error.description) || 'The order could not be created.';
    return;
  }
  $('buy-note').textContent = `Order ${body.id} created.`;
  $('order-id').value = body.id;
  openCheckout(body.id, config.key);
}

$('api-key').value = params.get('key') || config.key || 'key_test_abc123';
$('order-id').value = params.get('order_id') || '';
$('buy').addEventListener('click', buy);
if (!config.canCreateOrders) {
  $('buy').disabled = true;
  $('buy-note').textContent = 'Order creation is off on this server (no DEMO_API_KEY / DEMO_API_SECRET): use an order id below.';
}
$('open-checkout').addEventListener('click', () => {
  const orderId = $('order-id').value.trim();
  if (orderId) openCheckout(orderId, $('api-key').value.trim());
  else $('order-id').focus();
});
