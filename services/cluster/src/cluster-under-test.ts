/**
 * What the cluster's spec files share: one cluster on a free port range in a temporary folder, the
 * demo users signed in through nginx as a browser would, and a payment created through the origin.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeFakeMfe, writeFakeShell } from '@atrium/host/fake-builds';
import { loginWithPassword, makeTempDir } from '@atrium/test-kit';
import { clusterPorts, startCluster, type Cluster } from './cluster.ts';

const CREATE = `mutation($input: CreatePaymentInput!, $key: String) {
  createPayment(input: $input, idempotencyKey: $key) { id }
}`;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Below Linux's ephemeral range (32768-60999): a port found free there can be taken by any outgoing
 * connection on the machine before the instance that owns it listens (seen: a host's EADDRINUSE).
 */
const PORT_RANGE = { from: 20_000, to: 32_000 } as const;

async function freeBasePort(instances: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from - 100));
    const ports = clusterPorts(base, instances);
    let free = true;
    for (const port of ports) if (!(await canListen(port))) free = false;
    if (free) return base;
  }
  throw new Error('no free port range for the cluster');
}

/** A demo user signed in through nginx: its access token and the first account it may pay from. */
export interface ClusterUser {
  readonly token: string;
  readonly fromAccount: string;
}

export interface ClusterUnderTest {
  readonly cluster: Cluster;
  /** Every line the cluster's processes printed, `[name] line`, for failure messages. */
  readonly output: string[];
  /** Signs a demo user (password `demo-password`) in through the origin. */
  signIn(username: string): Promise<ClusterUser>;
  stop(): Promise<void>;
}

/** Starts a cluster of `instances` per service (default 2) in a temporary folder. */
export async function startClusterUnderTest(instances = 2): Promise<ClusterUnderTest> {
  const dataDir = await makeTempDir('cluster');
  const output: string[] = [];
  const began = Date.now();
  // Builds of their own, so the specs neither wait for `npm run build:apps` (npm test builds the apps
  // only for the browser tests, after these) nor depend on whatever stale dist/ a work tree holds.
  const builds = join(dataDir, 'builds');
  await writeFakeShell(join(builds, 'shell'));
  await writeFakeMfe(join(builds, 'payments'), { name: 'payments', version: '1.0.0' });
  const cluster = await startCluster({
    dataDir,
    basePort: await freeBasePort(instances),
    instances,
    builds: { shellDir: join(builds, 'shell'), microFrontends: [join(builds, 'payments')] },
    logLevel: 'warn',
    output: (name, line) => output.push(`[${name}] ${line}`),
  });
  console.log(`# cluster of ${instances} instances per service started in ${Date.now() - began} ms`);
  return {
    cluster,
    output,
    async signIn(username) {
      const tokens = await loginWithPassword({
        issuer: `${cluster.origin}/auth`,
        redirectUri: `${cluster.origin}/callback`,
        username,
        password: 'demo-password',
      });
      const token = tokens.access_token;
      const accounts = await fetch(`${cluster.origin}/api/accounts?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await accounts.json()) as { items: Array<{ account_number: string }> };
      const fromAccount = body.items[0]?.account_number ?? '';
      assert.notEqual(fromAccount, '', `${username}'s tenant has an account`);
      return { token, fromAccount };
    },
    async stop() {
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One createPayment through nginx with an idempotency key (and a message, to tell payments apart). */
export function createPayment(
  origin: string,
  token: string,
  fromAccount: string,
  key: string,
  message?: string,
): Promise<Response> {
  return fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: CREATE,
      variables: {
        key,
        input: {
          amount: 1,
          currency: 'DKK',
          dueDate: '2027-02-01T00:00:00.000Z',
          from_account: fromAccount,
          to_account: 'PAYEE001',
          type: 'DOMESTIC',
          ...(message === undefined ? {} : { message }),
        },
      },
    }),
  });
}
