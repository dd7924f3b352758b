import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Database } from '@atrium/postgres';

/**
 * Signing keys and cookie secrets live in the identity database (inside the data folder in the
 * embedded default), generated on first start and never committed. Keeping them in the database
 * rather than in files lets several instances on one database sign with the same keys (ADR 0003).
 */
export interface KeyMaterial {
  /** Private JWKs for oidc-provider: the active key first, then retired keys still published. */
  readonly jwks: { keys: JWK[] };
  /** Secrets that sign cookies, newest first (older ones still verify). */
  readonly cookieKeys: string[];
  /** Secret for the login form's CSRF token. */
  readonly csrfSecret: string;
}

interface KeyRow {
  kid: string;
  private_jwk: JWK;
  retired_at: Date | null;
}

async function newSigningKey(): Promise<{ kid: string; jwk: JWK }> {
  const kid = randomUUID();
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { kid, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}

async function secret(db: Database, name: string): Promise<string> {
  await db.query('insert into secrets (name, value) values ($1, $2) on conflict do nothing', [
    name,
    randomBytes(32).toString('base64url'),
  ]);
  const { rows } = await db.query<{ value: string }>('select value from secrets where name = $1', [name]);
  return (rows[0] as { value: string }).value;
}

/**
 * Loads the key material, creating it on first start. A retired key stays in the JWKS for
 * `retiredKeyGraceSeconds` (the longest token lifetime plus clock skew), so tokens it signed verify
 * until they expire.
 */
export async function loadKeyMaterial(db: Database, retiredKeyGraceSeconds: number): Promise<KeyMaterial> {
  await db.transaction(async (tx) => {
    // Two instances starting together on an empty database must create one key, not two.
    await tx.query("select pg_advisory_xact_lock(hashtext('atrium-identity-keys'))");
    const { rows } = await tx.query('select 1 from signing_keys where retired_at is null');
    if (rows.length === 0) {
      const { kid, jwk } = await newSigningKey();
      await tx.query('insert into signing_keys (kid, private_jwk) values ($1, $2)', [
        kid,
        JSON.stringify(jwk),
      ]);
    }
  });
  const { rows } = await db.query<KeyRow>(
    `select kid, private_jwk, retired_at from signing_keys
     where retired_at is null or retired_at > now() - make_interval(secs => $1)
     order by retired_at desc nulls first, created_at desc`,
    [retiredKeyGraceSeconds],
  );
  const keys = rows.map((row) =>
    typeof row.private_jwk === 'string' ? JSON.parse(row.private_jwk) : row.private_jwk,
  );
  return {
    jwks: { keys },
    cookieKeys: [await secret(db, 'cookie-key')],
    csrfSecret: await secret(db, 'csrf-key'),
  };
}

/** Makes a new active signing key and retires the current one (still published until its tokens expire). */
export async function rotateSigningKey(db: Database): Promise<string> {
  const { kid, jwk } = await newSigningKey();
  await db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('atrium-identity-keys'))");
    await tx.query('update signing_keys set retired_at = now() where retired_at is null');
    await tx.query('insert into signing_keys (kid, private_jwk) values ($1, $2)', [kid, JSON.stringify(jwk)]);
  });
  return kid;
}
