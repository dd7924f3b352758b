import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { PaymentsError } from '../errors.ts';

/**
 * `nextToken` = base64url(JSON { tenant, query hash, adapter's start key }) + "." + HMAC-SHA256.
 * The signature makes it unforgeable; binding the tenant and the query (model, filter, sort) means a
 * token cannot be replayed by another tenant nor reused to page a different query.
 */
export class PaginationCursor {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('pagination key: at least 32 bytes');
    this.#key = key;
  }

  /**
   * Identifies the key without revealing it (HMAC-SHA256 of a fixed label under the key): equal for
   * instances that sign alike. The label holds a `.`, so it can never be a token's body.
   */
  fingerprint(): string {
    return createHmac('sha256', this.#key)
      .update('atrium-payments.secret-fingerprint.v1')
      .digest('base64url');
  }

  /** A stable hash of what a page depends on, besides the tenant. */
  static queryHash(parts: unknown): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
  }

  #sign(body: string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest();
  }

  encode(tenantId: string, queryHash: string, startKey: Readonly<Record<string, unknown>>): string {
    const body = Buffer.from(JSON.stringify({ t: tenantId, q: queryHash, k: startKey })).toString(
      'base64url',
    );
    return `${body}.${this.#sign(body).toString('base64url')}`;
  }

  /** The start key, or BAD_NEXT_TOKEN when forged, tampered, another tenant's or another query's. */
  decode(token: string, tenantId: string, queryHash: string): Readonly<Record<string, unknown>> {
    const bad = new PaymentsError('BAD_NEXT_TOKEN');
    const [body, signature, extra] = token.split('.');
    if (body === undefined || signature === undefined || extra !== undefined || token.length > 4096)
      throw bad;
    const expected = this.#sign(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw bad;
    let parsed: { t?: unknown; q?: unknown; k?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      throw bad;
    }
    if (parsed.t !== tenantId || parsed.q !== queryHash || typeof parsed.k !== 'object' || parsed.k === null)
      throw bad;
    return parsed.k as Record<string, unknown>;
  }
}
