import { JsonDecimal, toJsonWithDecimals } from './json-decimal';

describe('JSON with decimals', () => {
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
