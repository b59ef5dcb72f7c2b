// Where signing in returns to: the dashboard address that was shown (or asked for) when the
// session ended or was missing, filters and page included, passed through /login?next=…. No DOM
// here, so `node --test` covers it directly.

// A dashboard path (letters, digits, `_`, `-`, single `/`), and a plain query: no scheme, no `//`,
// no backslash, no fragment, nothing that could leave this origin or the dashboard.
const PATH = /^\/dashboard(?:\/[A-Za-z0-9_-]+)*\/?$/;
const QUERY = /^\?[A-Za-z0-9_.~%=&+-]*$/;

/** The address `/login?next=…` should carry for `path` (decoded pathname) and `search`. */
export function nextParam(path, search = '') {
  // A query it cannot take (a character outside the plain set) still leaves the path.
  const target = safeNext(`${path}${search === '?' ? '' : search}`) || safeNext(path);
  return target ? `?next=${encodeURIComponent(target)}` : '';
}

/**
 * `next` as read from the login page's address, when it is a same-origin dashboard address
 * (`/dashboard/transactions?status=failed&offset=10`); null for anything else.
 */
export function safeNext(next) {
  if (typeof next !== 'string' || next.length > 2048) return null;
  const cut = next.indexOf('?');
  const path = cut < 0 ? next : next.slice(0, cut);
  const search = cut < 0 ? '' : next.slice(cut);
  if (!PATH.test(path) || path.includes('//')) return null;
  if (search && !QUERY.test(search)) return null;
  return search === '?' ? path : path + search;
}
