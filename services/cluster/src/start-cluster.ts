// `npm run start:cluster`: the cluster topology on one machine (services/cluster/src/cluster.ts):
// PostgreSQL, Redis, N instances of every service and nginx as the one public origin.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterError, MAX_INSTANCES, startCluster, CLUSTER_SERVICES } from './cluster.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function settings(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  const basePort = Number(env['CLUSTER_BASE_PORT'] ?? '8300');
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65000)
    problems.push('CLUSTER_BASE_PORT: 1024-65000');
  const instances = Number(env['CLUSTER_INSTANCES'] ?? '2');
  if (!Number.isInteger(instances) || instances < 1 || instances > MAX_INSTANCES)
    problems.push(`CLUSTER_INSTANCES: 1-${MAX_INSTANCES}`);
  const store = env['PAYMENTS_STORE'] ?? 'postgres';
  if (store !== 'postgres' && store !== 'dynamodb') problems.push('PAYMENTS_STORE: postgres or dynamodb');
  const demo = env['ATRIUM_DEMO'] ?? 'true';
  if (demo !== 'true' && demo !== 'false') problems.push('ATRIUM_DEMO: true or false');
  if (problems.length > 0)
    throw new ClusterError(`Invalid cluster configuration:\n  ${problems.join('\n  ')}`);
  return {
    basePort,
    instances,
    paymentsStore: store as 'postgres' | 'dynamodb',
    demo: demo === 'true',
    dataDir: resolve(env['ATRIUM_DATA_DIR'] ?? join(repoRoot, '.atrium-cluster')),
    logLevel: env['LOG_LEVEL'] ?? 'info',
  };
}

let config;
try {
  config = settings(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const began = Date.now();
let cluster: Awaited<ReturnType<typeof startCluster>>;
try {
  cluster = await startCluster({
    ...config,
    output: (name, line) => console.log(`[${name}] ${line}`),
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

// Once: a second Ctrl-C while stopping does not cut the order short.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.log('cluster: stopping (nginx, services, Redis, PostgreSQL)');
    void cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });

// SIGHUP: a rolling restart of every instance (e.g. after pulling new code), one at a time.
let rolling = false;
process.on('SIGHUP', () => {
  if (rolling) return;
  rolling = true;
  const began = Date.now();
  console.log('cluster: rolling restart');
  void cluster
    .rollingRestart()
    .then(
      () => console.log(`cluster: rolling restart done in ${Date.now() - began} ms`),
      (error: unknown) => console.error(`cluster: rolling restart stopped: ${String(error)}`),
    )
    .finally(() => (rolling = false));
});

console.log(
  `\nAtrium, cluster topology (${config.instances} instance(s) per service, ready in ${Date.now() - began} ms):`,
);
for (const service of CLUSTER_SERVICES)
  console.log(
    `  ${service.padEnd(13)} ${cluster.instances[service].map((i) => `${i.port} (pid ${i.pid})`).join(', ')}`,
  );
console.log(`  data          ${config.dataDir}`);
console.log(`\nRolling restart: kill -HUP ${process.pid}.`);
console.log(`Open ${cluster.origin}/ — demo logins as in the README. Stop with Ctrl-C.`);
