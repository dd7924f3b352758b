import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDecimal,
  compareDecimal,
  fractionDigits,
  integerDigits,
  isPositive,
  normalizeDecimal,
  parseDecimal,
  sumDecimals,
} from './decimal.ts';

test('parses plain decimals only and measures them', () => {
  assert.equal(parseDecimal(' 12.50 '), '12.50');
  for (const bad of ['1e3', '-1', '01', '1,5', '']) assert.equal(parseDecimal(bad), undefined, bad);
  assert.equal(fractionDigits('1.234'), 3);
  assert.equal(integerDigits('000123.4'), 3);
  assert.equal(integerDigits('-123.4'), 3);
  assert.equal(isPositive('0.00'), false);
  assert.equal(isPositive('-1'), false);
  assert.equal(isPositive('0.01'), true);
});

test('normalises without changing the value', () => {
  assert.equal(normalizeDecimal('0012.50'), '12.5');
  assert.equal(normalizeDecimal('-0010.500'), '-10.5');
  assert.equal(normalizeDecimal('-0.00'), '0');
  assert.equal(normalizeDecimal('10.000'), '10');
  assert.throws(() => normalizeDecimal('1e3'), /Not a decimal/);
});

test('compares exactly, signs and scales included', () => {
  assert.equal(compareDecimal('10.5', '9.99'), 1);
  assert.equal(compareDecimal('0.30', '0.3'), 0);
  assert.equal(compareDecimal('1.001', '1.01'), -1);
  assert.equal(compareDecimal('-2', '1'), -1);
  assert.equal(compareDecimal('9007199254740993', '9007199254740992.99'), 1);
});

test('adds exactly where binary floats do not', () => {
  assert.notEqual(0.1 + 0.2, 0.3);
  assert.equal(addDecimal('0.1', '0.2'), '0.3');
  assert.equal(sumDecimals(['9007199254740993.01', '0.99']), '9007199254740994.00');
  assert.equal(addDecimal('-5.50', '2.1'), '-3.40');
  assert.equal(addDecimal('-0.01', '0.01'), '0.00');
  assert.equal(addDecimal('1', '2'), '3');
  assert.equal(sumDecimals([]), '0');
  assert.throws(() => addDecimal('1e3', '1'), /Not a decimal/);
});
