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
