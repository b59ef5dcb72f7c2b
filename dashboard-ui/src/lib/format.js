// Pure helpers for what the pages show: money, secrets, statuses, dates, URLs and paging.
// No DOM here, so `node --test` covers them directly.

const MINOR_UNITS = new Map();

/**
 * Digits after the decimal point for a currency: its ISO 4217 minor unit as the browser's Intl
 * knows it (0 for JPY or VND, 3 for JOD or KWD), as the checkout page shows it too; 2 for a code
 * Intl cannot format.
 */
export function minorUnits(currency = 'INR') {
  let digits = MINOR_UNITS.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    } catch {
      digits = 2;
    }
    MINOR_UNITS.set(currency, digits);
  }
  return digits;
}

/** `50000` paise → `₹500.00` (Indian digit grouping for INR). Non-integers are shown as `—`. */
export function formatAmount(minor, currency = 'INR') {
  if (!Number.isSafeInteger(minor)) return '—';
  const digits = minorUnits(currency);
  const locale = currency === 'INR' ? 'en-IN' : 'en-US';
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(decimal(minor, digits));
  } catch {
    return `${decimal(minor, digits)} ${currency}`;
  }
}

/**
 * The amounts collected per currency (`[{currency: 'INR', total_amount: 150000}, …]`), each in its
 * own currency: `₹1,500.00 + $25.00`. Currencies with nothing collected are left out unless all are;
 * with no payments at all, `total` (0) in rupees.
 */
export function formatAmounts(byCurrency, total) {
  const collected = byCurrency.filter((c) => c.total_amount > 0);
  const shown = collected.length ? collected : byCurrency.slice(0, 1);
  if (!shown.length) return formatAmount(total);
  return shown.map((c) => formatAmount(c.total_amount, c.currency)).join(' + ');
}

/**
 * What the "Amount collected" tile shows: `{text, state, figures}`. `stats` is the answer of
 * /payments/stats; `byCurrency` the per-currency figures read with it (`data` of
 * /payments/stats/currencies), or null when they could not be read; `last` the per-currency figures
 * shown before, or null.
 *
 * `stats.total_amount` adds up the minor units of every currency (paise, cents and dong together),
 * so it is shown only where it is known to be in one currency: when the payments are still those of
 * `last` (as many as then: payments are never removed) and `last` had one currency, or when it
 * still equals the sum of `last` (nothing changed). Otherwise the figures of `last` stay, as
 * possibly out of date (`state` stale), or there is no figure (`state` unavailable).
 */
export function collectedAmount(stats, byCurrency, last) {
  if (Array.isArray(byCurrency)) return { text: formatAmounts(byCurrency, 0), state: 'current', figures: byCurrency };
  const total = stats?.total_amount;
  if (total === 0) return { text: formatAmounts(last || [], 0), state: 'current', figures: last };
  if (!Array.isArray(last) || !Number.isSafeInteger(total)) return { text: 'Unavailable', state: 'unavailable', figures: null };
  const count = last.reduce((n, c) => n + (c.total_transactions || 0), 0);
  const sum = last.reduce((n, c) => n + (c.total_amount || 0), 0);
  const samePayments = count === stats.total_transactions;
  if (samePayments && last.length === 1) {
    const figures = [{ ...last[0], total_amount: total }];
    return { text: formatAmounts(figures, 0), state: 'current', figures };
  }
  if (samePayments && sum === total) return { text: formatAmounts(last, 0), state: 'current', figures: last };
  return { text: formatAmounts(last, 0), state: 'stale', figures: last };
}

// An integer number of minor units as an exact decimal string (9007199254740991, 2 →
// "90071992547409.91"). Intl.NumberFormat reads such a string exactly, where dividing a number
// that large by 100 would round its last digit.
function decimal(minor, digits) {
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const shown = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return minor < 0 ? `-${shown}` : shown;
}

/**
 * What a person typed as an amount in rupees (`"500"`, `"1,250.5"`, `"₹ 10.25"`) → paise as an
 * integer, or null when it is not a positive amount with at most the currency's decimals.
 */
