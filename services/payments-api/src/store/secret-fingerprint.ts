/** The name of the fingerprint among the service's settings (PostgreSQL row, DynamoDB item). */
export const SECRET_FINGERPRINT_SETTING = 'secret-fingerprint';

/**
 * Refuses to serve with a secret other than the one the store was first used with: such an
 * instance would answer BAD_NEXT_TOKEN to the others' nextTokens and derive other ids from the
 * same idempotency keys, so a retry that reaches it would create a second payment.
 */
export function assertSameSecret(recorded: string, own: string): void {
  if (recorded === own) return;
  throw new Error(
    `payments: PAYMENTS_SECRET is not the secret this store was first used with (its fingerprint ${own.slice(0, 12)}… ` +
      `differs from the recorded ${recorded.slice(0, 12)}…): every instance on one store must have the same ` +
      'PAYMENTS_SECRET (base64, at least 32 bytes). Without PAYMENTS_SECRET an instance uses <PAYMENTS_DATA_DIR>/secret.key, ' +
      'which is its own: set PAYMENTS_SECRET to the secret of the instances already running (docs/operations.md).',
  );
}
