// The demo shop: a merchant page that creates an order server-side and opens the checkout.
// The merchant's key and secret stay in this process (DEMO_API_KEY, DEMO_API_SECRET); the page
// only ever sees the key, which checkout.js passes along in the clear anyway.
import { join } from 'node:path';
import { readBody, sendError, sendFile, sendJson } from './http.mjs';

/**
 * Returns a handler for `/demo.html` (also `/`) and `POST /demo/orders`, or false for other paths.
 *
 * @param {object} o
 * @param {string} o.dist the built site
 * @param {string} o.apiUrl where orders are created (`POST {apiUrl}/api/v1/orders`)
 * @param {string} o.checkoutUrl the checkout origin that serves checkout.js ('' = this origin)
 * @param {string} [o.key] the merchant's API key; without key and secret, order creation is off
 * @param {string} [o.secret] the merchant's API secret
 */
export function demoRoutes({ dist, apiUrl, checkoutUrl, key, secret }) {
  const canCreate = Boolean(key && secret);
  const config = JSON.stringify({ checkoutUrl, key: key || '', canCreateOrders: canCreate }).replace(/</g, '\\u003c');
  const page = (html) => html.replaceAll('%CHECKOUT_URL%', checkoutUrl).replace('%DEMO_CONFIG%', config);

  async function createOrder(req, res) {
    if (!canCreate) {
      return sendError(res, 404, 'NOT_FOUND_ERROR', 'Order creation is off here: start the server with DEMO_API_KEY and DEMO_API_SECRET.');
    }
    const raw = await readBody(req);
    let amount;
    try {
      ({ amount } = JSON.parse(raw));
    } catch {
      return sendError(res, 400, 'BAD_REQUEST_ERROR', 'Send a JSON body such as {"amount": 50000}.');
    }
    let answer;
    try {
      answer = await fetch(new URL('/api/v1/orders', apiUrl), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Api-Key': key, 'X-Api-Secret': secret },
        body: JSON.stringify({ amount, currency: 'INR', receipt: `demo_${Date.now()}` }),
      });
    } catch {
      return sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The payment service is not reachable right now.');
    }
    sendJson(res, answer.status, await answer.json());
  }

  return (req, res, path) => {
    if ((path === '/' || path === '/demo.html') && (req.method === 'GET' || req.method === 'HEAD')) {
      sendFile(req, res, join(dist, 'demo.html'), {}, page);
      return true;
    }
    if (path === '/demo/orders' && req.method === 'POST') {
      createOrder(req, res).catch(() => sendError(res, 500, 'SERVER_ERROR', 'The demo could not create the order.'));
      return true;
    }
    return false;
  };
}
