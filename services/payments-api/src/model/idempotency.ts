import { createHash, createHmac } from 'node:crypto';
import { validationFailed } from '../errors.ts';

/** The bounds of a client's idempotency key (characters). */
export const IDEMPOTENCY_KEY_LENGTH = { min: 8, max: 128 } as const;

/** The key of an idempotent create, checked against its bounds; undefined when none was sent. */
export function idempotencyKeyOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length < IDEMPOTENCY_KEY_LENGTH.min || value.length > IDEMPOTENCY_KEY_LENGTH.max)
    throw validationFailed([
      {
        field: 'idempotencyKey',
        code: 'IDEMPOTENCY_KEY_INVALID',
        message: `idempotencyKey must be ${IDEMPOTENCY_KEY_LENGTH.min} to ${IDEMPOTENCY_KEY_LENGTH.max} characters`,
      },
    ]);
  return value;
}

/** Canonical JSON (sorted keys), so the same input always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** What a retry under the same key must repeat: the hash of the input and condition as sent. */
export function inputHash(request: { readonly input: unknown; readonly condition: unknown }): string {
  return createHash('sha256')
    .update(canonical({ input: request.input, condition: request.condition ?? null }))
    .digest('base64url');
}

/** The record id an idempotency key maps to: same tenant + key → same id, unguessable otherwise. */
export function derivedId(secret: Buffer, tenantId: string, key: string): string {
  const hex = createHmac('sha256', secret).update(`${tenantId}\u0000${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
