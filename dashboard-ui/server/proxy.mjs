// Forwards /api/… to the service that owns the path, so the dashboard's pages talk only to their
// own origin and need no CORS.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { sendError } from './http.mjs';
import { serviceFor } from './routes.mjs';

/**
 * What a request that reached the service and got no answer may have done, by method: a read did
 * nothing and is simply asked again; a POST (which creates) is sent again with its Idempotency-Key.
 */
function unknownOutcome(method) {
  if (method === 'GET' || method === 'HEAD') return 'The service behind this page did not answer. Try again.';
  if (method === 'POST') {
    return 'The service behind this page did not answer; the request may have been carried out. Send it again with the same Idempotency-Key.';
  }
  return 'The service behind this page did not answer; the request may have been carried out. Check before sending it again.';
}

// Headers that belong to one connection and are never forwarded.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/**
 * The upstream of each service: one URL for all (the edge) when `apiUrl` is given, else one per
 * service.
 *
 * @param {{apiUrl?: string, paymentsUrl?: string, refundsUrl?: string, webhooksUrl?: string}} o
 */
export function upstreams({ apiUrl, paymentsUrl, refundsUrl, webhooksUrl }) {
  if (apiUrl) return { payments: new URL(apiUrl), refunds: new URL(apiUrl), webhooks: new URL(apiUrl) };
  const payments = new URL(paymentsUrl || 'http://127.0.0.1:8081');
  return {
    payments,
    refunds: new URL(refundsUrl || 'http://127.0.0.1:8082'),
    webhooks: new URL(webhooksUrl || 'http://127.0.0.1:8083'),
  };
}

/** Returns a handler that forwards a request, with the same method, path, headers and body. */
export function apiProxy(targets) {
  return (req, res, path) => {
    const upstream = targets[serviceFor(path)];
    const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...req.headers, host: upstream.host };
    for (const h of HOP_BY_HOP) delete headers[h];
    headers['x-forwarded-for'] = req.socket.remoteAddress || '';
    headers['x-forwarded-host'] = req.headers.host || '';
    headers['x-forwarded-proto'] = 'http';
    const out = send(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        timeout: 30_000,
      },
      (answer) => {
        const back = { ...answer.headers, 'cache-control': 'no-store' };
        for (const h of HOP_BY_HOP) delete back[h];
        res.writeHead(answer.statusCode, back);
        answer.pipe(res);
      },
    );
    // Once connected, the request may reach the service: a failure after that leaves its outcome
    // unknown, which a 503 (nothing was done) would misstate.
    let reached = false;
    out.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => (reached = true));
      else reached = true; // a kept-alive connection
    });
    let timedOut = false;
    out.on('timeout', () => {
      timedOut = true;
      out.destroy(new Error('timeout'));
    });
    out.on('error', () => {
      if (res.headersSent) {
        res.destroy();
      } else if (!reached) {
        sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The service behind this page is not reachable right now.', {
          'Retry-After': '1',
        });
      } else {
        sendError(res, timedOut ? 504 : 502, 'SERVICE_UNAVAILABLE', unknownOutcome(req.method), { 'Retry-After': '1' });
      }
    });
    req.pipe(out);
  };
}
