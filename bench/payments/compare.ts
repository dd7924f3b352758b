// The GraphQL list's CPU overhead of this checkout beside another's (BENCH_COMPARE_WITH=<checkout>,
// which has had its own `npm ci`), in the same minutes: each checkout's API process on its own
// PostgreSQL server, and the rounds alternated between the two APIs' GraphQL and bare lists. Runs of
// run.ts minutes apart differ by more than a change of tens of µs per list on these machines (the
// same code gave 7 % and 26 %); side by side, a drift of the machine moves both checkouts.
// Prints and writes bench/results/payments-compare.json, with the store real and in memory.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { demoCaller, startPostgresServer, startTestIssuer } from '@atrium/test-kit';
import { json, LIST, median, startApiProcess, type ApiProcess } from './api-harness.ts';

const other = process.env['BENCH_COMPARE_WITH'];
if (other === undefined) throw new Error('BENCH_COMPARE_WITH=<path of the other checkout>');
const rounds = Number(process.env['BENCH_ROUNDS'] ?? '12');
const roundSeconds = 2;
const connections = 50;
const checkouts = [
  { name: 'this checkout', api: fileURLToPath(new URL('./api-process.ts', import.meta.url)) },
  { name: other, api: `${other.replace(/\/$/, '')}/bench/payments/api-process.ts` },
];

const issuer = await startTestIssuer();
const token = await issuer.mint(demoCaller('A', 'member'), { expiresInSeconds: 3600 });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const servers = await Promise.all(checkouts.map(() => startPostgresServer()));
const apis: ApiProcess[] = [];
for (const [index, checkout] of checkouts.entries())
  apis.push(
    await startApiProcess(checkout.api, {
      storage: { kind: 'postgres', url: servers[index]!.url, dataDir: undefined },
      verifier: issuer.verifierConfig(),
      nodeEnv: 'production',
    }),
  );

const post = (url: string, path: string, body: unknown) =>
  json(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const cpuMicros = async (url: string) => Number((await json(`${url}/bench/cpu`))['micros']);
const routes = [
  { name: 'graphql list', path: '/graphql', method: 'POST', body: LIST },
  { name: 'bare list', path: '/bare/list', method: 'GET', body: undefined },
] as const;
const load = (url: string, route: (typeof routes)[number], duration: number) =>
  autocannon({
    url: `${url}${route.path}`,
    method: route.method,
    headers,
    connections,
    duration,
    ...(route.body === undefined ? {} : { body: route.body }),
  });

/** CPU µs per request of each (checkout, route), round after round. */
async function measure(): Promise<number[][][]> {
  for (const api of apis) for (const route of routes) await load(api.url, route, 3);
  const cpu = apis.map(() => routes.map((): number[] => []));
  for (let round = 0; round < rounds; round += 1)
    for (const [a, api] of apis.entries())
      for (const [r, route] of routes.entries()) {
        const before = await cpuMicros(api.url);
        const result = await load(api.url, route, roundSeconds);
        const after = await cpuMicros(api.url);
        if (result.non2xx > 0 || result.errors > 0)
          throw new Error(
            `${checkouts[a]!.name} ${route.name}: ${result.non2xx} non-2xx, ${result.errors} errors`,
          );
        cpu[a]![r]!.push((after - before) / result.requests.total);
      }
  return cpu;
}

function summary(cpu: number[][][]) {
  const perCheckout = checkouts.map((checkout, a) => {
    const [graphql, bare] = [cpu[a]![0]!, cpu[a]![1]!];
    return {
      checkout: checkout.name,
      graphqlCpuUs: Number(median(graphql).toFixed(1)),
      bareCpuUs: Number(median(bare).toFixed(1)),
      // Each round's GraphQL list over the bare list measured beside it.
      pairedOverhead: Number(median(graphql.map((g, round) => g / bare[round]! - 1)).toFixed(4)),
      pairedDifferenceUs: Number(median(graphql.map((g, round) => g - bare[round]!)).toFixed(1)),
    };
  });
  const [mine, theirs] = [cpu[0]!, cpu[1]!];
  return {
    perCheckout,
    // This checkout's GraphQL list minus the other's, round by round.
    graphqlDifferenceUs: Number(median(mine[0]!.map((v, round) => v - theirs[0]![round]!)).toFixed(1)),
    bareDifferenceUs: Number(median(mine[1]!.map((v, round) => v - theirs[1]![round]!)).toFixed(1)),
  };
}

try {
  for (const api of apis) await post(api.url, '/bench/seed', { count: 1000 });
  const realStore = summary(await measure());
  for (const api of apis) await post(api.url, '/bench/memory-store', { on: true });
  const memoryStore = summary(await measure());
  for (const [name, result] of [
    ['store real (PostgreSQL server)', realStore],
    ['store in memory', memoryStore],
  ] as const) {
    console.log(name);
    console.table(result.perCheckout);
    console.log(
      `  this checkout's GraphQL list ${result.graphqlDifferenceUs} µs, bare list ${result.bareDifferenceUs} µs beside the other's (paired medians)`,
    );
  }
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('../results/payments-compare.json', import.meta.url),
    `${JSON.stringify({ when: new Date().toISOString(), rounds, roundSeconds, connections, realStore, memoryStore }, null, 2)}\n`,
  );
} finally {
  for (const api of apis) await api.stop();
  for (const server of servers) await server.stop();
  await issuer.close();
}
