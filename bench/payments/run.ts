// Payments API benchmark (bench/results/payments.json), per adapter of the store port (ADR 0106):
// embedded PGlite, a PostgreSQL server, Amazon DynamoDB Local. For each: listPayments(limit 20) and
// createPayment req/s, p50/p99 and CPU ms per request of the API process (its own process, so
// process.cpuUsage is the API's alone) beside the bare route doing the same store calls; the seed's
// own-tenant filtered list; heap retained per listPayments after GC; list p50 at 1 000 vs BENCH_BIG.
// Absolute rates vary 2-5x between days on these machines: compare the ratios of one run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import {
  demoCaller,
  makeTempDir,
  startDynamoDbLocal,
  startPostgresServer,
  startTestIssuer,
} from '@atrium/test-kit';

const seconds = Number(process.env['BENCH_SECONDS'] ?? '10');
const big = Number(process.env['BENCH_BIG'] ?? '100000');
const memoryCalls = Number(process.env['BENCH_MEMORY_CALLS'] ?? '2000');
const adapters = (process.env['BENCH_ADAPTERS'] ?? 'pglite,postgres-server,dynamodb-local').split(',');
// BENCH_TOKEN_CACHE=off checks every token's signature on every request: the cost without
// @atrium/auth's verified-token cache (ADR 0205), to compare with the default.
const tokenCache = process.env['BENCH_TOKEN_CACHE'] !== 'off';
// The API runs as production runs it (docs/operations.md: NODE_ENV=production). graphql-js reads
// NODE_ENV once: outside production its instanceOf adds a cross-realm check to every type test of
// every field it executes: ~0.05 ms of ~0.75 ms of API CPU per 20-item list (A/B, PostgreSQL server).
const apiNodeEnv = process.env['BENCH_NODE_ENV'] ?? 'production';
// BENCH_CPU_PROF=<folder>: the API process writes a V8 CPU profile there when it exits.
const cpuProfileDir = process.env['BENCH_CPU_PROF'];
const connections = 50;
const API = fileURLToPath(new URL('./api-process.ts', import.meta.url));

const issuer = await startTestIssuer();
const token = await issuer.mint(demoCaller('A', 'member'), { expiresInSeconds: 3600 });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const input = {
  amount: 12.5,
  currency: 'DKK',
  dueDate: '2027-01-01T00:00:00.000Z',
  from_account: 'B1',
  to_account: 'B2',
  message: 'bench',
  type: 'DOMESTIC',
};
const CREATE = JSON.stringify({
  query: 'mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }',
  variables: { i: input },
});
const ITEMS =
  'items { id amount currency dueDate from_account to_account message type tenantId status createdBy confirmedBy createdAt updatedAt _version } nextToken';
const LIST = JSON.stringify({ query: `{ listPayments(limit: 20) { ${ITEMS} } }` });
const OWN = JSON.stringify({
  query: `{ listPayments(limit: 20, filter: { tenantId: { eq: "TenantA" } }) { ${ITEMS} } }`,
});

async function startApi(storage: unknown): Promise<{ url: string; child: ChildProcess }> {
  const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
  const child = spawn(process.execPath, ['--expose-gc', ...profile, API], {
    env: {
      ...process.env,
      NODE_ENV: apiNodeEnv,
      BENCH_STORAGE: JSON.stringify(storage),
      BENCH_VERIFIER: JSON.stringify({
        ...issuer.verifierConfig(),
        ...(tokenCache ? {} : { verifiedTokenCache: false }),
      }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`API process exited ${code}`)));
  });
  return { url, child };
}

