import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPaymentAmount } from './payment-amount.ts';

const refused = (value: number | string, currency: string): string | undefined => {
  const check = checkPaymentAmount(value, currency);
  return check.ok ? undefined : check.problem;
};

describe('a payment amount', () => {
  it('is the exact decimal the client wrote', () => {
    assert.deepEqual(checkPaymentAmount(0.3, 'EUR'), { ok: true, amount: '0.3' });
    assert.deepEqual(checkPaymentAmount(1250.5, 'DKK'), { ok: true, amount: '1250.5' });
    assert.deepEqual(checkPaymentAmount('0012.50', 'DKK'), { ok: true, amount: '12.5' });
    assert.deepEqual(checkPaymentAmount(999999999999.99, 'USD'), { ok: true, amount: '999999999999.99' });
  });

  it('0 decimals (JPY; HUF, COP and IQD as ICU says): whole units only', () => {
    assert.deepEqual(checkPaymentAmount(1500, 'JPY'), { ok: true, amount: '1500' });
    assert.deepEqual(checkPaymentAmount(1.5, 'JPY'), {
      ok: false,
      problem: 'too_many_decimals',
      minorUnits: 0,
    });
    for (const code of ['HUF', 'COP', 'IQD']) {
      const minor = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits as number;
      assert.equal(refused('10.50', code), minor === 0 ? 'too_many_decimals' : undefined, code);
      assert.equal(refused('10.00', code), undefined, `${code}: trailing zeros carry no value`);
    }
  });

  it('2 decimals (DKK): cents, not fractions of them', () => {
    assert.equal(refused('10.55', 'DKK'), undefined);
    assert.equal(refused('10.555', 'DKK'), 'too_many_decimals');
    assert.equal(refused(0.1 + 0.2, 'EUR'), 'too_many_decimals');
  });

  it('3 decimals (KWD): fils', () => {
    assert.deepEqual(checkPaymentAmount(1.234, 'KWD'), { ok: true, amount: '1.234' });
    assert.equal(refused('1.2345', 'KWD'), 'too_many_decimals');
  });

  it('refuses what is not a positive amount within 12 integer digits', () => {
    assert.equal(refused(0, 'EUR'), 'not_positive');
    assert.equal(refused('0.00', 'EUR'), 'not_positive');
    assert.equal(refused(-1, 'EUR'), 'not_positive');
    assert.equal(refused(1e12, 'EUR'), 'too_large');
    assert.equal(refused('1000000000000', 'EUR'), 'too_large');
    assert.equal(refused(Number.NaN, 'EUR'), 'format');
    assert.equal(refused('1e3', 'EUR'), 'format');
    assert.equal(refused('1,5', 'EUR'), 'format');
  });

  it('leaves the decimals of an unknown currency to the currency check', () => {
    assert.equal(refused('1.23456', 'XYZ'), undefined);
  });
});
