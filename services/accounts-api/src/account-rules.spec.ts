import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccountFields } from './account-rules.ts';

const fields = {
  nickname: 'x',
  type: 'domestic' as const,
  account_number: '1234-5678',
  currency: 'DKK',
  balance: '10.500',
};

test('balances may carry trailing zeros but no more significant decimals than the currency', () => {
  assert.equal(checkAccountFields(fields).balance, '10.5');
  assert.throws(() => checkAccountFields({ ...fields, balance: '10.505' }), /decimals/);
  assert.throws(() => checkAccountFields({ ...fields, currency: 'JPY', balance: '1.5' }), /decimals/);
  assert.equal(checkAccountFields({ ...fields, balance: '-0.00' }).balance, '0');
});

test('a currency has the decimals ICU gives it: HUF whole forints on this runtime, KWD three', () => {
  assert.equal(checkAccountFields({ ...fields, currency: 'KWD', balance: '1.234' }).balance, '1.234');
  const huf = new Intl.NumberFormat('en', { style: 'currency', currency: 'HUF' }).resolvedOptions();
  if (huf.maximumFractionDigits === 0)
    assert.throws(
      () => checkAccountFields({ ...fields, currency: 'HUF', balance: '10.5' }),
      /HUF has 0 decimals/,
    );
  assert.throws(() => checkAccountFields({ ...fields, currency: 'QQQ' }), /not an ISO 4217 currency/);
});
