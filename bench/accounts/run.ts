import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openDatabase } from '@atrium/postgres';
import { migrateAccounts, SERVICE_ROLE } from '@atrium/accounts-api/app';
import { startPostgresServer, startTestIssuer, type RunningServer } from '@atrium/test-kit';

// GET /api/accounts (a page of 50) through the accounts plugin, beside a bare node:http handler
// running the same SQL in the same process, on PGlite and on a PostgreSQL server.
// Usage: node bench/accounts/run.ts [--duration 10] [--connections 50] [--engines embedded,server]

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    engines: { type: 'string', default: 'embedded,server' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const engines = values.engines.split(',') as Array<'embedded' | 'server'>;

interface Measurement {
  engine: string;
  handler: 'bare node:http' | 'accounts plugin';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, headers });
}

async function startTarget(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; app: number; bare: number }> {
  const child = fork(new URL('./target.ts', import.meta.url), [], {
    env: { ...process.env, ...env },
    execPath: process.execPath,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ports = await new Promise<{ app: number; bare: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { app: number; bare: number }));
    child.once('exit', (code) => reject(new Error(`bench target exited with ${code}`)));
  });
  return { child, ...ports };
}

const issuer = await startTestIssuer();
const token = await issuer.mint(
  { tenantId: 'TenantBench', tenantName: 'Bench', roles: ['viewer'], username: 'bench' },
  { expiresInSeconds: 3600 },
);
const results: Measurement[] = [];

for (const engine of engines) {
  let server: RunningServer | undefined;
  const env: Record<string, string> = { BENCH_VERIFIER: JSON.stringify(issuer.verifierConfig()) };
  if (engine === 'server') {
    server = await startPostgresServer();
    const owner = await openDatabase({ url: server.url, poolSize: 1 });
    await migrateAccounts(owner);
    await owner.query(`alter role ${SERVICE_ROLE} login`);
    await owner.close();
    env['BENCH_MIGRATION_URL'] = server.url;
    env['BENCH_DATABASE_URL'] = server.url.replace('postgres://postgres@', `postgres://${SERVICE_ROLE}@`);
  }
  const target = await startTarget(env);
  try {
    for (const [handler, port, headers] of [
      ['bare node:http', target.bare, {}],
      ['accounts plugin', target.app, { authorization: `Bearer ${token}` }],
    ] as const) {
      const url = `http://127.0.0.1:${port}/api/accounts`;
      await load(url, headers, 2); // warm-up: JIT, pool connections, JWKS fetch
      const result = await load(url, headers, duration);
      results.push({
        engine,
        handler,
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      });
    }
  } finally {
    const exited = new Promise((resolve) => target.child.once('exit', resolve));
    target.child.kill('SIGTERM');
    await exited;
    await server?.stop();
  }
}
await issuer.close();

const ratios = engines.map((engine) => {
  const bare = results.find((r) => r.engine === engine && r.handler === 'bare node:http');
  const plugin = results.find((r) => r.engine === engine && r.handler === 'accounts plugin');
  return {
    engine,
    ratio: bare && plugin ? Number((plugin.requestsPerSecond / bare.requestsPerSecond).toFixed(2)) : null,
  };
});

console.log(`\nGET /api/accounts (page of 50), ${connections} connections, ${duration} s each\n`);
console.log('| engine   | handler          | req/s  | p50 ms | p99 ms | non-2xx | errors |');
console.log('|----------|------------------|--------|--------|--------|---------|--------|');
for (const r of results) {
  console.log(
    `| ${r.engine.padEnd(8)} | ${r.handler.padEnd(16)} | ${String(r.requestsPerSecond).padStart(6)} | ${String(r.p50Ms).padStart(6)} | ${String(r.p99Ms).padStart(6)} | ${String(r.non2xx).padStart(7)} | ${String(r.errors).padStart(6)} |`,
  );
}
for (const { engine, ratio } of ratios) {
  console.log(`${engine}: plugin / bare = ${ratio}${engine === 'server' ? ' (target >= 0.8)' : ''}`);
}

const resultsDir = new URL('../results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
await writeFile(
  new URL('accounts.json', resultsDir),
  `${JSON.stringify({ benchmark: 'accounts', date: new Date().toISOString(), node: process.version, connections, durationSeconds: duration, results, ratios }, null, 2)}\n`,
);
