// Forwards /api/… to the API (the edge, or payments-service directly), so the checkout page and
// checkout.js talk to their own origin and need no CORS of their own.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { sendError } from './http.mjs';

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
    out.on('timeout', () => out.destroy(new Error('timeout')));
    out.on('error', () => {
      if (!res.headersSent) {
        sendError(res, 503, 'SERVICE_UNAVAILABLE', 'The payment service is not reachable right now.', { 'Retry-After': '1' });
      } else {
        res.destroy();
      }
    });
    req.pipe(out);
  };
}
