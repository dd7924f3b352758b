// Payments API benchmark (bench/results/payments.json), per adapter of the store port (ADR 0106):
// embedded PGlite, a PostgreSQL server, Amazon DynamoDB Local. For each: listPayments(limit 20) and
// createPayment req/s, p50/p99 and CPU ms per request of the API process (its own process, so
// process.cpuUsage is the API's alone) beside the bare route doing the same store calls; the seed's
// own-tenant filtered list; heap retained per listPayments after GC; list p50 at 1 000 vs BENCH_BIG.
// Absolute rates vary 2-5x between days on these machines: compare the ratios of one run.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { helperThreadsMs } from '../process-cpu.ts';
import { json, LIST, LIST_ITEMS, median, startApiProcess } from './api-harness.ts';
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
// BENCH_CPU_PROF=<folder>: a V8 CPU profile of the API process per measured row, written there as
// <adapter>-<row>.cpuprofile.
const cpuProfileDir = process.env['BENCH_CPU_PROF'];
const connections = 50;
const rounds = Number(process.env['BENCH_ROUNDS'] ?? '6');
const roundSeconds = Math.max(2, Math.round(seconds / 2));
const API = fileURLToPath(new URL('./api-process.ts', import.meta.url));

if (cpuProfileDir !== undefined) await mkdir(cpuProfileDir, { recursive: true });

