// Small HTTP helpers: JSON errors in the API's shape and static files from dist/.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Headers every page of the dashboard carries: it holds a merchant's secret, so it is never framed. */
export const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

// localhost and its subdomains, a 127.x.x.x address or [::1], with an optional trailing dot and port.
const LOCAL_NAME = /^(localhost|[a-z0-9.-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])\.?(:\d{1,5})?$/i;

/** Whether a listen address (HOST) is reachable from this machine only. */
export function isLoopback(address) {
  return /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(address);
}

/**
 * Answers 421 and returns true when `localNamesOnly` is set and the request's `Host` does not name
 * this machine. A page the developer visits may point a name of its own at 127.0.0.1 (DNS rebinding)
 * and call this server as a page of its origin: through /api it would drive the seeded merchant,
 * whose credentials are public, and its webhooks, which a local run lets reach private addresses.
 * The forwarded request names the upstream, so the edge's and the services' own check of the name
 * cannot see the page's: it is made here, as the edge makes it.
 */
export function refuseForeignHost(req, res, localNamesOnly) {
  if (!localNamesOnly || LOCAL_NAME.test(req.headers.host || 'localhost')) return false;
  sendError(res, 421, 'BAD_REQUEST_ERROR', 'This server answers only to the names of this machine (localhost)');
  return true;
}

/** Writes `{"error":{"code","description"}}` with the given status. */
export function sendError(res, status, code, description, headers = {}) {
  const body = JSON.stringify({ error: { code, description } });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/**
 * The file under `root` that an already decoded URL path names, or null when the path tries to
 * leave `root` or holds a NUL byte. The path is not decoded again: `%25` stays a literal `%`.
 */
export function fileIn(root, path) {
  if (path.includes('\0')) return null;
  const file = normalize(join(root, path));
  return file.startsWith(normalize(root + sep)) ? file : null;
}

/** Streams a file with `status` (HEAD: headers only); 404 JSON when it does not exist. */
export async function sendFile(req, res, file, headers = {}, status = 200) {
  const info = file && (await stat(file).catch(() => null));
  if (!info || !info.isFile()) return sendError(res, 404, 'NOT_FOUND_ERROR', 'There is nothing at this address.');
  res.writeHead(status, {
    'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
    'Content-Length': info.size,
    ...PAGE_HEADERS,
    ...headers,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}
