import { JsonDecimal, toJsonWithDecimals } from '../payments-api/json-decimal';
import {
  currencyMinorUnits,
  formatMoney,
  fractionDigits,
  isCurrencyCode,
  isPositive,
  parseDecimal,
} from '@atrium/money';

describe('money', () => {
  it('formats large amounts exactly, without float rounding', () => {
    expect(formatMoney('12345678901234.57', 'DKK', 'en-US').replace(/\s/g, ' ')).toBe(
      'DKK 12,345,678,901,234.57',
    );
    expect(formatMoney('0.10', 'EUR', 'en-US')).toBe('€0.10');
  });

  it('knows the minor units of a currency', () => {
    expect(currencyMinorUnits('DKK')).toBe(2);
    expect(currencyMinorUnits('JPY')).toBe(0);
    expect(currencyMinorUnits('KWD')).toBe(3);
  });

  it('accepts ISO 4217 codes only', () => {
    expect(isCurrencyCode('DKK')).toBe(true);
    expect(isCurrencyCode('dkk')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
  });

  it('parses plain decimals only', () => {
    expect(parseDecimal(' 12.50 ')).toBe('12.50');
    expect(parseDecimal('1e3')).toBeUndefined();
    expect(parseDecimal('-1')).toBeUndefined();
    expect(parseDecimal('01')).toBeUndefined();
    expect(fractionDigits('1.234')).toBe(3);
    expect(isPositive('0.00')).toBe(false);
    expect(isPositive('0.01')).toBe(true);
  });

  it('writes decimals into JSON as number tokens with their exact digits', () => {
    const json = toJsonWithDecimals({
      a: new JsonDecimal('123456789012.3456'),
      b: 'x',
      c: new JsonDecimal('0.10'),
    });
    expect(json).toBe('{"a":123456789012.3456,"b":"x","c":0.10}');
    expect(() => new JsonDecimal('1e5')).toThrow();
  });
});
