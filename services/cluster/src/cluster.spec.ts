import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { eventually, loginWithPassword, makeTempDir } from '@atrium/test-kit';
import { CLUSTER_SERVICES, clusterPorts, startCluster, type Cluster } from './cluster.ts';

// The cluster under a bounded load through nginx (issue 13): a rolling restart of every instance
// answers 0 errors; kill -9 of one instance of each service fails at most the requests that were in
// flight on it, and every write the clients saw acknowledged is still there afterwards.

const CLIENTS = 4;
/** The shortest round (a create and three reads) of one client: 4 clients make at most 80 creates/s. */
const ROUND_MS = 50;
const CREATE = `mutation($input: CreatePaymentInput!, $key: String) {
  createPayment(input: $input, idempotencyKey: $key) { id }
}`;
const GET = `query($id: ID!) { getPayment(id: $id) { id } }`;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function freeBasePort(instances: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 35_000);
    const ports = clusterPorts(base, instances);
    let free = true;
    for (const port of ports) if (!(await canListen(port))) free = false;
    if (free) return base;
  }
  throw new Error('no free port range for the cluster');
}

/** One createPayment through nginx with an idempotency key. */
function createPayment(origin: string, token: string, fromAccount: string, key: string): Promise<Response> {
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
        },
      },
    }),
  });
}

interface Failure {
  readonly operation: string;
  readonly detail: string;
  readonly key?: string;
}

/** CLIENTS loops through nginx, each: create a payment (idempotency key), list accounts, the registry, JWKS. */
class Load {
  readonly acknowledged = new Map<string, string>();
  readonly failures: Failure[] = [];
  operations = 0;
  #running = true;
  readonly #done: Promise<void>;

  constructor(origin: string, token: string, fromAccount: string, tag: string) {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const attempt = async (operation: string, run: () => Promise<string | undefined>, key?: string) => {
      try {
        const problem = await run();
        if (problem !== undefined)
          this.failures.push({ operation, detail: problem, ...(key ? { key } : {}) });
      } catch (error) {
        this.failures.push({
          operation,
          detail: String((error as Error).cause ?? error),
          ...(key ? { key } : {}),
        });
      }
      this.operations += 1;
    };
    const client = async (c: number) => {
      for (let n = 0; this.#running; n++) {
        const round = Date.now();
        const key = `${tag}-${c}-${n}`;
        await attempt(
          'createPayment',
          async () => {
            const response = await createPayment(origin, token, fromAccount, key);
            const text = await response.text();
            if (response.status !== 200) return `${response.status} ${text.slice(0, 200)}`;
            const id = (JSON.parse(text) as { data?: { createPayment?: { id?: string } } }).data
              ?.createPayment?.id;
            if (id === undefined) return text.slice(0, 300);
            this.acknowledged.set(key, id);
            return undefined;
          },
          key,
        );
        for (const [operation, path] of [
          ['listAccounts', '/api/accounts?limit=5'],
          ['registry', '/registry.json'],
          ['jwks', '/auth/jwks'],
        ] as const)
          await attempt(operation, async () => {
            const response = await fetch(`${origin}${path}`, { headers });
            await response.arrayBuffer();
            return response.status === 200 ? undefined : String(response.status);
          });
        // Bounded: at most one round per client per ROUND_MS, so the creates stay below the tenant's
        // rate limit (PAYMENTS_RATE_LIMIT, 200/s) however fast the machine is.
        const rest = ROUND_MS - (Date.now() - round);
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      }
    };
    this.#done = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c))).then(() => {});
  }