export function parseAmount(text, currency = 'INR') {
  const digits = minorUnits(currency);
  const clean = String(text ?? '').replace(/[₹,\s]/g, '');
  const shape = digits === 0 ? /^\d+$/ : new RegExp(`^(\\d+)(?:\\.(\\d{1,${digits}}))?$`);
  const m = clean.match(shape);
  if (!m) return null;
  const whole = digits === 0 ? clean : m[1];
  const fraction = digits === 0 ? '' : (m[2] || '').padEnd(digits, '0');
  const minor = Number(whole) * 10 ** digits + Number(fraction || 0);
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** Minor units → the plain number a person would type back (`50050` → `"500.50"`). */
export function amountInput(minor, currency = 'INR') {
  return decimal(minor, minorUnits(currency));
}

/** `secret_test_xyz789` → `secret_••••••••z789`: the prefix up to the first `_`, the last 4. */
export function maskSecret(secret) {
  if (typeof secret !== 'string' || secret.length === 0) return '';
  if (secret.length <= 8) return '•'.repeat(secret.length);
  const cut = secret.indexOf('_');
  const prefix = cut > 0 && cut < secret.length - 8 ? secret.slice(0, cut + 1) : '';
  return `${prefix}${'•'.repeat(8)}${secret.slice(-4)}`;
}

const TONES = {
  success: 'good',
  processed: 'good',
  paid: 'good',
  pending: 'wait',
  created: 'neutral',
  attempted: 'wait',
  failed: 'bad',
};

const LABELS = {
  success: 'Succeeded',
  processed: 'Processed',
  paid: 'Paid',
  pending: 'Pending',
  created: 'Created',
  attempted: 'Attempted',
  failed: 'Failed',
};

/** How a status is shown: `{text, label, tone}`; tone is one of good, wait, bad, neutral. */
export function statusBadge(status) {
  const text = typeof status === 'string' && status ? status : 'unknown';
  return { text, label: LABELS[text] || 'Unknown', tone: TONES[text] || 'neutral' };
}

/**
 * Checks a webhook URL before it is sent: null when acceptable, else the reason in words. The
 * service decides about private addresses; here only the shape is checked.
 */
export function validateWebhookUrl(value) {
  const text = String(value ?? '').trim();
  if (!text) return 'Enter the URL that should receive webhooks.';
  // Characters as the service counts them: code points, an emoji one.
  if ([...text].length > 2048) return 'The URL is longer than 2048 characters.';
  let url;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, such as https://example.com/webhooks.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The URL must start with https:// or http://.';
  if (!url.hostname) return 'The URL needs a host name.';
  if (url.username || url.password) return 'Leave user names and passwords out of the URL.';
  if (url.hash) return 'The URL cannot contain a # fragment.';
  return null;
}

/**
 * ISO time → `15 Jan 2026, 16:01:05 GMT+5:30` in the given time zone (the browser's by default),
 * named, so that staff comparing it with the API's UTC times or a colleague's screen can tell.
 */
export function formatDateTime(iso, timeZone) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone,
    timeZoneName: 'short',
  }).format(date);
}

/** `42.857…` → `42.9%`; whole numbers without decimals (`100%`, `0%`). */
export function formatRate(rate) {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return '—';
  const rounded = Math.round(rate * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

/** `1234567` → `12,34,567` (the Indian grouping the amounts use). */
export function formatCount(n) {
  return Number.isSafeInteger(n) ? new Intl.NumberFormat('en-IN').format(n) : '—';
}

/** `(offset 10, limit 10, total 42)` → `11–20 of 42`; `No results` when empty. */
export function pageSummary(offset, limit, total) {
  if (!total) return 'No results';
  const first = Math.min(offset + 1, total);
  const last = Math.min(offset + limit, total);
  return `${first}–${last} of ${formatCount(total)}`;
}

/** The offset of the previous (direction -1) or next (+1) page, or null when there is none. */
export function pageOffset(offset, limit, total, direction) {
  if (direction < 0) return offset > 0 ? Math.max(0, offset - limit) : null;
  return offset + limit < total ? offset + limit : null;
}

/** A wait in seconds, rounded up, for "try again in …": `45` → `45 seconds`, `900` → `15 minutes`, `7200` → `2 hours`. */
export function formatWait(seconds) {
  const s = Math.max(1, Math.ceil(seconds));
  const unit = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s < 60) return unit(s, 'second');
  if (s <= 90 * 60) return unit(Math.ceil(s / 60), 'minute');
  return unit(Math.ceil(s / 3600), 'hour');
}
