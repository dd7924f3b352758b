import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as forward, type Server } from 'node:http';
import { decodeProtectedHeader } from 'jose';
import { AuthError, createVerifier } from '@atrium/auth';
import {
  eventually,
  freePort,
  loginWithPassword,
  startPostgresServer,
  type PostgresServer,
} from '@atrium/test-kit';
import { openIdentityDatabase } from './app.ts';
import { seedDemoIdentity } from './demo-data.ts';
import { grantPublisher } from './publish-clients.ts';
import { rotateSigningKey } from './signing-keys.ts';
import { startIdentity, type RunningIdentity } from './test-server.ts';
import { UserDirectory } from './user-directory.ts';

// Short bounds so the test runs in seconds; production's are 10 s, 30 s and 60 s (ADR 0008).
const RELOAD_MS = 300;
const JWKS_COOLDOWN_MS = 1_000;
const PUBLISH_WINDOW_SECONDS = 6;

/** A round-robin "load balancer" in front of the instances, as nginx without stickiness. */
function roundRobin(ports: () => readonly number[]): Server {
  let next = 0;
  return createServer((incoming, outgoing) => {
    const targets = ports();
    const port = targets[next++ % targets.length] as number;
    const upstream = forward(
      { host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
}

describe('signing key rotation across two identity instances on one PostgreSQL server', () => {
  let pgServer: PostgresServer;
  let balancer: Server;
  const instances: RunningIdentity[] = [];
  let env: Record<string, string>;
  let publisherSecret: string;

  before(async () => {
    pgServer = await startPostgresServer();
    const publicPort = await freePort();
    env = {
      DATABASE_URL: pgServer.url,
      ATRIUM_PUBLIC_URL: `http://127.0.0.1:${publicPort}`,
      ATRIUM_DEMO: 'false',
      KEY_RELOAD_MS: String(RELOAD_MS),
      KEY_PUBLISH_WINDOW_SECONDS: String(PUBLISH_WINDOW_SECONDS),
    };
    instances.push(await startIdentity(env));
    instances.push(await startIdentity(env));
    const db = await openIdentityDatabase(instances[0]!.config);
    await seedDemoIdentity(db, new UserDirectory(db));
    publisherSecret = await grantPublisher(db, 'ci-rotation', ['reports'], ['atrium-shell']);
    await db.close();
    balancer = roundRobin(() => instances.map((instance) => instance.config.port));
    await new Promise<void>((resolve) => balancer.listen(publicPort, '127.0.0.1', resolve));
  });
  after(async () => {
    await new Promise((resolve) => balancer.close(resolve));
    for (const instance of instances) await instance.stop();
    await pgServer.stop();
  });

  /** A client-credentials token from one instance, so the test knows who signed it. */
  async function tokenFrom(instance: RunningIdentity): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${instance.config.port}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`ci-rotation:${publisherSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'mfe:publish:reports' }),
    });
    const body = (await response.json()) as { access_token?: string };
    assert.equal(response.status, 200, JSON.stringify(body));
    return body.access_token as string;
  }

  test('a key rotated while both keep issuing tokens: the API verifier behind the balancer refuses 0 of them, and both instances end up signing with the new key', async () => {
    const [first, second] = instances as [RunningIdentity, RunningIdentity];
    const issuer = first.issuer;
    // An API's verifier (payments, accounts): the JWKS through the balancer, refetched on an unknown kid.
    const verifier = createVerifier({ issuer, audience: 'atrium-api', jwksCooldownMs: JWKS_COOLDOWN_MS });
    const refused: string[] = [];
    let verified = 0;
    const check = async (token: string, origin: string): Promise<string> => {
      const { kid } = decodeProtectedHeader(token);
      try {
        await verifier.verifyPlatformToken(token);
        verified++;
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        refused.push(`${origin} kid ${kid}: ${error.message}`);
      }
      return kid as string;
    };
    const signIn = async (): Promise<void> => {
      const tokens = await loginWithPassword({
        issuer,
        redirectUri: first.redirectUri,
        username: 'userTenantA',
        password: 'demo-password',
      });
      await check(tokens.access_token, 'a password sign-in through the balancer');
    };

    const oldKid = await check(await tokenFrom(first), 'first');
    assert.equal(await check(await tokenFrom(second), 'second'), oldKid, 'one key before the rotation');
    const oldToken = await tokenFrom(second);

    // `npm run atrium -- keys rotate`, on one instance's database, which both use.
    const cli = await openIdentityDatabase(first.config);
    const newKid = await rotateSigningKey(cli);
    await cli.close();
    // The old procedure restarted the identity instances after a rotation: it must be harmless too.
    await second.stop({ keepData: true });
    instances[1] = await startIdentity({ ...env, PORT: String(second.config.port) });

    const latest = new Map<string, string>();
    const bothSwitched = await eventually(async () => {
      for (const [name, instance] of [
        ['first', instances[0]],
        ['second', instances[1]],
      ] as const)
        latest.set(name, await check(await tokenFrom(instance as RunningIdentity), name));
      await signIn();
      return latest.get('first') === newKid && latest.get('second') === newKid;
    }, 60_000);
    // A few more rounds on the new key, and the old key's token still verifies until it expires.
    for (let round = 0; round < 3; round++) {
      await check(await tokenFrom(instances[0] as RunningIdentity), 'first');
      await check(await tokenFrom(instances[1] as RunningIdentity), 'second');
    }
    await check(oldToken, 'the token signed before the rotation');

    assert.deepEqual(refused, [], `refused ${refused.length} of ${verified + refused.length} tokens`);
    assert.ok(bothSwitched, `both instances sign with ${newKid} (last kids: ${JSON.stringify([...latest])})`);
  });
});
