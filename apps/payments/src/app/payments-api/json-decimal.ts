/**
 * A decimal that travels as a JSON number token with exactly these digits (the schema's `amount` is
 * a GraphQL Float, as Amplify generated it), so the client never turns money into a binary double.
 */
export class JsonDecimal {
  readonly text: string;
  constructor(text: string) {
    if (!/^-?\d+(?:\.\d+)?$/.test(text)) throw new Error(`Not a decimal: ${text}`);
    this.text = text;
  }
}

const DECIMAL_MARK = '\u0000decimal:';

/** JSON.stringify, with each JsonDecimal written as its digits. */
export function toJsonWithDecimals(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof JsonDecimal ? `${DECIMAL_MARK}${v.text}` : v,
  ).replace(/"\\u0000decimal:(-?\d+(?:\.\d+)?)"/g, '$1');
}