async function json(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function measure(adapter: string, storage: unknown) {
  const { url, child } = await startApi(storage);
  const cpu = async () => Number((await json(`${url}/bench/cpu`))['micros']);
  const load = async (
    name: string,
    path: string,
    method: 'GET' | 'POST',
    body?: string,
    duration = seconds,
    conns = connections,
  ) => {
    const before = await cpu();
    const r = await autocannon({
      url: `${url}${path}`,
      method,
      headers,
      connections: conns,
      duration,
      ...(body === undefined ? {} : { body }),
    });
    const used = (await cpu()) - before;
    const requests = r.requests.total;
    return {
      adapter,
      name,
      reqPerSec: Math.round(r.requests.average),
      p50: r.latency.p50,
      p99: r.latency.p99,
      cpuMsPerRequest: requests > 0 ? Number((used / 1000 / requests).toFixed(3)) : null,
      non2xx: r.non2xx,
      errors: r.errors,
    };
  };
  // 1 000 payments through the API itself.
  for (let i = 0; i < 1000; i += 1)
    await json(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        query: JSON.parse(CREATE).query,
        variables: { i: { ...input, message: `m${i}` } },
      }),
    });
  // V8 compiles each route's code as it gets hot: every route is warmed before any is measured, so
  // the first one measured does not pay the others' warm-up (it gave the GraphQL list up to +60 %).
  // The bare create is warmed by 200 requests only, so the list measured "@1k" still sees ~1 200.
  for (const [path, method, body, amount] of [
    ['/graphql', 'POST', LIST, undefined],
    ['/bare/list', 'GET', undefined, undefined],
    ['/bare/create', 'POST', JSON.stringify(input), 200],
  ] as const)
    await autocannon({
      url: `${url}${path}`,
      method,
      headers,
      connections,
      ...(amount === undefined ? { duration: 2 } : { amount }),
      ...(body === undefined ? {} : { body }),
    });
  const rows = [];
  const p50At1k = await load('listPayments p50 @1k (1 connection)', '/graphql', 'POST', LIST, 3, 1);
  rows.push(p50At1k);
  const gqlList = await load('graphql listPayments(limit 20)', '/graphql', 'POST', LIST);
  const bareList = await load('bare route list (same store call)', '/bare/list', 'GET');
  const ownList = await load('graphql listPayments(filter tenantId eq own)', '/graphql', 'POST', OWN);
  const gqlCreate = await load('graphql createPayment', '/graphql', 'POST', CREATE);
  const bareCreate = await load(
    'bare route create (same store call)',
    '/bare/create',
    'POST',
    JSON.stringify(input),
  );
  rows.push(gqlList, bareList, ownList, gqlCreate, bareCreate);

  // Heap retained per listPayments call, after GC, over many sequential calls.
  const heapBefore = Number((await json(`${url}/bench/heap`))['heapUsed']);
  for (let i = 0; i < memoryCalls; i += 1)
    await json(`${url}/graphql`, { method: 'POST', headers, body: LIST });
  const heapAfter = Number((await json(`${url}/bench/heap`))['heapUsed']);
  const retainedBytesPerList = (heapAfter - heapBefore) / memoryCalls;

  const seedStart = Date.now();
  await json(`${url}/bench/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: big }),
  });
  const seedMs = Date.now() - seedStart;
  const p50AtBig = await load(`listPayments p50 @${big}+ (1 connection)`, '/graphql', 'POST', LIST, 3, 1);
  rows.push(p50AtBig);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const overhead = (g: { cpuMsPerRequest: number | null }, b: { cpuMsPerRequest: number | null }) =>
    g.cpuMsPerRequest !== null && b.cpuMsPerRequest ? g.cpuMsPerRequest / b.cpuMsPerRequest - 1 : null;
  return {
    adapter,
    rows,
    graphqlCpuOverhead: { list: overhead(gqlList, bareList), create: overhead(gqlCreate, bareCreate) },
    ownFilterCpuRatio: gqlList.cpuMsPerRequest
      ? (ownList.cpuMsPerRequest ?? 0) / gqlList.cpuMsPerRequest
      : null,
    p50Ratio: p50AtBig.p50 / Math.max(p50At1k.p50, 0.001),
    retainedBytesPerList,
    seed: { payments: big, milliseconds: seedMs },
  };
}

const results = [];
for (const adapter of adapters) {
  if (adapter === 'pglite')
    results.push(
      await measure(adapter, {
        kind: 'postgres',
        url: undefined,
        dataDir: await makeTempDir('payments-bench'),
      }),
    );
  else if (adapter === 'postgres-server') {
    const server = await startPostgresServer();
    try {
      results.push(await measure(adapter, { kind: 'postgres', url: server.url, dataDir: undefined }));
    } finally {
      await server.stop();
    }
  } else if (adapter === 'dynamodb-local') {
    const local = await startDynamoDbLocal();
    try {
      results.push(
        await measure(adapter, {
          kind: 'dynamodb',
          endpoint: local.endpoint,
          region: 'eu-west-1',
          credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
          tablePrefix: 'bench-',
          manageTables: true,
        }),
      );
    } finally {
      await local.stop();
    }
  } else throw new Error(`BENCH_ADAPTERS: pglite, postgres-server, dynamodb-local (got ${adapter})`);
}
for (const r of results) {
  console.table(r.rows);
  console.log(
    `${r.adapter}: GraphQL CPU overhead list ${((r.graphqlCpuOverhead.list ?? 0) * 100).toFixed(1)} %, create ${((r.graphqlCpuOverhead.create ?? 0) * 100).toFixed(1)} %; own-tenant filter CPU ${(r.ownFilterCpuRatio ?? 0).toFixed(2)}x unfiltered; p50 big/1k ${r.p50Ratio.toFixed(2)}; heap retained ${(r.retainedBytesPerList / 1024).toFixed(2)} kB per list; seeded ${big} in ${(r.seed.milliseconds / 1000).toFixed(1)} s`,
  );
}
await mkdir(new URL('../results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('../results/payments.json', import.meta.url),
  `${JSON.stringify({ when: new Date().toISOString(), seconds, connections, big, tokenCache, apiNodeEnv, memoryCalls, results, targets: { graphqlOverheadAtMost: 0.1, p50RatioAtMost: 1.1, apiCpuMsPerListAtMost: 1.5, retainedKbPerListBelow: 1 } }, null, 2)}\n`,
);
await issuer.close();
