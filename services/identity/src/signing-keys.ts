import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Database } from '@atrium/postgres';

/**
 * Signing keys and cookie secrets live in the identity database (inside the data folder in the
 * embedded default), generated on first start and never committed. Keeping them in the database
 * rather than in files lets several instances on one database sign with the same keys (ADR 0003).
 */
export interface KeyMaterial {
  /** Private JWKs for oidc-provider: the signing key first, then the other published keys (new and retired). */
  readonly jwks: { keys: JWK[] };
  /** Secrets that sign cookies, newest first (older ones still verify). */
  readonly cookieKeys: string[];
  /** Secret for the login form's CSRF token. */
  readonly csrfSecret: string;
}

interface KeyRow {
  kid: string;
  private_jwk: JWK | string;
  /** Published for at least the publish window (by the database's clock, the same for every instance). */
  published_long_enough: boolean;
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

/** How long keys are kept, from the deployment's configuration. */
export interface KeyPolicy {
  /**
   * The longest token lifetime plus clock skew: a key that stopped signing stays in the JWKS this
   * long, so every token it signed verifies until it expires.
   */
  readonly retiredKeyGraceSeconds: number;
  /**
   * How long a new key is only published before it signs (ADR 0008): longer than every instance's
   * key reload interval plus the consumers' JWKS cooldown, so every JWKS answer carries a key before
   * any token it signed reaches a consumer. 0 signs with a new key at once (one instance only).
   */
  readonly publishWindowSeconds: number;
}

/**
 * Loads the key material, creating it on first start (see `publishedKeys` for which key signs).
 */
export async function loadKeyMaterial(db: Database, policy: KeyPolicy): Promise<KeyMaterial> {
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
  return {
    jwks: await publishedKeys(db, policy),
    cookieKeys: [await secret(db, 'cookie-key')],
    csrfSecret: await secret(db, 'csrf-key'),
  };
}

/**
 * The keys to publish, signing key first: the newest key published for at least the publish window
 * (the oldest one while none is: a first start, or a rotation right after it). Newer keys are
 * published beside it; a retired key stays published for the grace period after it stopped signing.
 * Read only, so every instance can ask it on every reload.
 */
export async function publishedKeys(db: Database, policy: KeyPolicy): Promise<{ keys: JWK[] }> {
  // retired_at is when its successor was published: the retired key still signs for the window.
  // Ages come from the database's clock, the same for every instance.
  const { rows } = await db.query<KeyRow>(
    `select kid, private_jwk, created_at <= now() - make_interval(secs => $2::float8) as published_long_enough
     from signing_keys
     where retired_at is null or retired_at > now() - make_interval(secs => $1::float8 + $2::float8)
     order by created_at desc, kid`,
    [policy.retiredKeyGraceSeconds, policy.publishWindowSeconds],
  );
  const signing = rows.find((row) => row.published_long_enough) ?? rows[rows.length - 1];
  if (signing === undefined) throw new Error('identity: no signing key in the database');
  // oidc-provider signs with the first key of the set that fits the algorithm: the signing key.
  const ordered = [signing, ...rows.filter((row) => row !== signing)];
  return {
    keys: ordered.map((row) =>
      typeof row.private_jwk === 'string' ? (JSON.parse(row.private_jwk) as JWK) : row.private_jwk,
    ),
  };
}

/**
 * Publishes a new signing key and retires the current one: every instance publishes the new key at
 * its next reload and signs with it once the publish window has passed; the retired key stays
 * published until the tokens it signed have expired.
 */
export async function rotateSigningKey(db: Database): Promise<string> {
  const { kid, jwk } = await newSigningKey();
  await db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext('atrium-identity-keys'))");
    await tx.query('update signing_keys set retired_at = now() where retired_at is null');
    await tx.query('insert into signing_keys (kid, private_jwk) values ($1, $2)', [kid, JSON.stringify(jwk)]);
  });
  return kid;
}
