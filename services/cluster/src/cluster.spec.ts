import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@atrium/test-kit';
import { CLUSTER_SERVICES, type Cluster } from './cluster.ts';
import { createPayment, startClusterUnderTest, type ClusterUnderTest } from './cluster-under-test.ts';

// The cluster under a bounded load through nginx (issue 13): a rolling restart of every instance
// answers 0 errors; kill -9 of one instance of each service fails at most the requests that were in
// flight on it, and every write the clients saw acknowledged is still there afterwards.

const CLIENTS = 4;
/** The shortest round (a create and three reads) of one client: 4 clients make at most 80 creates/s. */
const ROUND_MS = 50;
const GET = `query($id: ID!) { getPayment(id: $id) { id } }`;

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
  let under: ClusterUnderTest;
  let cluster: Cluster;
  let token: string;
  let fromAccount: string;
  let output: string[];

  before(async () => {
    under = await startClusterUnderTest();
    ({ cluster, output } = under);
    ({ token, fromAccount } = await under.signIn('userTenantA'));
  });
  after(async () => {
    await under?.stop();
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

  test("the public origin routes AppSync's real-time endpoint to payments, whole builds to the publish API, and never /metrics", async () => {
    // Amplify opens wss://<origin>/graphql/realtime: through nginx it must reach a payments instance
    // (which answers a forged token with AppSync's connection_error), not the host (no WebSocket).
    const header = Buffer.from(
      JSON.stringify({ host: new URL(cluster.origin).host, Authorization: 'forged' }),
    ).toString('base64url');
    const socket = new WebSocket(`${cluster.origin.replace(/^http/, 'ws')}/graphql/realtime`, [
      'graphql-ws',
      `header-${header}`,
    ]);
    const first = await new Promise<string>((resolve) => {
      socket.addEventListener('message', (event) => resolve(String(event.data)));
      socket.addEventListener('close', (event) => resolve(`closed ${event.code}`));
      socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    });
    socket.close();
    assert.equal((JSON.parse(first) as { type: string }).type, 'connection_error', first);

    const metrics = await fetch(`${cluster.origin}/metrics`);
    await metrics.arrayBuffer();
    assert.equal(metrics.status, 404);

    // A build of 2 MiB reaches the host's publish API (which asks for a token), not nginx's 1 MiB cap.
    const upload = await fetch(`${cluster.origin}/api/registry/micro-frontends/payments/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: 'x'.repeat(2 * 1024 * 1024) }),
    });
    const uploadBody = await upload.text();
    assert.equal(upload.status, 401, uploadBody.slice(0, 300));
  });

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
