// Small HTTP helpers: JSON errors in the API's shape and static files from dist/.
import { open } from 'node:fs/promises';
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

/**
 * Streams a file with `status` (HEAD: headers only); 404 JSON when it does not exist. The file is
 * opened first and its size taken from the open file, so one replaced or removed meanwhile (`npm
 * run build` while serving) is either sent whole as it was opened or not at all. A file that fails
 * to read answers 500 when nothing was sent yet, and otherwise cuts the response short (its
 * Content-Length then tells the client it is incomplete); the server carries on either way.
 */
export async function sendFile(req, res, file, headers = {}, status = 200) {
  let handle = null;
  let info = null;
  try {
    handle = file ? await open(file, 'r') : null;
    info = handle && (await handle.stat());
  } catch (err) {
    await handle?.close().catch(() => {});
    if (!MISSING.has(err.code)) return sendError(res, 500, 'SERVER_ERROR', 'This file could not be read.');
    info = null;
  }
  if (!info || !info.isFile() || res.destroyed) {
    await handle?.close().catch(() => {});
    if (res.destroyed) return; // the client left while the file was opened
    return sendError(res, 404, 'NOT_FOUND_ERROR', 'There is nothing at this address.');
  }
  const head = { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Content-Length': info.size, ...PAGE_HEADERS, ...headers };
  if (req.method === 'HEAD') {
    await handle.close().catch(() => {});
    res.writeHead(status, head);
    return res.end();
  }
  // Set, not written yet: until the first bytes go out, a failed read can still answer 500.
  res.statusCode = status;
  for (const [name, value] of Object.entries(head)) res.setHeader(name, value);
  const stream = handle.createReadStream(); // closes the file when done, failed or destroyed
  stream.on('error', () => {
    stream.unpipe(res);
    if (res.headersSent) return res.destroy();
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    sendError(res, 500, 'SERVER_ERROR', 'This file could not be read.');
  });
  res.on('close', () => stream.destroy()); // the client left: stop reading
  stream.pipe(res);
}

// What opening a path that names no file fails with.
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP']);
