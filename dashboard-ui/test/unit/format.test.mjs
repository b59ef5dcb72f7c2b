import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  amountInput,
  collectedAmount,
  formatAmount,
  formatAmounts,
  formatCount,
  formatDateTime,
  formatRate,
  formatWait,
  maskSecret,
  minorUnits,
  pageOffset,
  pageSummary,
  parseAmount,
  statusBadge,
  validateWebhookUrl,
} from '../../src/lib/format.js';

test('amounts collected in several currencies are each shown in their own', () => {
  const inr = { currency: 'INR', total_amount: 150000 };
  const usd = { currency: 'USD', total_amount: 2500 };
  const jpy = { currency: 'JPY', total_amount: 0 };
  assert.equal(formatAmounts([inr, jpy, usd], 152500), '₹1,500.00 + $25.00');
  assert.equal(formatAmounts([usd], 2500), '$25.00');
  assert.equal(formatAmounts([jpy], 0), '¥0', 'nothing collected yet, in the currency of its payments');
  assert.equal(formatAmounts([], 0), '₹0.00');
});

test('the amount collected is never a sum across currencies shown as one of them', () => {
  const inr = { currency: 'INR', total_transactions: 3, total_amount: 75000, success_rate: 66.7 };
  const usd = { currency: 'USD', total_transactions: 1, total_amount: 2500, success_rate: 100 };
  const stats = (total_transactions, total_amount) => ({ total_transactions, total_amount, success_rate: 50 });
  // Read: each in its own currency.
  assert.deepEqual(collectedAmount(stats(4, 77500), [inr, usd], null), { text: '₹750.00 + $25.00', state: 'current', figures: [inr, usd] });
  // Not read, nothing shown before: no figure (77500 is paise and cents added together).
  assert.deepEqual(collectedAmount(stats(4, 77500), null, null), { text: 'Unavailable', state: 'unavailable', figures: null });
  // Not read, shown before: those figures stay, possibly out of date once anything may have changed.
  assert.deepEqual(collectedAmount(stats(5, 87500), null, [inr, usd]), { text: '₹750.00 + $25.00', state: 'stale', figures: [inr, usd] });
  assert.equal(collectedAmount(stats(4, 80000), null, [inr, usd]).state, 'stale', 'a payment of one of them succeeded since: which one is not known');
  assert.equal(collectedAmount(stats(4, 77500), null, [inr, usd]).state, 'current', 'the same payments, the same sum: nothing changed');
  // One currency, and the same payments as then: the total is in that currency.
  const single = collectedAmount(stats(3, 85000), null, [inr]);
  assert.equal(single.text, '₹850.00');
  assert.equal(single.state, 'current');
  assert.deepEqual(single.figures, [{ ...inr, total_amount: 85000 }]);
  assert.equal(collectedAmount(stats(3, 1000), null, [{ ...usd, total_transactions: 3 }]).text, '$10.00');
  // A payment more since then: it may be in another currency.
  assert.deepEqual(collectedAmount(stats(4, 85000), null, [inr]), { text: '₹750.00', state: 'stale', figures: [inr] });
  // Nothing collected is nothing in any currency.
  assert.equal(collectedAmount(stats(0, 0), null, null).text, '₹0.00');
  assert.equal(collectedAmount(stats(2, 0), null, null).state, 'current');
});

test('amounts in paise are shown in rupees with Indian grouping', () => {
  assert.equal(formatAmount(50000), '₹500.00');
  assert.equal(formatAmount(100), '₹1.00');
  assert.equal(formatAmount(5), '₹0.05');
  assert.equal(formatAmount(0), '₹0.00');
  assert.equal(formatAmount(1234567890), '₹1,23,45,678.90');
  assert.equal(formatAmount(50000, 'USD'), '$500.00');
  assert.equal(formatAmount(500, 'JPY'), '¥500');
  // The largest amount an order takes keeps its last paisa (dividing it by 100 would not).
  assert.equal(formatAmount(9007199254740991), '₹9,00,71,99,25,47,409.91');
  assert.equal(formatAmount(9007199254740991, 'JPY'), '¥9,007,199,254,740,991');
});

