import type { FastifyInstance } from 'fastify';
import type { Database, Queryable } from '@atrium/postgres';

/**
 * Records that every token of `userId` issued until now is revoked. Call it inside the transaction
 * that disables the account or changes its password, so the change and its revocation commit
 * together. The time is this process's clock, the one that stamps `iat` on the tokens it issues.
 */
export async function recordRevocation(tx: Queryable, userId: string, at = new Date()): Promise<Date> {
  const { rows } = await tx.query<{ revoked_at: Date }>(
    `insert into token_revocations (user_id, revoked_at) values ($1, $2)
     on conflict (user_id) do update
       set revoked_at = greatest(token_revocations.revoked_at, excluded.revoked_at)
     returning revoked_at`,
    [userId, at],
  );
  return new Date((rows[0] as { revoked_at: Date }).revoked_at);
}

/** The revocations of the last `windowSeconds`, oldest first. */
export async function recentRevocations(
  db: Queryable,
  windowSeconds: number,
): Promise<Array<{ sub: string; revokedAt: string }>> {
  const { rows } = await db.query<{ user_id: string; revoked_at: Date }>(
    'select user_id, revoked_at from token_revocations where revoked_at > $1 order by revoked_at',
    [new Date(Date.now() - windowSeconds * 1000)],
  );
  return rows.map((row) => ({ sub: row.user_id, revokedAt: new Date(row.revoked_at).toISOString() }));
}

/**
 * `GET /revocations` under the issuer: the accounts whose tokens were revoked within the longest
 * token lifetime plus clock tolerance (an older revocation concerns only expired tokens). The APIs
 * poll it (@atrium/auth RevocationList). It names opaque account ids and times, nothing else; it
 * needs no credential, so that an API needs none to learn of a revocation.
 */
export async function revocationRoutes(
  app: FastifyInstance,
  options: { readonly db: Database; readonly windowSeconds: number },
): Promise<void> {
  app.get('/revocations', async (_request, reply) => {
    const items = await recentRevocations(options.db, options.windowSeconds);
    reply.header('cache-control', 'no-store');
    return { items, windowSeconds: options.windowSeconds };
  });
}
