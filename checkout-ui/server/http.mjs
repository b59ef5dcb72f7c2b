// Small HTTP helpers shared by the checkout and demo servers: JSON errors in the API's shape and
// static files from dist/ with no way out of it.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
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
 * and call this server as a page of its origin: through /api it would reach the local API, whose
 * test merchant's credentials are public, under the upstream's name, which the edge's and the
 * services' own check of the name let through. The check is made here, as the edge makes it.
 */
export function refuseForeignHost(req, res, localNamesOnly) {
  if (!localNamesOnly || LOCAL_NAME.test(req.headers.host || 'localhost')) return false;
  sendError(res, 421, 'BAD_REQUEST_ERROR', 'This server answers only to the names of this machine (localhost)');
  return true;
}

/** Sends `{"error":{"code","description"}}` (API.md, Errors). */
export function sendError(res, status, code, description, headers = {}) {
  sendJson(res, status, { error: { code, description } }, headers);
}

/** Sends a JSON body. */
export function sendJson(res, status, body, headers = {}) {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...headers });
  res.end(bytes);
}

/** The file under `root` that a URL path names, or null when it would leave `root` or is malformed. */
export function fileIn(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = normalize(join(root, path));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

/**
 * Sends a file (GET or HEAD) with its type, revalidated on every use (`no-cache` + Last-Modified),
 * or a JSON 404. `transform`, when given, rewrites a text file's content before it is sent.
 */
export async function sendFile(req, res, file, headers = {}, transform = null) {
  const info = file && (await stat(file).catch(() => null));
  if (!info || !info.isFile()) return sendError(res, 404, 'NOT_FOUND_ERROR', 'There is nothing at this address.');
  const lastModified = info.mtime.toUTCString();
  const base = {
    'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'Last-Modified': lastModified,
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  };
  if (!transform && req.headers['if-modified-since'] === lastModified) {
    res.writeHead(304, base);
    return res.end();
  }
  if (transform) {
    const body = Buffer.from(transform(await readFile(file, 'utf8')));
    res.writeHead(200, { ...base, 'Content-Length': body.length });
    return res.end(req.method === 'HEAD' ? undefined : body);
  }
  res.writeHead(200, { ...base, 'Content-Length': info.size });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

/** Reads a small request body (at most `limit` bytes), or null when it is larger. */
export async function readBody(req, limit = 16 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
