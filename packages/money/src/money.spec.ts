import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  currencyMinorUnits,
  formatMoney,
  fractionDigits,
  integerDigits,
  isCurrencyCode,
  isPositive,
  parseDecimal,
} from './money.ts';

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

test('an unknown currency is shown as text rather than failing', () => {
  assert.equal(formatMoney('5', 'NOPE'), '5 NOPE');
});

test('knows the minor units of a currency and ISO 4217 codes only', () => {
  assert.equal(currencyMinorUnits('DKK'), 2);
  assert.equal(currencyMinorUnits('JPY'), 0);
  assert.equal(currencyMinorUnits('KWD'), 3);
  assert.equal(isCurrencyCode('DKK'), true);
  assert.equal(isCurrencyCode('dkk'), false);
  assert.equal(isCurrencyCode('XYZ'), false);
});

test('parses plain decimals only and measures them', () => {
  assert.equal(parseDecimal(' 12.50 '), '12.50');
  for (const bad of ['1e3', '-1', '01', '1,5', '']) assert.equal(parseDecimal(bad), undefined, bad);
  assert.equal(fractionDigits('1.234'), 3);
  assert.equal(integerDigits('000123.4'), 3);
  assert.equal(isPositive('0.00'), false);
  assert.equal(isPositive('0.01'), true);
});
