// The page's validation helpers against known vectors, side by side with the server's rules (API.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cardDigits,
  cardNetwork,
  checkCard,
  checkCardField,
  checkUpi,
  formatAmount,
  formatCardNumber,
  formatExpiry,
  isExpired,
  isValidCardNumber,
  isValidCvv,
  isValidVpa,
  parseExpiry,
  passesLuhn,
} from '../../src/page/validation.js';

const MID_2026 = new Date(Date.UTC(2026, 5, 15)); // June 2026

test('VPA: name@bank with the characters the server allows', () => {
  assert.ok(isValidVpa(`${'a'.repeat(250)}@bank`), '255 characters');
  for (const ok of ['user@paytm', 'first.last@okaxis', 'a_b-c.9@ybl', 'success@upi', 'X@Y1']) assert.ok(isValidVpa(ok), ok);
  for (const bad of ['', 'user', '@bank', 'user@', 'user@ok-axis', 'us er@bank', 'a@b@c', 'user@bank.com', `${'a'.repeat(251)}@bank`]) {
    assert.ok(!isValidVpa(bad), bad);
  }
  assert.equal(checkUpi({ vpa: '' }).field, 'vpa');
  assert.match(checkUpi({ vpa: 'nope' }).message, /name@bank/);
  assert.equal(checkUpi({ vpa: ' success@upi ' }), null, 'surrounding spaces are trimmed');
});

test('Luhn over known card numbers', () => {
  for (const ok of ['4111111111111111', '5555555555554444', '378282246310005', '4000000000000002', '6011111111111117', '0000000000000']) {
    assert.ok(passesLuhn(ok), ok);
  }
  for (const bad of ['4111111111111112', '1234567890123456', '378282246310006']) assert.ok(!passesLuhn(bad), bad);
});

test('card number: 13 to 19 digits after spaces and dashes go, and a valid Luhn sum', () => {
  assert.equal(cardDigits('4111 1111-1111 1111'), '4111111111111111');
  assert.equal(cardDigits('4111 1111 1111 111a'), null);
  assert.ok(isValidCardNumber('4111 1111 1111 1111'));
  assert.ok(isValidCardNumber('4111-1111-1111-1111'));
  assert.ok(isValidCardNumber('4222222222222'), '13 digits');
  assert.ok(isValidCardNumber('4000 0000 0000 0000 006'), '19 digits');
  assert.ok(!isValidCardNumber('411111111111'), '12 digits');
  assert.ok(!isValidCardNumber('41111111111111111113'), '20 digits');
  assert.ok(!isValidCardNumber('4111.1111.1111.1111'), 'dots are not separators');
  assert.ok(!isValidCardNumber(''));
});

test('networks by prefix', () => {
  assert.equal(cardNetwork('4111 1111 1111 1111'), 'visa');
  for (const p of ['51', '52', '53', '54', '55']) assert.equal(cardNetwork(`${p}00000000000000`), 'mastercard');
  assert.equal(cardNetwork('378282246310005'), 'amex');
  assert.equal(cardNetwork('341111111111111'), 'amex');
  for (const p of ['60', '65', '81', '85', '89']) assert.equal(cardNetwork(`${p}00000000000000`), 'rupay');
  for (const p of ['50', '56', '35', '80', '90']) assert.equal(cardNetwork(`${p}00000000000000`), 'unknown');
});

test('expiry: MM/YY with 20YY, valid through the expiry month (UTC)', () => {
  assert.deepEqual(parseExpiry('12/30'), { month: 12, year: 2030 });
  assert.deepEqual(parseExpiry(' 1 / 2031 '), { month: 1, year: 2031 });
  for (const bad of ['', '1230', '13/30', '00/30', '12/3', '12/300', 'ab/cd']) assert.equal(parseExpiry(bad), null, bad);
  assert.ok(!isExpired(6, 2026, MID_2026), 'this month is still valid');
  assert.ok(isExpired(5, 2026, MID_2026), 'last month is past');
  assert.ok(!isExpired(1, 2027, MID_2026));
  assert.ok(isExpired(12, 2025, MID_2026));
  // The last instant of a month, in UTC, still accepts that month.
  assert.ok(!isExpired(6, 2026, new Date(Date.UTC(2026, 5, 30, 23, 59, 59))));
  assert.ok(isExpired(6, 2026, new Date(Date.UTC(2026, 6, 1, 0, 0, 0))));
});

test('expiry: a month outside 01–12 in MM/YY form is refused for its month, anything else for its form', () => {
  const form = 'Write the expiry date as MM/YY, for example 08/29.';
  const month = 'The expiry month must be between 01 and 12.';
  const expected = {
    '13/30': month, '00/30': month, '0/30': month, '99/2030': month, ' 13 / 30 ': month,
    '1330': form, '13/3': form, '13-30': form, 'ab/cd': form, '12/300': form,
  };
  for (const [expiry, message] of Object.entries(expected)) {
    assert.equal(checkCardField('expiry', { expiry }, MID_2026), message, expiry);
  }
  const good = { number: '4111 1111 1111 1111', expiry: '13/30', cvv: '123' };
  assert.deepEqual(checkCard(good, MID_2026), { field: 'expiry', message: month }, 'the form check says the same');
  assert.equal(checkCardField('expiry', { expiry: '12/30' }, MID_2026), null);
  assert.equal(checkCardField('expiry', { expiry: '01/30' }, MID_2026), null);
});

