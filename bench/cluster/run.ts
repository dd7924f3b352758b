// Cluster benchmark (bench/results/cluster.json): the cluster topology (services/cluster) started
// with 1, then 2 instances per service, each in a fresh data folder, loaded through nginx's one
// origin by signed-in demo users: GraphQL listPayments and createPayment, GET /api/accounts, a
// hashed shell asset. Requests/s, p50/p99 and errors per kind; CPU ms per request of every API
// instance, the PostgreSQL server (postmaster and its backends), Redis, nginx (master and workers)
// and of this process (the load generator), from /proc before and after the measured window.
// The load generator shares the machine's cores with what it measures: compare the two runs of
// one result, and read the machine's load beside them.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLUSTER_SERVICES,
  clusterPorts,
  startCluster,
  type Cluster,
  type ClusterService,
} from '@atrium/cluster';
import { openDatabase } from '@atrium/postgres';
import { loginWithPassword, makeTempDir } from '@atrium/test-kit';
import { ClusterLoad, KINDS, quantile, type Caller, type Kind, type KindStats } from './cluster-load.ts';
import { machineBusyMs, ProcessTable } from '../process-cpu.ts';

function settings(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = Number(env[name] ?? String(fallback));
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name}: ${min}-${max}`);
    return value;
  };
  const seconds = integer('BENCH_SECONDS', 30, 1, 600);
  const warmupSeconds = integer('BENCH_WARMUP_SECONDS', 5, 0, 120);
  const clients = integer('BENCH_CLIENTS', 16, 1, 1000);
  const instances = (env['BENCH_INSTANCES'] ?? '1,2').split(',').map(Number);
  if (instances.some((n) => !Number.isInteger(n) || n < 1 || n > 10))
    problems.push('BENCH_INSTANCES: instances per service of each run, 1-10, comma-separated (default 1,2)');
  if (problems.length > 0) throw new Error(`bench/cluster: invalid settings:\n  ${problems.join('\n  ')}`);
  return { seconds, warmupSeconds, clients, instances };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A base port whose whole layout is free: other helpers may run clusters beside this one. */
async function freeBasePort(instances: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 35_000);
    let free = true;
    for (const port of clusterPorts(base, instances)) if (!(await canListen(port))) free = false;
    if (free) return base;
  }
  throw new Error('no free port range for the cluster');
}

/** A demo member of `tenant`, signed in through identity's login form as a person would. */
async function signIn(cluster: Cluster, tenant: 'A' | 'B'): Promise<Caller> {
  const tokens = await loginWithPassword({
    issuer: `${cluster.origin}/auth`,
    redirectUri: `${cluster.origin}/callback`,
    username: `userTenant${tenant}`,
    password: 'demo-password',
  });
  const response = await fetch(`${cluster.loopbackOrigin}/api/accounts?limit=1`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  const body = (await response.json()) as { items?: Array<{ account_number: string }> };
  const fromAccount = body.items?.[0]?.account_number;
  if (fromAccount === undefined) throw new Error(`Tenant${tenant} has no account: ${JSON.stringify(body)}`);
  return { token: tokens.access_token, fromAccount };
}

/** The first hashed script the shell's page loads: what every visit asks the host for. */
async function shellAsset(cluster: Cluster): Promise<string> {
  const page = await (await fetch(`${cluster.loopbackOrigin}/`)).text();
  const asset = /(\/assets\/[^"'\s]+\.js)/.exec(page)?.[1];
  if (asset === undefined) throw new Error('the shell page names no /assets/*.js: run npm run build:apps');
  return asset;
}

/** The postmaster: the parent of every backend, so of the one this connection is served by. */
async function postmasterPid(cluster: Cluster): Promise<number> {
  const db = await openDatabase({ url: cluster.databases.payments.service, applicationName: 'bench' });
  try {
    const { rows } = await db.query<{ pid: number }>('select pg_backend_pid() as pid');
    const backend = rows[0]?.pid;
    const postmaster = backend === undefined ? undefined : new ProcessTable().parentOf(backend);
    if (postmaster === undefined) throw new Error('the PostgreSQL backend is not in /proc');
    return postmaster;
  } finally {
    await db.close();
  }
}

/** Requests an instance answered so far, by its own /metrics (loopback needs no token); scrapes excluded. */
async function requestsServed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith('http_requests_total{') && !line.includes('route="/metrics"'))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/** The processes measured: name → how to read its CPU milliseconds from a table. */
interface Measured {
  readonly name: string;
  readonly pids: readonly number[];
  readonly cpu: (table: ProcessTable) => number;
  /** Its /metrics URL when it is a service instance. */
  readonly metricsUrl?: string;
}

function measuredProcesses(cluster: Cluster, postmaster: number): Measured[] {
  const table = new ProcessTable();
  const only = (name: string, pids: number[]): number[] => {
    if (pids.length !== 1) throw new Error(`${name}: ${pids.length} child processes of the bench, not 1`);
    return pids;
  };
  const redis = only('redis-server', table.childrenNamed(process.pid, 'redis-server'));
  const nginx = only('nginx', table.childrenNamed(process.pid, 'nginx'));
  const instances = CLUSTER_SERVICES.flatMap((service) =>
    cluster.instances[service].map((instance): Measured => {
      const pid = instance.pid;
      if (pid === undefined) throw new Error(`${service}-${instance.index + 1} is not running`);
      return {
        name: `${service}-${instance.index + 1}`,
        pids: [pid],
        cpu: (t) => t.processMs(pid),
        metricsUrl: instance.url,
      };
    }),
  );
  const tree = (name: string, pid: number): Measured => ({ name, pids: [pid], cpu: (t) => t.treeMs(pid) });
  return [
    ...instances,
    tree('postgresql', postmaster),
    tree('redis', redis[0] ?? 0),
    tree('nginx', nginx[0] ?? 0),
    { name: 'load generator', pids: [process.pid], cpu: (t) => t.processMs(process.pid) },
  ];
}

/** Which client kinds each service answers (its CPU per client request of those kinds). */
const SERVES: Record<ClusterService, readonly Kind[]> = {
  identity: [],
  'accounts-api': ['getAccounts'],
  'payments-api': ['listPayments', 'createPayment'],
  host: ['staticFile'],
};

const round = (value: number | null, digits = 3) =>
  value === null || !Number.isFinite(value) ? null : Number(value.toFixed(digits));

async function measure(instances: number, config: ReturnType<typeof settings>) {
  const dataDir = await makeTempDir('bench-cluster');
  const recent: string[] = [];
  const began = Date.now();
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({
      dataDir,
      basePort: await freeBasePort(instances),
      instances,
      logLevel: 'warn',
      output: (name, line) => {
        recent.push(`[${name}] ${line}`);
        if (recent.length > 30) recent.shift();
      },
    });
    const startMs = Date.now() - began;
    console.log(`# ${instances} instance(s) per service: cluster started in ${startMs} ms`);
    const callers = [await signIn(cluster, 'A'), await signIn(cluster, 'B')];
    const staticPath = await shellAsset(cluster);
    const processes = measuredProcesses(cluster, await postmasterPid(cluster));

    const load = new ClusterLoad({ origin: cluster.loopbackOrigin, callers, staticPath }, config.clients);
    let window: {
      stats: Map<Kind, KindStats>;
      ms: number;
      cpu: Map<string, number>;
      served: Map<string, number>;
      machineMs: number;
      loadBefore: number[];
      loadAfter: number[];
    };
    try {
      // JIT, pools, the verified-token and directory caches: the measured window is steady state.
      await sleep(config.warmupSeconds * 1000);
      const instancesMeasured = processes.filter((p) => p.metricsUrl !== undefined);
      // Scraped outside the CPU window: the scrape is the bench's work, not a client's.
      const servedBefore = await Promise.all(
        instancesMeasured.map((p) => requestsServed(p.metricsUrl ?? '')),
      );
      const loadBefore = loadavg();
      const before = new ProcessTable();
      const machineBefore = machineBusyMs();
      const windowBegan = performance.now();
      const stats = load.record();
      await sleep(config.seconds * 1000);
      load.record();
      const ms = performance.now() - windowBegan;
      const after = new ProcessTable();
      const machineMs = machineBusyMs() - machineBefore;
      const loadAfter = loadavg();
      const servedAfter = await Promise.all(instancesMeasured.map((p) => requestsServed(p.metricsUrl ?? '')));
      window = {
        stats,
        ms,
        cpu: new Map(processes.map((p) => [p.name, p.cpu(after) - p.cpu(before)])),
        served: new Map(
          instancesMeasured.map((p, i) => [p.name, (servedAfter[i] ?? 0) - (servedBefore[i] ?? 0)]),
        ),
        machineMs,
        loadBefore,
        loadAfter,
      };
    } finally {
      await load.stop();
    }

    const seconds = window.ms / 1000;
    const kinds = KINDS.map((kind) => {
      const stats = window.stats.get(kind);
      const answered = stats?.latencies ?? [];
      const errors = stats?.errorCount ?? 0;
      return {
        kind,
        requests: answered.length,
        reqPerSec: round(answered.length / seconds, 1),
        p50Ms: round(quantile(answered, 0.5), 1),
        p99Ms: round(quantile(answered, 0.99), 1),
        errors,
        errorsByCause: Object.fromEntries(stats?.errors ?? []),
      };
    });
    const requests = kinds.reduce((sum, k) => sum + k.requests, 0);
    const errors = kinds.reduce((sum, k) => sum + k.errors, 0);
    const perClientRequest = (ms: number) => (requests > 0 ? ms / requests : null);
    const processRows = processes.map((p) => {
      const cpuMs = window.cpu.get(p.name) ?? 0;
      const served = window.served.get(p.name);
      return {
        process: p.name,
        pids: p.pids,
        cpuMs: Math.round(cpuMs),
        cpuCores: round(cpuMs / window.ms, 2),
        ...(served === undefined
          ? {}
          : { requestsServed: served, cpuMsPerRequestServed: round(served > 0 ? cpuMs / served : null) }),
        cpuMsPerClientRequest: round(perClientRequest(cpuMs)),
      };
    });
    // Every instance of a service together, per client request of the kinds it answers.
    const services = CLUSTER_SERVICES.map((service) => {
      const rows = processRows.filter((row) => row.process.startsWith(`${service}-`));
      const cpuMs = rows.reduce((sum, row) => sum + row.cpuMs, 0);
      const own = kinds
        .filter((k) => SERVES[service].includes(k.kind))
        .reduce((sum, k) => sum + k.requests, 0);
      return {
        service,
        instances: rows.length,
        cpuMs,
        cpuMsPerOwnRequest: round(own > 0 ? cpuMs / own : null),
        ownKinds: SERVES[service],
        cpuMsPerClientRequest: round(perClientRequest(cpuMs)),
      };
    });
    const oursMs = processRows.reduce((sum, row) => sum + row.cpuMs, 0);
    return {
      instancesPerService: instances,
      clusterStartMs: startMs,
      staticPath,
      windowSeconds: round(seconds, 2),
      total: { requests, reqPerSec: round(requests / seconds, 1), errors },
      kinds,
      processes: processRows,
      services,
      machine: {
        cores: cpus().length,
        loadAverageBefore: window.loadBefore.map((l) => round(l, 2)),
        loadAverageAfter: window.loadAfter.map((l) => round(l, 2)),
        busyCores: round(window.machineMs / window.ms, 2),
        // What the rest of the machine (other work on the shared cores) used meanwhile.
        otherProcessesCores: round((window.machineMs - oursMs) / window.ms, 2),
      },
    };
  } catch (error) {
    console.error(recent.join('\n'));
    throw error;
  } finally {
    await cluster?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

let config: ReturnType<typeof settings>;
try {
  config = settings(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const runs = [];
for (const instances of config.instances) {
  const run = await measure(instances, config);
  runs.push(run);
  console.table(
    run.kinds.map(({ errorsByCause, ...row }) => ({ ...row, causes: JSON.stringify(errorsByCause) })),
  );
  console.table(run.processes.map(({ pids: _pids, ...row }) => row));
  console.log(
    `# ${instances} per service: ${run.total.reqPerSec} req/s, ${run.total.errors} errors; machine busy ${run.machine.busyCores} of ${run.machine.cores} cores (others ${run.machine.otherProcessesCores}), load average ${run.machine.loadAverageBefore.join(' ')} → ${run.machine.loadAverageAfter.join(' ')}`,
  );
}
const first = runs[0];
const scaling = runs.map((run) => ({
  instancesPerService: run.instancesPerService,
  reqPerSecVsFirst: round(
    first && first.total.reqPerSec ? (run.total.reqPerSec ?? 0) / first.total.reqPerSec : null,
    2,
  ),
}));
console.log(
  `# throughput vs the first run: ${scaling.map((s) => `${s.instancesPerService}: ${s.reqPerSecVsFirst}x`).join(', ')}`,
);
await mkdir(new URL('../results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('../results/cluster.json', import.meta.url),
  `${JSON.stringify(
    {
      benchmark: 'cluster',
      when: new Date().toISOString(),
      node: process.version,
      seconds: config.seconds,
      warmupSeconds: config.warmupSeconds,
      clients: config.clients,
      workload:
        'each client in a closed loop over listPayments(limit 20), createPayment, GET /api/accounts?limit=20, a shell asset (br), through nginx, keep-alive; clients alternate demo members of TenantA and TenantB',
      runs,
      scaling,
    },
    null,
    2,
  )}\n`,
);
