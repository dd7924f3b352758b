import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Role, VerifierConfig } from '@atrium/auth';

/** Claims a test token carries; mapped to the Cognito claim names the real issuer uses. */
export interface TestClaims {
  readonly tenantId?: string;
  readonly tenantName?: string;
  readonly roles: readonly Role[];
  readonly username: string;
  readonly sub?: string;
  readonly email?: string;
}

export interface MintOptions {
  readonly expiresInSeconds?: number;
  readonly notBeforeSeconds?: number;
  readonly tokenUse?: 'access' | 'id';
  readonly issuer?: string;
  readonly audience?: string;
  /** Sign with a key pair the issuer does not publish (a forgery). */
  readonly foreignKey?: boolean;
  /** Claims merged over the generated ones. */
  readonly extra?: Record<string, unknown>;
}

/** A local issuer publishing a real JWKS over HTTP, so services verify test tokens exactly as real ones. */
export interface TestIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** A VerifierConfig that trusts this issuer (short JWKS cooldown so key tests run fast). */
  verifierConfig(): VerifierConfig;
  mint(claims: TestClaims, options?: MintOptions): Promise<string>;
  /** The published public key, for tests that forge tokens with it. */
  readonly publicJwk: JWK;
  close(): Promise<void>;
}

/** Starts a JWKS + discovery server on a free loopback port. */
export async function startTestIssuer(options: { audience?: string } = {}): Promise<TestIssuer> {
  const audience = options.audience ?? 'atrium-api';
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/jwks') res.end(JSON.stringify({ keys: [publicJwk] }));
    else if (req.url === '/.well-known/openid-configuration')
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test issuer: no address');
  issuer = `http://127.0.0.1:${address.port}`;
  const jwksUri = `${issuer}/jwks`;

  return {
    issuer,
    audience,
    jwksUri,
    publicJwk,
    verifierConfig: () => ({ issuer, audience, jwksUri, jwksCooldownMs: 0 }),
    async mint(claims, mint = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        'cognito:username': claims.username,
        'cognito:groups': [...claims.roles],
        email: claims.email ?? `${claims.username.toLowerCase()}@example.test`,
        token_use: mint.tokenUse ?? 'access',
        ...(claims.tenantId === undefined ? {} : { 'custom:tenantId': claims.tenantId }),
        ...(claims.tenantName === undefined ? {} : { 'custom:tenantName': claims.tenantName }),
        ...mint.extra,
      };
      const jwt = new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid, typ: mint.tokenUse === 'id' ? 'JWT' : 'at+jwt' })
        .setSubject(claims.sub ?? `sub-${claims.username}`)
        .setIssuer(mint.issuer ?? issuer)
        .setAudience(mint.audience ?? audience)
        .setIssuedAt(now)
        .setJti(randomUUID())
        .setExpirationTime(now + (mint.expiresInSeconds ?? 900));
      if (mint.notBeforeSeconds !== undefined) jwt.setNotBefore(now + mint.notBeforeSeconds);
      return jwt.sign(mint.foreignKey ? foreign.privateKey : privateKey);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** The demo users' claims: `demoCaller('A', 'member')` is the articles' `userTenantA`. */
export function demoCaller(tenant: 'A' | 'B', role: Role): TestClaims {
  const prefix = role === 'member' ? 'user' : role;
  return {
    tenantId: `Tenant${tenant}`,
    tenantName: `Tenant ${tenant}`,
    roles: [role],
    username: `${prefix}Tenant${tenant}`,
    sub: `sub-${prefix}Tenant${tenant}`,
  };
}
