// Where each request to the dashboard's origin goes: a redirect for an old link, the single-page
// app, a built asset, or the API (and then which service owns the path, as the edge decides).

/** Old page addresses that bookmarks and earlier links still use. */
export const REDIRECTS = new Map([
  ['/index.html', '/dashboard'],
  ['/login.html', '/login'],
  ['/dashboard.html', '/dashboard'],
  ['/transactions.html', '/dashboard/transactions'],
  ['/webhooks.html', '/dashboard/webhooks'],
  ['/docs.html', '/dashboard/docs'],
]);

const APP_ROUTES = /^\/(login|dashboard(\/(transactions(\/[A-Za-z0-9_]{1,64})?|webhooks|docs))?)\/?$/;

/** True for the paths the single-page app answers (its index.html is served for them). */
export function isAppRoute(path) {
  return path === '/' || APP_ROUTES.test(path);
}

const REFUNDS = [/^\/api\/v1\/payments\/[^/]+\/refunds(\/|$)/, /^\/api\/v1\/refunds(\/|$)/];
const WEBHOOKS = [/^\/api\/v1\/webhook-endpoints(\/|$)/, /^\/api\/v1\/webhook-secret(\/|$)/, /^\/api\/v1\/webhooks(\/|$)/];

/**
 * The service that owns an API path: `refunds`, `webhooks` or `payments` (everything else under
 * `/api/`). The same split as the edge in front of the services.
 */
export function serviceFor(pathAndQuery) {
  const path = pathAndQuery.split('?')[0];
  if (REFUNDS.some((r) => r.test(path))) return 'refunds';
  if (WEBHOOKS.some((r) => r.test(path))) return 'webhooks';
  return 'payments';
}
