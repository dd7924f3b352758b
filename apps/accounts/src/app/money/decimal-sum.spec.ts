import { addDecimal, sumDecimals } from './decimal-sum';

describe('decimal sums', () => {
  it('adds exactly where binary floats do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(sumDecimals(['9007199254740993.01', '0.99'])).toBe('9007199254740994.00');
  });

  it('handles signs, scales and zero', () => {
    expect(addDecimal('-5.50', '2.1')).toBe('-3.40');
    expect(addDecimal('-0.01', '0.01')).toBe('0.00');
    expect(addDecimal('1', '2')).toBe('3');
    expect(sumDecimals([])).toBe('0');
    expect(() => addDecimal('1e3', '1')).toThrow();
  });
});
