import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareDecimal, exactAmount, minorUnits } from './money.ts';

describe('money', () => {
  it('knows ISO 4217 minor units', () => {
    assert.equal(minorUnits('DKK'), 2);
    assert.equal(minorUnits('JPY'), 0);
    assert.equal(minorUnits('KWD'), 3);
    assert.equal(minorUnits('CLF'), 4);
    assert.equal(minorUnits('ABC'), undefined);
  });
  it('converts client numbers to the exact decimal they wrote', () => {
    assert.deepEqual(exactAmount(0.3, 'EUR'), { amount: '0.3' });
    assert.deepEqual(exactAmount(1250.5, 'DKK'), { amount: '1250.5' });
    assert.deepEqual(exactAmount('0012.50', 'DKK'), { amount: '12.5' });
    assert.deepEqual(exactAmount(999999999999.99, 'USD'), { amount: '999999999999.99' });
  });
  it('refuses what is not money', () => {
    assert.deepEqual(exactAmount(0.1 + 0.2, 'EUR'), { problem: 'too_many_decimals' });
    assert.deepEqual(exactAmount(1.5, 'JPY'), { problem: 'too_many_decimals' });
    assert.deepEqual(exactAmount(0, 'EUR'), { problem: 'not_positive' });
    assert.deepEqual(exactAmount(-1, 'EUR'), { problem: 'not_positive' });
    assert.deepEqual(exactAmount(1e12, 'EUR'), { problem: 'too_large' });
    assert.deepEqual(exactAmount(Number.NaN, 'EUR'), { problem: 'format' });
    assert.deepEqual(exactAmount('1e3', 'EUR'), { problem: 'format' });
  });
  it('compares decimals exactly', () => {
    assert.equal(compareDecimal('10.5', '9.99'), 1);
    assert.equal(compareDecimal('0.30', '0.3'), 0);
    assert.equal(compareDecimal('1.001', '1.01'), -1);
  });
});
