// Where each topology under test runs. Read by playwright.config.ts in the runner and again in
// every worker: the runner chooses once and hands the choice to its workers through the environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PORT_LAYOUT } from '@atrium/cluster';

/** The topologies the same scenarios run against (one Playwright project each). */
export const TOPOLOGIES = ['embedded', 'split', 'cluster'] as const;
export type TopologyName = (typeof TOPOLOGIES)[number];

/**
 * Ports the split topology takes from its base port: shell, identity, payments API, accounts API and
 * one per micro-frontend (services/host/src/split-topology.ts; tests/topology.spec.ts checks it).
 */
export const SPLIT_PORT_COUNT = 6;

/**
 * Ports the cluster takes from its base port (nginx's, the public one, first): services/cluster's
 * PORT_LAYOUT up to the host's second instance; the cluster project runs 2 instances per service.
 */
export const CLUSTER_INSTANCES = 2;
export const CLUSTER_PORT_COUNT = PORT_LAYOUT.host + CLUSTER_INSTANCES;

/** One topology's server: where the shell is, its first port and its data folder. */
export interface TopologyRun {
  readonly name: TopologyName;
  /** The shell's origin, the tests' `baseURL`. */
  readonly baseURL: string;
  /** The first port (the only one for embedded). */
  readonly port: number;
  /** How many consecutive ports from `port` it listens on. */
  readonly ports: number;
  /** How many public origins it serves (the cluster listens on many ports behind one). */
  readonly origins: number;
  /**
   * Every host process that answers the shell origin's `/registry.json`, by its own URL: the
   * cluster's hosts share one store and each sees another's change within HOST_REGISTRY_POLL_MS.
   */
  readonly hosts: readonly string[];
  readonly dataDir: string;
}

const ENV = 'ATRIUM_E2E_TOPOLOGIES';

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      // No IPv6 on this machine: nothing can listen on ::1 either, so the port is free there.
      resolve(error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT'),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A random run of `count` consecutive ports that are all free on both loopback addresses (the
 * browser may resolve `localhost` to either).
 */
export async function freePortRange(count: number, avoid: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (40_000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => avoid.includes(p))) continue;
    let free = true;
    for (const port of ports)
      if (!(await canListen(port, '127.0.0.1')) || !(await canListen(port, '::1'))) {
        free = false;
        break;
      }
    if (free) return base;
  }
  throw new Error(`e2e: found no ${count} consecutive free ports`);
}

/**
 * The runs of this test run. The runner picks free ports and fresh temp data folders (removed when
 * it exits, after its web servers have stopped); workers find the same choice in the environment.
 */
export async function topologyRuns(): Promise<Record<TopologyName, TopologyRun>> {
  const inherited = process.env[ENV];
  if (inherited !== undefined) return JSON.parse(inherited) as Record<TopologyName, TopologyRun>;
  const embeddedPort = await freePortRange(1);
  const splitPort = await freePortRange(SPLIT_PORT_COUNT, [embeddedPort]);
  const run = (
    name: TopologyName,
    port: number,
    ports: number,
    origins = ports,
    hosts = [`http://localhost:${port}`],
  ): TopologyRun => {
    const dataDir = mkdtempSync(join(tmpdir(), `atrium-e2e-${name}-`));
    process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
    return { name, baseURL: `http://localhost:${port}`, port, ports, origins, hosts, dataDir };
  };
  const clusterPort = await freePortRange(CLUSTER_PORT_COUNT, [
    embeddedPort,
    ...Array.from({ length: SPLIT_PORT_COUNT }, (_, i) => splitPort + i),
  ]);
  const runs = {
    embedded: run('embedded', embeddedPort, 1),
    split: run('split', splitPort, SPLIT_PORT_COUNT),
    cluster: run(
      'cluster',
      clusterPort,
      CLUSTER_PORT_COUNT,
      1,
      Array.from(
        { length: CLUSTER_INSTANCES },
        (_, i) => `http://127.0.0.1:${clusterPort + PORT_LAYOUT.host + i}`,
      ),
    ),
  };
  process.env[ENV] = JSON.stringify(runs);
  return runs;
}

/**
 * The topologies the command line selects with `--project` (all without one): only their servers
 * start. Playwright starts every `webServer` whatever the projects, so the config filters them.
 */
export function selectedTopologies(argv: readonly string[]): TopologyName[] {
  const patterns: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--project=')) patterns.push(arg.slice('--project='.length));
    else if (arg === '--project')
      while (i + 1 < argv.length && !(argv[i + 1] ?? '-').startsWith('-')) patterns.push(argv[++i] ?? '');
  }
  if (patterns.length === 0) return [...TOPOLOGIES];
  const matches = (name: string, pattern: string): boolean =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(name);
  return TOPOLOGIES.filter((name) => patterns.some((pattern) => matches(name, pattern)));
}