test('each currency has its ISO 4217 number of decimals, as on the checkout page', () => {
  // ISO 4217 minor units: none for VND, CLP, ISK, UGX and XOF; three for JOD, BHD, KWD and OMR.
  for (const code of ['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'UGX', 'XOF']) assert.equal(minorUnits(code), 0, code);
  for (const code of ['JOD', 'BHD', 'KWD', 'OMR', 'TND']) assert.equal(minorUnits(code), 3, code);
  for (const code of ['INR', 'USD', 'EUR', 'GBP']) assert.equal(minorUnits(code), 2, code);
  // A well-formed code Intl does not know, and one it cannot format at all.
  assert.equal(minorUnits('ZZZ'), 2);
  assert.equal(minorUnits('RUPEES'), 2);
  assert.equal(formatAmount(50000, 'RUPEES'), '500.00 RUPEES');
  assert.equal(formatAmount(50000, 'VND'), '₫50,000');
  assert.equal(amountInput(50000, 'VND'), '50000');
  assert.equal(amountInput(50000, 'JOD'), '50.000');
  assert.equal(parseAmount('50.5', 'JOD'), 50500);
  assert.equal(parseAmount('50000', 'VND'), 50000);
  assert.equal(parseAmount('1.5', 'VND'), null);
});

test('amounts that are not integers of minor units are not invented', () => {
  assert.equal(formatAmount(null), '—');
  assert.equal(formatAmount(10.5), '—');
  assert.equal(formatAmount('50000'), '—');
});

test('typed rupee amounts become paise, and anything else is refused', () => {
  assert.equal(parseAmount('500'), 50000);
  assert.equal(parseAmount('500.5'), 50050);
  assert.equal(parseAmount('500.05'), 50005);
  assert.equal(parseAmount(' ₹1,250.75 '), 125075);
  assert.equal(parseAmount('0.01'), 1);
  for (const bad of ['', '0', '0.00', '-5', '1.234', 'abc', '1e3', '12.', '.5', null]) {
    assert.equal(parseAmount(bad), null, `should refuse ${JSON.stringify(bad)}`);
  }
  assert.equal(parseAmount('12', 'JPY'), 12);
  assert.equal(parseAmount('12.5', 'JPY'), null);
  assert.equal(amountInput(50050), '500.50');
  assert.equal(amountInput(5), '0.05');
  assert.equal(amountInput(9007199254740991), '90071992547409.91');
  assert.equal(parseAmount(amountInput(9007199254740991)), 9007199254740991);
  assert.equal(parseAmount(amountInput(123456)), 123456);
});

test('secrets are masked to their prefix and last four characters', () => {
  assert.equal(maskSecret('secret_test_xyz789'), 'secret_••••••••z789');
  assert.equal(maskSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), 'whsec_••••••••LaSw');
  assert.equal(maskSecret('abcdefghijkl'), '••••••••ijkl');
  assert.equal(maskSecret('short'), '•••••');
  assert.equal(maskSecret(''), '');
  assert.equal(maskSecret(undefined), '');
  assert.ok(!maskSecret('secret_test_xyz789').includes('xyz7'));
});

test('statuses map to a tone and a label', () => {
  assert.deepEqual(statusBadge('success'), { text: 'success', label: 'Succeeded', tone: 'good' });
  assert.deepEqual(statusBadge('processed'), { text: 'processed', label: 'Processed', tone: 'good' });
  assert.deepEqual(statusBadge('pending'), { text: 'pending', label: 'Pending', tone: 'wait' });
  assert.deepEqual(statusBadge('failed'), { text: 'failed', label: 'Failed', tone: 'bad' });
  assert.deepEqual(statusBadge('something-new'), { text: 'something-new', label: 'Unknown', tone: 'neutral' });
  assert.equal(statusBadge(null).text, 'unknown');
});

test('webhook URLs must be absolute http(s) without credentials or fragments', () => {
  assert.equal(validateWebhookUrl('https://example.com/hooks'), null);
  assert.equal(validateWebhookUrl('  http://127.0.0.1:9000/in?x=1 '), null);
  assert.match(validateWebhookUrl(''), /Enter the URL/);
  assert.match(validateWebhookUrl('example.com/hooks'), /full URL/);
  assert.match(validateWebhookUrl('ftp://example.com/hooks'), /https:\/\/ or http:\/\//);
  assert.match(validateWebhookUrl('javascript:alert(1)'), /https:\/\/ or http:\/\//);
  assert.match(validateWebhookUrl('https://user:pw@example.com/'), /passwords/);
  assert.match(validateWebhookUrl('https://example.com/#top'), /fragment/);
  assert.match(validateWebhookUrl(`https://example.com/${'a'.repeat(2050)}`), /2048/);
  const emoji = `https://example.com/${'\u{1F600}'.repeat(2048 - 20)}`;
  assert.equal(validateWebhookUrl(emoji), null, 'an emoji is one character, as the service counts');
  assert.match(validateWebhookUrl(`${emoji}x`), /2048/);
});

test('dates, rates and counts read well', () => {
  assert.equal(formatDateTime('2026-01-15T10:31:05Z', 'UTC'), '15 Jan 2026, 10:31:05 UTC');
  assert.equal(formatDateTime('2026-01-15T10:31:05Z', 'Asia/Kolkata'), '15 Jan 2026, 16:01:05 GMT+5:30');
  assert.equal(formatDateTime(null), '—');
  assert.equal(formatDateTime('not a date'), '—');
  assert.equal(formatRate(0), '0%');
  assert.equal(formatRate(100), '100%');
  assert.equal(formatRate(66.66666), '66.7%');
  assert.equal(formatRate(null), '—');
  assert.equal(formatCount(1234567), '12,34,567');
});

test('paging moves by a page and stops at both ends', () => {
  assert.equal(pageSummary(0, 10, 0), 'No results');
  assert.equal(pageSummary(0, 10, 42), '1–10 of 42');
  assert.equal(pageSummary(40, 10, 42), '41–42 of 42');
  assert.equal(pageOffset(0, 10, 42, -1), null);
  assert.equal(pageOffset(0, 10, 42, 1), 10);
  assert.equal(pageOffset(40, 10, 42, 1), null);
  assert.equal(pageOffset(5, 10, 42, -1), 0);
  assert.equal(pageOffset(30, 10, 42, -1), 20);
  assert.equal(pageOffset(0, 10, 10, 1), null);
});

test('a wait is said in seconds, minutes or hours, rounded up', () => {
  assert.equal(formatWait(1), '1 second');
  assert.equal(formatWait(45), '45 seconds');
  assert.equal(formatWait(60), '1 minute');
  assert.equal(formatWait(61), '2 minutes');
  assert.equal(formatWait(900), '15 minutes');
  assert.equal(formatWait(90 * 60), '90 minutes');
  assert.equal(formatWait(2 * 3600), '2 hours');
  assert.equal(formatWait(0), '1 second');
});