test('CVV: 3 or 4 digits', () => {
  for (const ok of ['123', '0000', '9999']) assert.ok(isValidCvv(ok), ok);
  for (const bad of ['', '12', '12345', '12a', ' 123']) assert.ok(!isValidCvv(bad), bad);
});

test('card form: the first fault in the server order, each with its field', () => {
  const good = { number: '4111 1111 1111 1111', expiry: '12/30', cvv: '123', name: 'Asha Rao' };
  assert.equal(checkCard(good, MID_2026), null);
  assert.equal(checkCard({ ...good, name: '' }, MID_2026), null, 'the name is optional, as on the server');
  assert.equal(checkCard({ ...good, number: '4111', expiry: 'x' }, MID_2026).field, 'number');
  assert.equal(checkCard({ ...good, expiry: '05/26' }, MID_2026).field, 'expiry');
  assert.match(checkCard({ ...good, expiry: '05/26' }, MID_2026).message, /expired/);
  assert.equal(checkCard({ ...good, expiry: '06/26' }, MID_2026), null);
  assert.equal(checkCard({ ...good, cvv: '1' }, MID_2026).field, 'cvv');
  assert.equal(checkCard({ ...good, name: 'x'.repeat(101) }, MID_2026).field, 'name');
  assert.match(checkCardField('number', { ...good, number: '' }), /Enter your card number/);
  assert.equal(checkCardField('expiry', good, MID_2026), null);
});

test('card numbers are grouped as the shopper types', () => {
  const cases = {
    '4111111111111111': '4111 1111 1111 1111',
    '4111-1111 11': '4111 1111 11',
    '378282246310005': '3782 822463 10005',
    '1234567890123456789999': '1234 5678 9012 3456 7899 99',
  };
  for (const [typed, shown] of Object.entries(cases)) assert.equal(formatCardNumber(typed), shown, typed);
});

test('a 16 to 19 digit number that starts 34 or 37 keeps every digit', () => {
  const cases = {
    '3714 4963 5398 4314': '3714 4963 5398 4314',
    '3714496353984314002': '3714 4963 5398 4314 002',
    '3411111111111110': '3411 1111 1111 1110',
  };
  for (const [typed, shown] of Object.entries(cases)) {
    assert.equal(formatCardNumber(typed), shown, typed);
    assert.equal(cardDigits(shown), cardDigits(typed), `${typed}: the digits are the ones typed`);
    assert.ok(isValidCardNumber(shown), `${typed} is still a valid number`);
    // Typed one digit at a time, each keystroke reformatting what is in the field.
    let field = '';
    for (const digit of cardDigits(typed)) field = formatCardNumber(field + digit);
    assert.equal(field, shown, `${typed} typed digit by digit`);
  }
  assert.equal(formatCardNumber('371449635398431'), '3714 496353 98431', 'a 15-digit amex number stays 4-6-5');
});

test('expiry dates are shaped to MM/YY as the shopper types', () => {
  const cases = {
    '1': '1', '4': '04/', '12': '12/', '1230': '12/30', '12/30': '12/30', '12/3099': '12/30', '1/': '01/',
    '1/29': '01/29', '4/2029': '04/2029', '12/2030': '12/2030', '122030': '12/2030', '04/': '04/',
    '0': '0', '0/': '0', '0/3': '03/', '09': '09/',
  };
  for (const [typed, shown] of Object.entries(cases)) assert.equal(formatExpiry(typed), shown, typed);
  assert.equal(formatExpiry('12', true), '12', 'deleting the slash leaves the month');
  assert.equal(formatExpiry('04', true), '04');
});

test('amounts in the smallest unit, written for people', () => {
  assert.equal(formatAmount(50000, 'INR'), '₹500.00');
  assert.equal(formatAmount(12345678, 'INR'), '₹1,23,456.78');
  assert.equal(formatAmount(500, 'JPY', 'en-US'), '¥500');
  assert.equal(formatAmount(1999, 'USD', 'en-US'), '$19.99');
  assert.equal(formatAmount(5, 'INR'), '₹0.05');
  // The largest amount an order takes keeps its last paisa (dividing it by 100 would not).
  assert.equal(formatAmount(9007199254740991, 'INR'), '₹9,00,71,99,25,47,409.91');
  assert.equal(formatAmount(9007199254740991, 'USD', 'en-US'), '$90,071,992,547,409.91');
  assert.equal(formatAmount(9007199254740991, 'JPY', 'en-US'), '¥9,007,199,254,740,991');
  assert.equal(formatAmount(1250.5, 'INR'), '₹12.51', 'not an integer: never NaN');
});
