// The two HTTP servers of checkout-ui: the checkout origin (page, checkout.js, /api proxy, and the
// demo on the same origin) and, optionally, a demo shop on an origin of its own.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { demoRoutes } from './demo.mjs';
import { fileIn, refuseForeignHost, sendError, sendFile } from './http.mjs';
import { apiProxy } from './proxy.mjs';

const CHECKOUT_PAGES = new Set(['/checkout', '/checkout.html']);

// What lets a cross-origin isolated merchant page (COEP require-corp or credentialless) frame the
// checkout page: the page may be embedded cross-origin, and is isolated itself (everything it loads
// is its own origin's).
const EMBEDDABLE = {
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function pathOf(req) {
  try {
    return new URL(req.url, 'http://x').pathname;
  } catch {
    return null;
  }
}

/**
 * The checkout origin. `/checkout` and `/checkout.html` may be framed by any origin (merchants
 * embed it), so no X-Frame-Options and no frame-ancestors are sent, and cross-origin isolated
 * merchant pages may frame it too.
 *
 * @param {{dist: string, apiUrl: string, demo?: {key?: string, secret?: string}, localNamesOnly?: boolean}} o
 *   (`localNamesOnly`: answer only requests naming this machine)
 */
export function createCheckoutServer({ dist, apiUrl, demo = {}, localNamesOnly = false }) {
  const proxy = apiProxy(apiUrl);
  const demoPage = demoRoutes({ dist, apiUrl, checkoutUrl: '', ...demo });
  return createServer((req, res) => {
    if (refuseForeignHost(req, res, localNamesOnly)) return;
    const path = pathOf(req);
    if (path === null) return sendError(res, 400, 'BAD_REQUEST_ERROR', 'The request address is malformed.');
    if (path.startsWith('/api/')) return proxy(req, res);
    if (demoPage(req, res, path)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'BAD_REQUEST_ERROR', 'Only GET and HEAD are served here.', { Allow: 'GET, HEAD' });
    }
    if (CHECKOUT_PAGES.has(path)) return sendFile(req, res, join(dist, 'checkout.html'), EMBEDDABLE);
    if (path === '/checkout.js') {
      // Loaded by <script> from any merchant origin, and fetched by pages that use COEP.
      return sendFile(req, res, join(dist, 'checkout.js'), {
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
    }
    if (path.startsWith('/assets/')) return sendFile(req, res, fileIn(dist, path));
    sendError(res, 404, 'NOT_FOUND_ERROR', 'There is nothing at this address.');
  });
}

/**
 * A demo shop on its own origin, loading checkout.js from `checkoutUrl`: what a merchant's site is.
 *
 * @param {{dist: string, apiUrl: string, checkoutUrl: string, key?: string, secret?: string,
 *   localNamesOnly?: boolean}} o
 */
export function createDemoServer({ dist, apiUrl, checkoutUrl, key, secret, localNamesOnly = false }) {
  const demoPage = demoRoutes({ dist, apiUrl, checkoutUrl, key, secret });
  return createServer((req, res) => {
    if (refuseForeignHost(req, res, localNamesOnly)) return;
    const path = pathOf(req);
    if (path !== null && demoPage(req, res, path)) return;
    if (path === '/assets/demo.js' || path === '/assets/demo.css') return sendFile(req, res, fileIn(dist, path));
    sendError(res, 404, 'NOT_FOUND_ERROR', 'There is nothing at this address.');
  });
}
