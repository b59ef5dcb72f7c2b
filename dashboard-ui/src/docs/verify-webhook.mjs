// Checking that a webhook really comes from Paystream, in Node.js 18+ with no dependencies.
// Always verify the raw body exactly as received, before parsing it.
import crypto from 'node:crypto';

/**
 * X-Webhook-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the secret's UTF-8
 * bytes. It signs the body alone, so a delivery captured once passes it again later: prefer
 * verifyStandardWebhook, and if you rely on this one, handle each event once by what the body
 * says (its event name and the payment or refund id).
 */
export function verifySignature(rawBody, header, secret) {
  if (typeof header !== 'string') return false;
  const expected = crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
  return safeEqual(expected, header.trim().toLowerCase());
}

/**
 * Standard Webhooks: webhook-signature holds one or more `v1,<base64>` (space-separated while a
 * secret rotation is under way) over `<webhook-id>.<webhook-timestamp>.<raw body>`.
 */
export function verifyStandardWebhook(rawBody, headers, secret, toleranceSeconds = 300) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return false;
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!/^\d+$/.test(timestamp) || age > toleranceSeconds) return false; // refuse replays
  const expected = crypto
    .createHmac('sha256', signingKey(secret))
    .update(`${id}.${timestamp}.`)
    .update(rawBody)
    .digest('base64');
  return signatures.split(' ').some((s) => s.startsWith('v1,') && safeEqual(s.slice(3), expected));
}

/** The key: the base64-decoded part after `whsec_` when it is valid base64, else the whole secret. */
export function signingKey(secret) {
  const rest = secret.startsWith('whsec_') ? secret.slice(6) : '';
  const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  return rest !== '' && base64.test(rest) ? Buffer.from(rest, 'base64') : Buffer.from(secret, 'utf8');
}

function safeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// With Express, keep the body raw on the webhook route:
//
//   app.post('/webhooks/paystream', express.raw({ type: 'application/json' }), (req, res) => {
//     const secret = process.env.PAYSTREAM_WEBHOOK_SECRET;
//     // Not "or X-Webhook-Signature": that one signs the body alone and would let a captured
//     // delivery through again; this one signs the attempt's id and time too.
//     if (!verifyStandardWebhook(req.body, req.headers, secret)) return res.status(400).end();
//     const { event, data } = JSON.parse(req.body);
//     // ... handle it once: webhook-id stays the same on every retry of one event
//     res.status(200).end();
//   });
