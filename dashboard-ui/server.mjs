// The dashboard's origin: the built single-page app from dist/, redirects for old page addresses,
// and /api/… forwarded to the services (so the browser needs no CORS).
//
//   PORT=3000 API_URL=http://127.0.0.1:8000 node server.mjs        one upstream (the edge)
//   PAYMENTS_URL=… REFUNDS_URL=… WEBHOOKS_URL=… node server.mjs     one per service, routed by path
//
// PUBLIC_API_URL and PUBLIC_CHECKOUT_URL are the addresses the integration guide shows merchants.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_HEADERS, fileIn, isLoopback, refuseForeignHost, sendError, sendFile } from './server/http.mjs';
import { apiProxy, upstreams } from './server/proxy.mjs';
import { REDIRECTS, isAppRoute } from './server/routes.mjs';

const DIST = fileURLToPath(new URL('./dist/', import.meta.url));

const acceptsHtml = (req) => /(^|,)\s*text\/html\s*(;|,|$)/i.test(req.headers.accept || '');

/**
 * @param {{dist?: string, apiUrl?: string, paymentsUrl?: string, refundsUrl?: string,
 *   webhooksUrl?: string, publicApiUrl?: string, publicCheckoutUrl?: string,
 *   localNamesOnly?: boolean}} o (`localNamesOnly`: answer only requests naming this machine)
 */
export function createDashboardServer(o = {}) {
  const dist = o.dist || DIST;
  const proxy = apiProxy(upstreams(o));
  const config = JSON.stringify({
    api_base_url: o.publicApiUrl || 'http://localhost:8000',
    checkout_url: o.publicCheckoutUrl || 'http://localhost:3001',
  });
  return createServer((req, res) => {
    if (refuseForeignHost(req, res, o.localNamesOnly)) return;
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return sendError(res, 400, 'BAD_REQUEST_ERROR', 'The request address is malformed.');
    }
    if (path.startsWith('/api/')) return proxy(req, res, path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'BAD_REQUEST_ERROR', 'Only GET and HEAD are served here.', { Allow: 'GET, HEAD' });
    }
    const target = REDIRECTS.get(path);
    if (target) {
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      res.writeHead(301, { Location: target + query, 'Content-Length': 0 });
      return res.end();
    }
    if (path === '/dashboard-config.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...PAGE_HEADERS });
      return res.end(req.method === 'HEAD' ? undefined : config);
    }
    if (isAppRoute(path)) return sendFile(req, res, join(dist, 'index.html'), { 'Cache-Control': 'no-cache' });
    if (path.startsWith('/assets/')) {
      // Vite names every asset after its content hash.
      return sendFile(req, res, fileIn(dist, path), { 'Cache-Control': 'public, max-age=31536000, immutable' });
    }
    if (path === '/favicon.svg') return sendFile(req, res, join(dist, 'favicon.svg'));
    // A page asked for by a browser (a mistyped or outdated address) gets the app, which says that
    // there is no such page and offers the way back; anything else gets the API's JSON 404.
    if (acceptsHtml(req)) {
      return sendFile(req, res, join(dist, 'index.html'), { 'Cache-Control': 'no-store' }, 404);
    }
    sendError(res, 404, 'NOT_FOUND_ERROR', 'There is nothing at this address.');
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = process.env;
  const port = Number(env.PORT || 3000);
  const host = env.HOST || '127.0.0.1';
  const server = createDashboardServer({
    apiUrl: env.API_URL,
    paymentsUrl: env.PAYMENTS_URL,
    refundsUrl: env.REFUNDS_URL,
    webhooksUrl: env.WEBHOOKS_URL,
    publicApiUrl: env.PUBLIC_API_URL,
    publicCheckoutUrl: env.PUBLIC_CHECKOUT_URL,
    localNamesOnly: isLoopback(host),
  });
  server.listen(port, host, () => {
    const api = env.API_URL || `payments ${env.PAYMENTS_URL || 'http://127.0.0.1:8081'}, refunds ${env.REFUNDS_URL || 'http://127.0.0.1:8082'}, webhooks ${env.WEBHOOKS_URL || 'http://127.0.0.1:8083'}`;
    console.log(`dashboard on http://localhost:${port} (API: ${api})`);
  });
  const stop = () => server.close(() => process.exit(0)).closeAllConnections();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
