import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccountFields } from './account-rules.ts';
import { formatAmount, isCurrency, minorUnits } from './money.ts';

test('currencies and their minor units come from ICU', () => {
  assert.ok(isCurrency('DKK') && isCurrency('JPY') && isCurrency('KWD'));
  assert.equal(isCurrency('QQQ'), false);
  assert.deepEqual([minorUnits('DKK'), minorUnits('JPY'), minorUnits('KWD')], [2, 0, 3]);
});

test('stored NUMERIC text is shown with exactly the currency decimals', () => {
  assert.equal(formatAmount('12.5000', 'DKK'), '12.50');
  assert.equal(formatAmount('1500.0000', 'JPY'), '1500');
  assert.equal(formatAmount('-0.0000', 'DKK'), '0.00');
  assert.equal(formatAmount('-12.3450', 'KWD'), '-12.345');
  assert.equal(formatAmount('999999999999999.9900', 'EUR'), '999999999999999.99');
});

test('balances may carry trailing zeros but no more significant decimals than the currency', () => {
  const fields = {
    nickname: 'x',
    type: 'domestic' as const,
    account_number: '1234-5678',
    currency: 'DKK',
    balance: '10.500',
  };
  assert.equal(checkAccountFields(fields).balance, '10.5');
  assert.throws(() => checkAccountFields({ ...fields, balance: '10.505' }), /decimals/);
  assert.throws(() => checkAccountFields({ ...fields, currency: 'JPY', balance: '1.5' }), /decimals/);
  assert.equal(checkAccountFields({ ...fields, balance: '-0.00' }).balance, '0');
});
