// Forwards /api/… to the API (the edge, or payments-service directly), so the checkout page and
// checkout.js talk to their own origin and need no CORS of their own.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { sendError } from './http.mjs';

/** What a request that reached the payment service and got no answer may have done. */
const UNKNOWN_OUTCOME =
  'The payment service did not answer; the request may have been carried out. Send it again with the same Idempotency-Key.';

// Headers that belong to one connection and are never forwarded.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Returns a handler that forwards a request to `apiUrl` with the same method, path and body. */
export function apiProxy(apiUrl) {
  const upstream = new URL(apiUrl);
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  return (req, res) => {
    const headers = { ...req.headers, host: upstream.host };
    for (const h of HOP_BY_HOP) delete headers[h];
    headers['x-forwarded-for'] = req.socket.remoteAddress || '';
    headers['x-forwarded-host'] = req.headers.host || '';
    const out = send(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, timeout: 30_000 },
      (answer) => {
        const back = { ...answer.headers };
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
        sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The payment service is not reachable right now.', { 'Retry-After': '1' });
      } else {
        sendError(res, timedOut ? 504 : 502, 'SERVICE_UNAVAILABLE', UNKNOWN_OUTCOME, { 'Retry-After': '1' });
      }
    });
    req.pipe(out);
  };
}