const issuer = await startTestIssuer();
const token = await issuer.mint(demoCaller('A', 'member'), { expiresInSeconds: 3600 });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
// Tenant B keeps 1 000 payments while tenant A grows to BENCH_BIG: their lists are timed in
// alternating rounds, in the same table and the same minutes.
const tokenB = await issuer.mint(demoCaller('B', 'member'), { expiresInSeconds: 3600 });
const headersB = { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json' };
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
const OWN = JSON.stringify({
  query: `{ listPayments(limit: 20, filter: { tenantId: { eq: "TenantA" } }) { ${LIST_ITEMS} } }`,
});

function startApi(storage: unknown) {
  return startApiProcess(API, {
    storage,
    nodeEnv: apiNodeEnv,
    verifier: { ...issuer.verifierConfig(), ...(tokenCache ? {} : { verifiedTokenCache: false }) },
  });
}

async function measure(adapter: string, storage: unknown) {
  const api = await startApi(storage);
  const { url, child } = api;
  // The API's CPU so far: the process's (process.cpuUsage, µs) and, of it, its helper threads' (ms).
  const usage = async () => ({
    micros: Number((await json(`${url}/bench/cpu`))['micros']),
    helperMs: helperThreadsMs(child.pid ?? -1),
  });
  // CPU ms per request between two usages; the helper threads' in 10 ms clock ticks.
  const perRequest = (before: Usage, after: Usage, requests: number) => ({
    cpuMsPerRequest:
      requests > 0 ? Number(((after.micros - before.micros) / 1000 / requests).toFixed(3)) : null,
    helperCpuMsPerRequest:
      requests > 0 ? Number(((after.helperMs - before.helperMs) / requests).toFixed(3)) : null,
  });
  type Usage = Awaited<ReturnType<typeof usage>>;
  const load = async (name: string, path: string, method: 'GET' | 'POST', body?: string) => {
    const profiled = async (what: 'start' | 'stop') => {
      if (cpuProfileDir === undefined) return;
      const file = `${cpuProfileDir}/${adapter}-${name.replace(/[^A-Za-z0-9@]+/g, '-')}.cpuprofile`;
      await json(`${url}/bench/profile/${what}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ file }),
      });
    };
    await profiled('start');
    const before = await usage();
    const r = await autocannon({
      url: `${url}${path}`,
      method,
      headers,
      connections,
      duration: roundSeconds,
      ...(body === undefined ? {} : { body }),
    });
    const after = await usage();
    await profiled('stop');
    const requests = r.requests.total;
    return {
      adapter,
      name,
      reqPerSec: Math.round(r.requests.average),
      p50: r.latency.p50,
      p99: r.latency.p99,
      ...perRequest(before, after, requests),
      non2xx: r.non2xx,
      errors: r.errors,
    };
  };
  // 1 000 payments of each tenant through the API itself.
  for (let i = 0; i < 2000; i += 1)
    await json(`${url}/graphql`, {
      method: 'POST',
      headers: i % 2 === 0 ? headers : headersB,
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
  type Row = Awaited<ReturnType<typeof load>>;
  // One row for several measurements of the same thing: the medians, and the counts summed.
  const medianRow = <T extends Row>(measured: readonly T[], name = measured[0]!.name) => ({
    ...measured[0]!,
    name,
    reqPerSec: median(measured.map((m) => m.reqPerSec)),
    p50: median(measured.map((m) => m.p50)),
    p99: median(measured.map((m) => m.p99)),
    cpuMsPerRequest: Number(median(measured.map((m) => m.cpuMsPerRequest ?? 0)).toFixed(3)),
    helperCpuMsPerRequest: Number(median(measured.map((m) => m.helperCpuMsPerRequest ?? 0)).toFixed(3)),
    non2xx: measured.reduce((sum, m) => sum + m.non2xx, 0),
    errors: measured.reduce((sum, m) => sum + m.errors, 0),
    rounds: measured.length,
  });
  const alternated = async (
    specs: readonly (readonly [string, string, 'GET' | 'POST', string | undefined])[],
  ): Promise<(Row & { rounds: number; cpuMsByRound: number[] })[]> => {
    const runs: Row[][] = specs.map(() => []);
    for (let round = 0; round < rounds; round += 1)
      for (const [index, [name, path, method, body]] of specs.entries())
        runs[index]!.push(await load(name, path, method, body));
    return runs.map((measured) => ({
      ...medianRow(measured),
      cpuMsByRound: measured.map((m) => m.cpuMsPerRequest ?? 0),
    }));
  };
  const rows = [];
  // One client, one request at a time, timed here to the microsecond (autocannon's latencies are
  // whole milliseconds, too coarse for a ~1 ms list): the p50 at 1 000 payments and at BENCH_BIG.
  const sequential = async (name: string, duration = 3, as = headers) => {
    const before = await usage();
    const latencies: number[] = [];
    const until = performance.now() + duration * 1000;
    while (performance.now() < until) {
      const start = performance.now();
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: as, body: LIST });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${name}: ${response.status}`);
      latencies.push(performance.now() - start);
    }
    const after = await usage();
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Number(latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(3));
    return {
      adapter,
      name,
      reqPerSec: Math.round(latencies.length / duration),
      p50: at(0.5),
      p99: at(0.99),
      ...perRequest(before, after, latencies.length),
      non2xx: 0,
      errors: 0,
    };
  };
  // The routes compared are measured in alternating rounds and each reported by its medians: on a
  // shared 2-core machine one long run of each drifted by up to 30 % between neighbours.
  const lists = await alternated([
    ['graphql listPayments(limit 20)', '/graphql', 'POST', LIST],
    ['bare route list (same store call)', '/bare/list', 'GET', undefined],
    ['graphql listPayments(filter tenantId eq own)', '/graphql', 'POST', OWN],
  ]);
  // The same pair with the store answering from memory: what GraphQL and the route's hooks cost
  // per list, without the store's I/O in the measurement.
  const memoryStore = (on: boolean) =>
    json(`${url}/bench/memory-store`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ on }),
    });
  await memoryStore(true);
  const inMemory = await alternated([
    ['graphql listPayments, store in memory', '/graphql', 'POST', LIST],
    ['bare route list, store in memory', '/bare/list', 'GET', undefined],
  ]);
  await memoryStore(false);
  // After the list rounds (which add no payment) and before the create rounds (which add thousands).
  const p50At1k = await sequential('listPayments p50 ms @1k (1 client, sequential)');
  const creates = await alternated([
    ['graphql createPayment', '/graphql', 'POST', CREATE],
    ['bare route create (same store call)', '/bare/create', 'POST', JSON.stringify(input)],
  ]);
  const [gqlList, bareList, ownList, gqlCreate, bareCreate] = [
    lists[0]!,
    lists[1]!,
    lists[2]!,
    creates[0]!,
    creates[1]!,
  ];
  rows.push(p50At1k, gqlList, bareList, ownList, inMemory[0]!, inMemory[1]!, gqlCreate, bareCreate);

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
  const p50AtBig = await sequential(`listPayments p50 ms @${big}+ (1 client, sequential)`);
  rows.push(p50AtBig);
  // The big tenant's list beside the small one's, round after round: the ratio of each round's p50s.
  const pairs: {
    big: Awaited<ReturnType<typeof sequential>>;
    small: Awaited<ReturnType<typeof sequential>>;
  }[] = [];
  for (let round = 0; round < rounds; round += 1)
    pairs.push({
      big: await sequential(`tenant A, ${big}+ payments`, 1.5),
      small: await sequential('tenant B, 1 000 payments', 1.5, headersB),
    });
  rows.push(
    medianRow(
      pairs.map((pair) => pair.big),
      `listPayments p50 ms, tenant with ${big}+ (paired rounds)`,
    ),
    medianRow(
      pairs.map((pair) => pair.small),
      'listPayments p50 ms, tenant with 1 000 (paired rounds)',
    ),
  );
  await api.stop();
  // Paired: each round's GraphQL CPU over the bare route's measured beside it, then the median of
  // those ratios, so a drift of the machine between rounds cancels out.
  const overhead = (g: { cpuMsByRound: number[] }, b: { cpuMsByRound: number[] }) =>
    median(g.cpuMsByRound.map((cpu, round) => cpu / b.cpuMsByRound[round]! - 1));
  const layerMs = median(
    inMemory[0]!.cpuMsByRound.map((cpu, round) => cpu - inMemory[1]!.cpuMsByRound[round]!),
  );
  return {
    adapter,
    rows,
    graphqlCpuOverhead: { list: overhead(gqlList, bareList), create: overhead(gqlCreate, bareCreate) },
    // GraphQL's own CPU per list (store in memory, paired rounds), and its share of a real bare list.
    graphqlLayerMsPerList: Number(layerMs.toFixed(3)),
    graphqlLayerShareOfBareList: layerMs / (bareList.cpuMsPerRequest ?? Number.NaN),
    ownFilterCpuRatio: 1 + overhead(ownList, gqlList),
    // The target's ratio: a tenant's list at BENCH_BIG payments over one at 1 000, same minutes.
    p50Ratio: median(pairs.map((pair) => pair.big.p50 / pair.small.p50)),
    // The same tenant's list before and after the seeding (minutes apart: drift included).
    p50RatioTableGrowth: p50AtBig.p50 / Math.max(p50At1k.p50, 0.001),
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
    `${r.adapter}: GraphQL CPU overhead list ${((r.graphqlCpuOverhead.list ?? 0) * 100).toFixed(1)} % (GraphQL layer ${(r.graphqlLayerMsPerList * 1000).toFixed(0)} µs = ${(r.graphqlLayerShareOfBareList * 100).toFixed(1)} % of a bare list), create ${((r.graphqlCpuOverhead.create ?? 0) * 100).toFixed(1)} %; own-tenant filter CPU ${(r.ownFilterCpuRatio ?? 0).toFixed(2)}x unfiltered; p50 big/1k ${r.p50Ratio.toFixed(2)}; heap retained ${(r.retainedBytesPerList / 1024).toFixed(2)} kB per list; seeded ${big} in ${(r.seed.milliseconds / 1000).toFixed(1)} s`,
  );
}
await mkdir(new URL('../results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('../results/payments.json', import.meta.url),
  `${JSON.stringify({ when: new Date().toISOString(), seconds, rounds, roundSeconds, connections, big, tokenCache, apiNodeEnv, memoryCalls, results, targets: { graphqlOverheadAtMost: 0.1, p50RatioAtMost: 1.1, apiCpuMsPerListAtMost: 1.5, retainedKbPerListBelow: 1 } }, null, 2)}\n`,
);
await issuer.close();