  /** Waits until `count` more operations are answered (the load really runs across a fault). */
  async progress(count: number): Promise<void> {
    const target = this.operations + count;
    assert.ok(await eventually(async () => this.operations >= target, 120_000), 'the load makes progress');
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
}

describe('the cluster under load', { timeout: 900_000 }, () => {
  let dataDir: string;
  let cluster: Cluster;
  let token: string;
  let fromAccount: string;
  const output: string[] = [];

  before(async () => {
    dataDir = await makeTempDir('cluster');
    const began = Date.now();
    cluster = await startCluster({
      dataDir,
      basePort: await freeBasePort(2),
      instances: 2,
      logLevel: 'warn',
      output: (name, line) => output.push(`[${name}] ${line}`),
    });
    console.log(`# cluster of 2 instances per service started in ${Date.now() - began} ms`);
    const tokens = await loginWithPassword({
      issuer: `${cluster.origin}/auth`,
      redirectUri: `${cluster.origin}/callback`,
      username: 'userTenantA',
      password: 'demo-password',
    });
    token = tokens.access_token;
    const accounts = await fetch(`${cluster.origin}/api/accounts?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await accounts.json()) as { items: Array<{ account_number: string }> };
    fromAccount = body.items[0]?.account_number ?? '';
    assert.notEqual(fromAccount, '', 'the demo tenant has an account');
  });
  after(async () => {
    await cluster?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every acknowledged payment, read back through nginx. */
  async function missing(keys: ReadonlyMap<string, string>): Promise<string[]> {
    const lost: string[] = [];
    for (const [key, id] of keys) {
      for (;;) {
        const response = await fetch(`${cluster.origin}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: GET, variables: { id } }),
        });
        // Reading thousands back one by one outruns the tenant's rate limit: wait as it says.
        if (response.status === 429) {
          const seconds = Number(response.headers.get('retry-after') ?? '1');
          await response.arrayBuffer();
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
          continue;
        }
        const answer = (await response.json()) as { data?: { getPayment?: { id: string } | null } };
        if (answer.data?.getPayment?.id !== id) lost.push(`${key} → ${id}: ${JSON.stringify(answer)}`);
        break;
      }
    }
    return lost;
  }

  test('a rolling restart of every instance answers every request (0 errors)', async () => {
    const load = new Load(cluster.origin, token, fromAccount, 'rolling');
    let took: number;
    try {
      await load.progress(40);
      const began = Date.now();
      await cluster.rollingRestart();
      took = Date.now() - began;
      await load.progress(40);
    } finally {
      await load.stop();
    }
    console.log(
      `# rolling restart of ${CLUSTER_SERVICES.length * 2} instances in ${took} ms: ${load.operations} requests, ${load.failures.length} errors, ${load.acknowledged.size} payments acknowledged`,
    );
    assert.deepEqual(load.failures, [], 'no client saw an error');
    assert.deepEqual(await missing(load.acknowledged), [], 'every acknowledged payment is there');
  });

  test('kill -9 of one instance of each service: only in-flight requests fail, no acknowledged write is lost', async () => {
    const load = new Load(cluster.origin, token, fromAccount, 'crash');
    try {
      await load.progress(40);
      for (const service of CLUSTER_SERVICES) {
        await cluster.kill(service, 0, 'SIGKILL');
        // The load runs on the survivor, then across the instance coming back.
        await load.progress(40);
        await cluster.restart(service, 0);
        await load.progress(40);
      }
    } finally {
      await load.stop();
    }
    console.log(
      `# kill -9 of 4 instances: ${load.operations} requests, ${load.failures.length} failed (${JSON.stringify(load.failures)}), ${load.acknowledged.size} payments acknowledged`,
    );
    // Reads are idempotent: nginx retries them on the other instance. Only a createPayment (POST)
    // already sent to the killed payments instance may fail, at most one per client.
    assert.ok(
      load.failures.every((f) => f.operation === 'createPayment'),
      `only writes in flight fail: ${JSON.stringify(load.failures)}\n${output.slice(-30).join('\n')}`,
    );
    assert.ok(
      load.failures.length <= CLIENTS,
      `at most one in-flight request per client: ${load.failures.length}`,
    );
    assert.deepEqual(await missing(load.acknowledged), [], 'every acknowledged payment is there');
    // A client retries what failed with the same key: each lands once, on whichever instance.
    const retried = new Map<string, string>();
    for (const failure of load.failures) {
      const key = failure.key ?? '';
      const response = await createPayment(cluster.origin, token, fromAccount, key);
      const answer = (await response.json()) as { data?: { createPayment?: { id: string } } };
      assert.ok(answer.data?.createPayment?.id, `the retry of ${key} is answered: ${JSON.stringify(answer)}`);
      retried.set(key, answer.data.createPayment.id);
    }
    assert.deepEqual(await missing(retried), []);
  });
});
