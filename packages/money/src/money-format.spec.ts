import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMoney, withMinorUnits } from './money-format.ts';

const plain = (text: string): string => text.replace(/\s/g, ' ');

test('formats large amounts exactly, without float rounding', () => {
  assert.equal(plain(formatMoney('12345678901234.57', 'DKK', 'en-US')), 'DKK 12,345,678,901,234.57');
  assert.equal(formatMoney('0.10', 'EUR', 'en-US'), '€0.10');
  // The API's JSON number arrives as its shortest round-trip text, which is what was sent.
  assert.equal(formatMoney(1250.5, 'EUR', 'en-US'), '€1,250.50');
});

test('formatters are kept per locale and currency: one never formats for another', () => {
  assert.equal(formatMoney('1000', 'EUR', 'en-US'), '€1,000.00');
  assert.equal(plain(formatMoney('1000', 'EUR', 'de-DE')), '1.000,00 €');
  assert.equal(formatMoney('1000', 'JPY', 'en-US'), '¥1,000');
  assert.equal(formatMoney('1000', 'EUR', 'en-US'), '€1,000.00');
  assert.equal(plain(formatMoney('1000', 'EUR', 'de-DE')), '1.000,00 €');
});

test('an amount is never rounded on screen: 10.5 HUF stored under an older rule is not "HUF 11"', () => {
  assert.equal(plain(formatMoney('10.5', 'JPY', 'en-US')), '¥10.5');
  assert.equal(plain(formatMoney('12.345', 'DKK', 'en-US')), 'DKK 12.345');
  assert.doesNotMatch(plain(formatMoney(10.5, 'HUF', 'en-US')), /11/);
  assert.equal(plain(formatMoney('10.500', 'JPY', 'en-US')), '¥10.5');
  assert.equal(plain(formatMoney('12.30', 'DKK', 'en-US')), 'DKK 12.30');
});

test('an unknown currency is shown as text rather than failing', () => {
  assert.equal(formatMoney('5', 'NOPE'), '5 NOPE');
});

test('a stored decimal gets exactly the currency decimals (0, 2, 3)', () => {
  assert.equal(withMinorUnits('12.5000', 'DKK'), '12.50');
  assert.equal(withMinorUnits('1500.0000', 'JPY'), '1500');
  assert.equal(withMinorUnits('-0.0000', 'DKK'), '0.00');
  assert.equal(withMinorUnits('-12.3450', 'KWD'), '-12.345');
  assert.equal(withMinorUnits('999999999999999.9900', 'EUR'), '999999999999999.99');
});
