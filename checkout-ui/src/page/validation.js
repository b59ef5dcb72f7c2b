// The checks the server makes on a payment (API.md, Errors), run in the browser first so the
// shopper hears about a typo before anything is sent. They must never be looser than the
// server's; the server stays the judge.

const VPA = /^[a-zA-Z0-9._-]+@[a-zA-Z0-9]+$/;

/** Whether a UPI address has the shape `name@bank`. */
export function isValidVpa(vpa) {
  return typeof vpa === 'string' && vpa.length <= 255 && VPA.test(vpa);
}

/** The digits of a card number with spaces and dashes removed, or null when anything else is in it. */
export function cardDigits(number) {
  const stripped = String(number).replace(/[ -]/g, '');
  return /^\d*$/.test(stripped) ? stripped : null;
}

/** Whether a string of digits passes the Luhn checksum. */
export function passesLuhn(digits) {
  let sum = 0;
  for (let i = digits.length - 1, doubled = false; i >= 0; i--, doubled = !doubled) {
    let d = digits.charCodeAt(i) - 48;
    if (doubled && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether a card number (spaces and dashes allowed) has 13 to 19 digits and a valid Luhn sum. */
export function isValidCardNumber(number) {
  const digits = cardDigits(number);
  return digits !== null && digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);
}

/** The network by prefix: 4 visa; 51–55 mastercard; 34, 37 amex; 60, 65, 81–89 rupay; else unknown. */
export function cardNetwork(number) {
  const digits = cardDigits(number) || '';
  const two = Number(digits.slice(0, 2));
  if (digits[0] === '4') return 'visa';
  if (two >= 51 && two <= 55) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  if (two === 60 || two === 65 || (two >= 81 && two <= 89)) return 'rupay';
  return 'unknown';
}

const EXPIRY = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/;

/**
 * Reads an expiry typed as MM/YY (or MM/YYYY): `{month, year}` with the 4-digit year, or null.
 * A 2-digit year means 20YY, as on the server.
 */
export function parseExpiry(text) {
  const m = EXPIRY.exec(String(text));
  if (!m) return null;
  const month = Number(m[1]);
  if (month < 1 || month > 12) return null;
  const year = m[2].length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return { month, year };
}

/** Whether a card that expires in `month`/`year` is past; it is valid through its expiry month (UTC). */
export function isExpired(month, year, now = new Date()) {
  const nowYear = now.getUTCFullYear();
  return year < nowYear || (year === nowYear && month < now.getUTCMonth() + 1);
}

/** Whether a CVV is 3 or 4 digits. */
export function isValidCvv(cvv) {
  return /^\d{3,4}$/.test(String(cvv));
}

/** The first fault of a UPI form, as `{field, message}`, or null when it may be sent. */
export function checkUpi({ vpa }) {
  const value = String(vpa ?? '').trim();
  if (!value) return { field: 'vpa', message: 'Enter your UPI ID, for example name@bank.' };
  if (!isValidVpa(value)) {
    return { field: 'vpa', message: 'That UPI ID does not look right: use the form name@bank.' };
  }
  return null;
}

/** Why one field of a card form would be refused (`number`, `expiry`, `cvv` or `name`), or null. */
export function checkCardField(field, { number, expiry, cvv, name }, now = new Date()) {
  if (field === 'number') {
    if (!String(number ?? '').trim()) return 'Enter your card number.';
    return isValidCardNumber(number) ? null : 'That card number is not valid: please check the digits.';
  }
  if (field === 'expiry') {
    if (!String(expiry ?? '').trim()) return 'Enter the expiry date as MM/YY.';
    const exp = parseExpiry(expiry);
    // In MM/YY form with no such month ("13/30", "00/30"): the month is what to fix, not the form.
    if (!exp && EXPIRY.test(String(expiry))) return 'The expiry month must be between 01 and 12.';
    if (!exp) return 'Write the expiry date as MM/YY, for example 08/29.';
    return isExpired(exp.month, exp.year, now) ? 'This card has expired: please use another card.' : null;
  }
  if (field === 'cvv') return isValidCvv(cvv) ? null : 'The CVV is the 3 or 4 digits on the back of your card.';
  if (field === 'name') {
    return String(name ?? '').length > 100 ? 'The name on the card can have at most 100 characters.' : null;
  }
  return null;
}

/**
 * The first fault of a card form, in the server's order (number, expiry, cvv, holder name), as
 * `{field, message}`, or null when it may be sent.
 */
export function checkCard(values, now = new Date()) {
  for (const field of ['number', 'expiry', 'cvv', 'name']) {
    const message = checkCardField(field, values, now);
    if (message) return { field, message };
  }
  return null;
}

/**
 * A card number grouped for reading: 4-6-5 for amex up to 15 digits, else groups of 4 (a longer
 * number that starts 34 or 37 too). Every digit typed is kept: a number that is too long is
 * refused by the checks, never shortened into another one.
 */
export function formatCardNumber(text) {
  const digits = String(text).replace(/\D/g, '');
  if (cardNetwork(digits) === 'amex' && digits.length <= 15) {
    return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].filter(Boolean).join(' ');
  }
  return digits.replace(/\d{4}(?=\d)/g, '$& ');
}

/**
 * An expiry as the shopper types it, shaped to MM/YY: "1" stays, "4" → "04/", "1/2" → "01/2",
 * "1229" → "12/29". A 4-digit year that starts with 20 is kept ("12/2030").
 */
export function formatExpiry(text, deleting = false) {
  const raw = String(text);
  let digits = raw.replace(/\D/g, '');
  // "1/" and "4" can only be January and April: the month gets its leading zero ("0/" is no month
  // and is left as it is, for the shopper to finish).
  if (/^\s*[1-9]\s*\//.test(raw) || /^\s*[2-9]/.test(raw)) digits = '0' + digits;
  if (digits.length < 2) return digits;
  if (digits.length === 2) return deleting ? digits : digits + '/';
  const year = digits.slice(2);
  return digits.slice(0, 2) + '/' + (year.length > 2 && year.startsWith('20') ? year.slice(0, 4) : year.slice(0, 2));
}

/** An amount in the currency's smallest unit, written for people: 50000 INR → "₹500.00". */
export function formatAmount(minor, currency, locale = 'en-IN') {
  try {
    const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = fmt.resolvedOptions().maximumFractionDigits;
    return fmt.format(Number.isSafeInteger(minor) ? decimal(minor, digits) : minor / 10 ** digits);
  } catch {
    return `${Number.isSafeInteger(minor) ? decimal(minor, 2) : (minor / 100).toFixed(2)} ${currency}`;
  }
}

// An integer number of minor units as an exact decimal string (9007199254740991, 2 →
// "90071992547409.91"). Intl.NumberFormat reads such a string exactly, where dividing a number
// that large by 100 would round its last digit.
function decimal(minor, digits) {
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const shown = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return minor < 0 ? `-${shown}` : shown;
}
