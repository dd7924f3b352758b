import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError } from './auth-error.ts';
import type { CallerContext } from './caller-context.ts';
import { withRevocations } from './revocation-list.ts';
import type { TokenVerifier } from './token-verifier.ts';
import { cachingVerifier } from './verified-token-cache.ts';

const caller: CallerContext = {
  userId: 'u',
  username: 'u',
  email: undefined,
  tenantId: 'T',
  tenantName: 'T',
  roles: ['viewer'],
};

function tokenExpiringAt(seconds: number, marker = 'x'): string {
  return `h.${Buffer.from(JSON.stringify({ exp: seconds, marker })).toString('base64url')}.s`;
}

/** A stand-in for the signature check: counts calls, refuses `bad…`, reads `exp` of its own fake tokens. */
function countingVerifier(): TokenVerifier & { calls: number } {
  const verifyToken = async (token: string) => {
    verifier.calls += 1;
    if (token.startsWith('bad')) throw new AuthError('invalid_token');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp: number;
    };
    return { caller, issuedAt: payload.exp - 900, expiresAt: payload.exp };
  };
  const verifier = {
    calls: 0,
    verifyToken,
    verify: async (token: string) => (await verifyToken(token)).caller,
    verifyPlatformToken: verifyToken,
    verifyPlatform: async (token: string) => (await verifyToken(token)).caller,
  };
  return verifier;
}

test('a verified token is checked once within the cache age', async () => {
  let clock = 1_000_000;
  const inner = countingVerifier();
  const cached = cachingVerifier(inner, { maxAgeMs: 60_000, now: () => clock });
  const token = tokenExpiringAt(clock / 1000 + 900);
  assert.equal(await cached.verify(token), caller);
  assert.equal(await cached.verify(token), caller);
  assert.equal(inner.calls, 1);
  clock += 60_001;
  await cached.verify(token);
  assert.equal(inner.calls, 2, 'verified again after maxAge');
});

test('an entry never outlives the token exp, and failures are never cached', async () => {
  let clock = 1_000_000;
  const inner = countingVerifier();
  const cached = cachingVerifier(inner, { maxAgeMs: 60_000, now: () => clock });
  const token = tokenExpiringAt(clock / 1000 + 5);
  await cached.verify(token);
  clock += 5_000;
  await cached.verify(token);
  assert.equal(inner.calls, 2, 'at exp the inner verifier decides again');
  await assert.rejects(cached.verify('bad.token'));
  await assert.rejects(cached.verify('bad.token'));
  assert.equal(inner.calls, 4);
});

test('the cache is bounded', async () => {
  const inner = countingVerifier();
  const cached = cachingVerifier(inner, { maxEntries: 2, now: () => 0 });
  const [a, b, c] = ['a', 'b', 'c'].map((m) => tokenExpiringAt(900, m)) as [string, string, string];
  await cached.verify(a);
  await cached.verify(b);
  await cached.verify(c);
  await cached.verify(a);
  assert.equal(inner.calls, 4, 'the oldest entry was evicted');
});

test('a revocation refuses a token the cache holds, from its next request on', async () => {
  const inner = countingVerifier();
  const revoked = new Set<string>();
  const verifier = withRevocations(cachingVerifier(inner, { now: () => 1_000_000 }), {
    isRevoked: (sub) => revoked.has(sub),
  });
  const token = tokenExpiringAt(1_000 + 900);
  assert.equal(await verifier.verify(token), caller);
  revoked.add(caller.userId);
  await assert.rejects(verifier.verify(token), (error: AuthError) => error.code === 'token_revoked');
  assert.equal(inner.calls, 1, 'refused on a cache hit, without verifying the signature again');
});
