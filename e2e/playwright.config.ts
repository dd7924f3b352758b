import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@atrium/test-kit';
import { NODE } from './src/node-runtime.ts';
import { grantE2ePublisher } from './src/publisher.ts';
import {
  CLUSTER_INSTANCES,
  selectedTopologies,
  topologyRuns,
  type TopologyName,
  type TopologyRun,
} from './src/topology.ts';

// The same scenarios against every topology, one Playwright project each: `embedded` (one process,
// one origin), `split` (every service and micro-frontend on its own origin) and `cluster` (two
// instances of every service behind nginx, PostgreSQL and Redis servers). Each gets its own
// server on free ports and a fresh temp data folder, started here and stopped when the run ends.
// Workers inherit the runner's choice of topologies through the environment; only the runner grants.
const inRunner = process.env['ATRIUM_E2E_TOPOLOGIES'] === undefined;
const runs = await topologyRuns();
// A team's publisher client for the registry tests, granted before the servers open the databases.
// The cluster's identity database is on its PostgreSQL server: granted at first use (e2ePublisher).
if (inRunner)
  for (const name of selectedTopologies(process.argv))
    if (name !== 'cluster') grantE2ePublisher(runs[name].dataDir);

const node = JSON.stringify(NODE);

type WebServer = NonNullable<PlaywrightTestConfig['webServer']> & { command: string };

// SIGTERM first, so the services close their stores; whatever is left of the process group after
// 10 s is killed. Either way nothing outlives the run.
const stop = { signal: 'SIGTERM', timeout: 10_000 } as const;

const servers: Record<TopologyName, (run: TopologyRun) => WebServer> = {
  embedded: (run) => ({
    name: 'embedded',
    command: `${node} services/embedded/src/main.ts`,
    cwd: '..',
    url: `${run.baseURL}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    gracefulShutdown: stop,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { PORT: String(run.port), ATRIUM_DATA_DIR: run.dataDir, LOG_LEVEL: 'warn' },
  }),
  split: (run) => ({
    name: 'split',
    command: `${node} services/host/src/start-split.ts`,
    cwd: '..',
    // Printed once every process of the topology answers its health check.
    wait: { stdout: /Stop with Ctrl-C/ },
    timeout: 180_000,
    reuseExistingServer: false,
    gracefulShutdown: stop,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { SPLIT_BASE_PORT: String(run.port), ATRIUM_DATA_DIR: run.dataDir, LOG_LEVEL: 'warn' },
  }),
  cluster: (run) => ({
    name: 'cluster',
    command: `${node} services/cluster/src/start-cluster.ts`,
    cwd: '..',
    // Printed once nginx answers with every instance of every service ready.
    wait: { stdout: /Stop with Ctrl-C/ },
    timeout: 180_000,
    reuseExistingServer: false,
    // The cluster stops nginx, then the services (each drains), Redis and PostgreSQL, in order.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      CLUSTER_BASE_PORT: String(run.port),
      CLUSTER_INSTANCES: String(CLUSTER_INSTANCES),
      ATRIUM_DATA_DIR: run.dataDir,
      LOG_LEVEL: 'warn',
    },
  }),
};

/** Scenarios a topology skips, and why. */
const ignored: Record<TopologyName, string[]> = {
  embedded: [],
  // It restarts a server of its own under an open page: one topology proves the element's part.
  split: ['**/live-reconnect.spec.ts'],
  // The same, and the registry scenario breaks a version by deleting its file from the host's data
  // folder: the cluster's hosts keep versions in PostgreSQL (the platform scenario publishes there).
  cluster: ['**/live-reconnect.spec.ts', '**/registry.spec.ts'],
};

export default defineConfig({
  testDir: './tests',
  outputDir: '../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The topologies run side by side; within one, the scenarios share the server and its data and
  // run one after another (each project has one worker).
  workers: 2,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: Object.values(runs).map((run) => ({
    name: run.name,
    workers: 1,
    testIgnore: ignored[run.name],
    outputDir: `../test-results/e2e/${run.name}`,
    use: { baseURL: run.baseURL },
    metadata: { ...run },
  })),
  webServer: selectedTopologies(process.argv).map((name) => servers[name](runs[name])),
});
