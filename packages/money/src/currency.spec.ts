import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyMinorUnits, isCurrencyCode } from './currency.ts';

/** The decimals Intl actually prints for the currency, read from the formatted parts. */
function printedDecimals(code: string): number {
  const parts = new Intl.NumberFormat('en', { style: 'currency', currency: code }).formatToParts(1);
  return parts.find((part) => part.type === 'fraction')?.value.length ?? 0;
}

test('knows ISO 4217 codes ICU knows, and those only', () => {
  assert.equal(isCurrencyCode('DKK'), true);
  assert.equal(isCurrencyCode('dkk'), false);
  assert.equal(isCurrencyCode('XYZ'), false);
  assert.equal(currencyMinorUnits('XYZ'), undefined);
  assert.equal(currencyMinorUnits('NOPE'), undefined);
});

test('one currency per class of minor units: JPY 0, DKK 2, KWD 3', () => {
  assert.equal(currencyMinorUnits('JPY'), 0);
  assert.equal(currencyMinorUnits('DKK'), 2);
  assert.equal(currencyMinorUnits('KWD'), 3);
});

test('units of account ICU does not list as currencies (CLF, UYW, BOV) are not money to pay in', () => {
  for (const code of ['CLF', 'UYW', 'BOV']) assert.equal(currencyMinorUnits(code), undefined, code);
});

test('HUF, COP and IQD have the decimals ICU prints (0 on ICU 78, where the ISO table said 2, 2, 3)', () => {
  for (const code of ['HUF', 'COP', 'IQD'])
    assert.equal(currencyMinorUnits(code), printedDecimals(code), code);
});

test('every currency has exactly the decimals Intl prints for it', () => {
  for (const code of Intl.supportedValuesOf('currency'))
    assert.equal(currencyMinorUnits(code), printedDecimals(code), code);
});
