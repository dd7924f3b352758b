/**
 * The cluster topology on one machine: a PostgreSQL server, Redis, N instances of every service as
 * separate processes, and nginx as the one public origin. Used by `npm run start:cluster` and by
 * tests, which get handles to kill and restart single instances.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { postgresServer, type PostgresServerProcess } from '@atrium/postgres/server';
import { startRedisProcess, type RedisServerProcess } from '@atrium/service-runtime/redis-server';
import { PRIVATE_UMASK } from '@atrium/service-runtime';
import { clusterNginxConfig, type NginxUpstream } from './cluster-nginx.ts';
import {
  databaseUrls,
  loadPasswords,
  provisionDatabases,
  type ClusterDatabaseName,
  type DatabaseUrls,
} from './cluster-databases.ts';
import { seedClusterDemo } from './cluster-demo.ts';
import { storeTarget } from '@atrium/host/config';
import { openMfeStore } from '@atrium/host/store';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const CLUSTER_SERVICES = ['identity', 'accounts-api', 'payments-api', 'host'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

/** Where each service is, relative to the base port: instance i of a service listens on base + offset + i. */
export const PORT_LAYOUT = {
  nginx: 0,
  postgres: 1,
  redis: 2,
  identity: 10,
  'accounts-api': 20,
  'payments-api': 30,
  host: 40,
} as const;

/** At most this many instances per service (the port layout leaves room for ten). */
export const MAX_INSTANCES = 10;

/** Every port a cluster of `instances` per service listens on from `basePort` (all on 127.0.0.1). */
export function clusterPorts(basePort: number, instances: number): number[] {
  return [
    basePort + PORT_LAYOUT.nginx,
    basePort + PORT_LAYOUT.postgres,
    basePort + PORT_LAYOUT.redis,
    ...CLUSTER_SERVICES.flatMap((service) =>
      Array.from({ length: instances }, (_, i) => basePort + PORT_LAYOUT[service] + i),
    ),
  ];
}

export interface ClusterOptions {
  /** Everything the cluster keeps: the PostgreSQL cluster, Redis' AOF, nginx, the services' files. */
  readonly dataDir: string;
  /** The public port (nginx); the others follow it (PORT_LAYOUT). Default 8300. */
  readonly basePort?: number;
  /** Instances per service, 1-10. Default 2. */
  readonly instances?: number;
  /** Where payments are stored. Default postgres. */
  readonly paymentsStore?: 'postgres' | 'dynamodb';
  /** Demo tenants, users and accounts on the first start. Default true. */
  readonly demo?: boolean;
  /** The services' LOG_LEVEL. Default info. */
  readonly logLevel?: string;
  /** Each line a process prints, by the process's name (`payments-api-1`, `nginx`, …). */
  readonly output?: (name: string, line: string) => void;
  /** What the cluster itself reports while it starts and stops. */
  readonly log?: (line: string) => void;
  /**
   * The shell's build the hosts serve (their ATRIUM_SHELL_DIR) and the micro-frontend builds
   * published on the first start. Default: the repository's apps/*\/dist (npm run build:apps).
   */
  readonly builds?: { readonly shellDir: string; readonly microFrontends: readonly string[] } | undefined;
}

/** One running (or stopped) instance of a service. */
export interface InstanceHandle {
  readonly service: ClusterService;
  readonly index: number;
  readonly port: number;
  /** Its process id while it runs. */
  readonly pid: number | undefined;
  /** Its own loopback URL, past nginx. */
  readonly url: string;
}

export interface Cluster {
  /** The public origin, e.g. `http://localhost:8300`. */
  readonly origin: string;
  /** The same through 127.0.0.1 (server-side callers that must not resolve `localhost` to ::1). */
  readonly loopbackOrigin: string;
  readonly instances: Readonly<Record<ClusterService, readonly InstanceHandle[]>>;
  /** Each service database's owner and service URLs (administration, backups). */
  readonly databases: Readonly<Record<ClusterDatabaseName, DatabaseUrls>>;
  /** The services' shared data folder (ATRIUM_DATA_DIR of each instance). */
  readonly servicesDataDir: string;
  /** Sends `signal` to one instance (default SIGKILL, a crash) and waits for its exit; it stays down. */
  kill(service: ClusterService, index: number, signal?: NodeJS.Signals): Promise<void>;
  /**
   * SIGTERM (it drains), wait for the exit, start it again, wait until its /readyz answers 200. An
   * instance that is down is just started.
   */
  restart(service: ClusterService, index: number): Promise<void>;
  /** Every instance of every service, one at a time, each ready before the next goes. */
  rollingRestart(): Promise<void>;
  /** nginx, then the services, then Redis, then PostgreSQL (`pg_ctl stop -m fast`). */
  stop(): Promise<void>;
}

/**
 * The database URLs of the cluster in `dataDir` (from its passwords file), for tools run beside it:
 * e.g. `npm run atrium -- …` with the identity owner's URL as DATABASE_URL.
 */
export async function clusterDatabases(
  dataDir: string,
  basePort = 8300,
): Promise<Record<ClusterDatabaseName, DatabaseUrls>> {
  const passwords = await loadPasswords(join(resolve(dataDir), PASSWORDS_FILE));
  return databaseUrls(basePort + PORT_LAYOUT.postgres, passwords);
}

const PASSWORDS_FILE = 'postgres-passwords.json';

/** A cluster refused before it started: what is wrong, for the operator. */
export class ClusterError extends Error {}

interface ServiceDefinition {
  readonly server: string;
  readonly readyPath: string;
  env(index: number): Record<string, string>;
}

const READY_TIMEOUT_MS = 180_000;

/** The last lines a process printed, for the error that says it did not start. */
class RecentLines {
  readonly #lines: string[] = [];
  add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > 20) this.#lines.shift();
  }
  toString(): string {
    return this.#lines.map((line) => `  | ${line}`).join('\n');
  }
}

async function waitReady(
  url: string,
  child: ChildProcess,
  name: string,
  recent?: RecentLines,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      // Its last lines may still be in the pipes.
      await sleep(200);
      throw new ClusterError(
        `${name} exited with ${child.exitCode ?? child.signalCode} before it was ready${recent === undefined ? '' : `:\n${recent}`}`,
      );
    }
    const ready = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return;
    await sleep(200);
  }
  throw new ClusterError(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s (${url})`);
}

/** The payments secret every instance shares (nextTokens, ids from idempotency keys): made once. */
async function paymentsSecret(file: string): Promise<string> {
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (Buffer.from(secret, 'base64').length >= 32) return secret;
    throw new ClusterError(`${file}: shorter than 32 bytes (base64); remove it only on a new cluster`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64');
  await writeFile(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream !== null) createInterface({ input: stream }).on('line', onLine);
}

/** Starts the cluster; resolves when nginx answers on the public origin with every instance ready. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const basePort = options.basePort ?? 8300;
  const count = options.instances ?? 2;
  if (!Number.isInteger(count) || count < 1 || count > MAX_INSTANCES)
    throw new ClusterError(`instances: 1-${MAX_INSTANCES}, not ${count}`);
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + PORT_LAYOUT.host + count > 65535)
    throw new ClusterError(`basePort: 1024-${65535 - PORT_LAYOUT.host - count}, not ${basePort}`);
  const log = options.log ?? (() => {});
  const output = options.output ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const servicesDataDir = join(dataDir, 'services');
  const origin = `http://localhost:${basePort}`;
  const loopbackOrigin = `http://127.0.0.1:${basePort}`;
  const asRoot = process.getuid?.() === 0;
  const began = Date.now();

  // What it writes for the services (published builds, secrets) is as private as their own files.
  process.umask(PRIVATE_UMASK);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // As root, PostgreSQL runs as the postgres OS user and nginx's workers as nobody: they must get
  // through the top folder (not list it); everything of the services stays in 0700 services/.
  await chmod(dataDir, asRoot ? 0o711 : 0o700);
  await mkdir(servicesDataDir, { recursive: true, mode: 0o700 });

  const cleanups: Array<() => Promise<void>> = [];
  const stopStarted = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    // PostgreSQL: initdb'd into <dataDir>/postgres on the first start only; data kept after.
    const passwords = await loadPasswords(join(dataDir, PASSWORDS_FILE));
    const postgres: PostgresServerProcess = postgresServer({
      folder: join(dataDir, 'postgres'),
      port: basePort + PORT_LAYOUT.postgres,
      superuserPassword: passwords['postgres'],
    });
    const started = Date.now();
    if (await postgres.initialize()) log(`cluster: PostgreSQL initialised in ${postgres.dataDir}`);
    // A launcher that was killed (not stopped) left its server running: stop it, then start ours.
    else await postgres.stop('fast').catch(() => {});
    await postgres.start();
    cleanups.push(() => postgres.stop('fast'));
    await provisionDatabases(postgres.port, passwords);
    const databases = databaseUrls(postgres.port, passwords);
    log(`cluster: PostgreSQL on 127.0.0.1:${postgres.port} (${Date.now() - started} ms)`);

    const redisDir = join(dataDir, 'redis');
    await mkdir(redisDir, { recursive: true, mode: 0o700 });
    const redis: RedisServerProcess = await startRedisProcess({
      port: basePort + PORT_LAYOUT.redis,
      folder: redisDir,
      appendOnly: true,
      detached: true,
    });
    cleanups.push(() => redis.stop());
    log(`cluster: Redis on 127.0.0.1:${redis.port}`);

    let dynamoEndpoint: string | undefined;
    if (options.paymentsStore === 'dynamodb') {
      // The test kit's DynamoDB Local (AWS's emulator), its SQLite files kept in the data folder.
      const { startDynamoDbLocal } = await import('@atrium/test-kit');
      const dynamoDir = join(dataDir, 'dynamodb');
      await mkdir(dynamoDir, { recursive: true, mode: 0o700 });
      const dynamo = await startDynamoDbLocal({ dbPath: dynamoDir });
      cleanups.push(() => dynamo.stop());
      dynamoEndpoint = dynamo.endpoint;
      log(`cluster: DynamoDB Local on ${dynamo.endpoint}`);
    }

    const secret = await paymentsSecret(join(dataDir, 'payments.secret'));
    // The micro-frontends: the current builds, published once on the first start into the store
    // every host shares, as the hosts' own role (what a host does for its publish API).
    const hostStore = {
      HOST_STORE: 'postgres',
      HOST_DATABASE_URL: databases.host.service,
      HOST_DATABASE_MIGRATION_URL: databases.host.owner,
    };
    const store = await openMfeStore(storeTarget(hostStore), servicesDataDir);
    try {
      const { published, skipped } = await store.ensurePublished(
        options.builds?.microFrontends ?? [
          join(repoRoot, 'apps/accounts/dist/browser'),
          join(repoRoot, 'apps/payments/dist/browser'),
        ],
      );
      for (const p of published) log(`cluster: published ${p.name} ${p.version}`);
      for (const dir of skipped) log(`cluster: no build in ${dir} (run npm run build:apps)`);
    } finally {
      await store.close();
    }

    const logLevel = options.logLevel ?? 'info';
    const issuer = `${origin}/auth`;
    // Server-to-server calls go through nginx too (another instance answers when one is down), by
    // address: `localhost` may resolve to ::1, where nginx does not listen.
    const internalIssuer = `${loopbackOrigin}/auth`;
    const common = (service: ClusterService, index: number) => ({
      PORT: String(basePort + PORT_LAYOUT[service] + index),
      HOST: '127.0.0.1',
      ATRIUM_PUBLIC_URL: origin,
      ATRIUM_DATA_DIR: servicesDataDir,
      TRUST_PROXY: 'true',
      LOG_LEVEL: logLevel,
      // The demo's seeds are the cluster's to write (below), once: never each instance's.
      ATRIUM_DEMO: 'false',
    });
    const api = {
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: 'atrium-api',
      OIDC_JWKS_URI: `${internalIssuer}/jwks`,
      REVOCATION_URL: `${internalIssuer}/revocations`,
      // One origin: the browser's calls are same-origin.
      CORS_ORIGINS: '',
    };
    const services: Record<ClusterService, ServiceDefinition> = {
      identity: {
        server: 'services/identity/src/server.ts',
        readyPath: '/auth/readyz',
        env: (i) => ({
          ...common('identity', i),
          IDENTITY_ISSUER: issuer,
          DATABASE_URL: databases.identity.service,
        }),
      },
      'accounts-api': {
        server: 'services/accounts-api/src/server.ts',
        readyPath: '/api/accounts/readyz',
        env: (i) => ({
          ...common('accounts-api', i),
          ...api,
          DATABASE_URL: databases.accounts.service,
          DATABASE_MIGRATION_URL: databases.accounts.owner,
        }),
      },
      'payments-api': {
        server: 'services/payments-api/src/server.ts',
        readyPath: '/readyz',
        env: (i) => ({
          ...common('payments-api', i),
          ...api,
          PAYMENTS_DATA_DIR: join(servicesDataDir, 'payments'),
          PAYMENTS_SECRET: secret,
          REDIS_URL: redis.url,
          ACCOUNTS_API_URL: `${loopbackOrigin}/api/accounts`,
          ...(dynamoEndpoint === undefined
            ? {
                PAYMENTS_STORE: 'postgres',
                PAYMENTS_DATABASE_URL: databases.payments.service,
                PAYMENTS_DATABASE_MIGRATION_URL: databases.payments.owner,
              }
            : {
                PAYMENTS_STORE: 'dynamodb',
                DYNAMODB_ENDPOINT: dynamoEndpoint,
                // DynamoDB Local takes any credentials, but the SDK wants some; never real ones here.
                AWS_REGION: 'eu-west-1',
                AWS_ACCESS_KEY_ID: 'local',
                AWS_SECRET_ACCESS_KEY: 'local',
              }),
        }),
      },
      host: {
        server: 'services/host/src/server.ts',
        readyPath: '/readyz',
        env: (i) => ({
          ...common('host', i),
          ...hostStore,
          ...(options.builds === undefined ? {} : { ATRIUM_SHELL_DIR: options.builds.shellDir }),
          OIDC_ISSUER: issuer,
          OIDC_JWKS_URI: `${internalIssuer}/jwks`,
        }),
      },
    };

    const children = new Map<string, ChildProcess>();
    const handles = Object.fromEntries(
      CLUSTER_SERVICES.map((service) => [
        service,
        Array.from({ length: count }, (_, index) => {
          const port = basePort + PORT_LAYOUT[service] + index;
          return {
            service,
            index,
            port,
            url: `http://127.0.0.1:${port}`,
            get pid() {
              const child = children.get(`${service}-${index}`);
              return child?.exitCode === null && child.signalCode === null ? child.pid : undefined;
            },
          } satisfies InstanceHandle;
        }),
      ]),
    ) as unknown as Record<ClusterService, InstanceHandle[]>;

    const running = (child: ChildProcess | undefined): child is ChildProcess =>
      child !== undefined && child.exitCode === null && child.signalCode === null;
    const exited = (child: ChildProcess) =>
      running(child) ? new Promise<void>((done) => child.once('exit', () => done())) : Promise.resolve();

    const startInstance = async (service: ClusterService, index: number): Promise<void> => {
      const key = `${service}-${index}`;
      if (running(children.get(key))) return;
      const definition = services[service];
      const name = `${service}-${index + 1}`;
      const child = spawn(process.execPath, [join(repoRoot, definition.server)], {
        cwd: repoRoot,
        // Only what a service needs from here: PATH etc., not the caller's own service variables.
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...definition.env(index) },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: Ctrl-C reaches the cluster only, which stops everything in order.
        detached: true,
      });
      children.set(key, child);
      const recent = new RecentLines();
      const print = (line: string) => {
        recent.add(line);
        output(name, line);
      };
      lines(child.stdout, print);
      lines(child.stderr, print);
      await waitReady(
        `http://127.0.0.1:${basePort + PORT_LAYOUT[service] + index}${definition.readyPath}`,
        child,
        name,
        recent,
      );
    };
    const stopInstance = async (service: ClusterService, index: number, signal: NodeJS.Signals) => {
      const child = children.get(`${service}-${index}`);
      if (!running(child)) return;
      const done = exited(child);
      child.kill(signal);
      await done;
    };
    cleanups.push(async () => {
      await Promise.all(
        CLUSTER_SERVICES.flatMap((service) =>
          Array.from({ length: count }, (_, i) => stopInstance(service, i, 'SIGTERM')),
        ),
      );
    });

    // nginx first: the services' calls to each other (JWKS, revocations) go through it from their start.
    const nginxDir = join(dataDir, 'nginx');
    await mkdir(nginxDir, { recursive: true });
    // chmod, not mkdir's mode, which the private umask cuts to 0700: as root, nginx's workers
    // (nobody) must reach their temp folders inside it (client_body, proxy), or every request body
    // or response nginx buffers to disk is a 500.
    await chmod(nginxDir, asRoot ? 0o711 : 0o700);
    const upstreams: NginxUpstream[] = [
      { name: 'identity', locations: ['/auth/'], ports: handles.identity.map((h) => h.port) },
      {
        name: 'accounts_api',
        locations: ['/api/accounts'],
        ports: handles['accounts-api'].map((h) => h.port),
      },
      {
        name: 'payments_api',
        // /graphql: GraphQL over HTTP and graphql-ws; /graphql/: AppSync's real-time protocol
        // (/graphql/realtime), and in development GraphiQL's files and the SDL.
        locations: ['= /graphql', '/graphql/'],
        ports: handles['payments-api'].map((h) => h.port),
        longLived: true,
      },
      { name: 'host', locations: ['/'], ports: handles.host.map((h) => h.port) },
    ];
    const configFile = join(nginxDir, 'nginx.conf');
    await writeFile(
      configFile,
      clusterNginxConfig({ prefix: nginxDir, port: basePort, upstreams, publishUpstream: 'host' }),
    );
    const nginx = spawn(nginxBinary(), ['-p', nginxDir, '-c', configFile, '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    lines(nginx.stdout, (line) => output('nginx', line));
    lines(nginx.stderr, (line) => output('nginx', line));
    cleanups.push(async () => {
      const done = exited(nginx);
      // SIGQUIT: graceful, the answers under way are finished.
      nginx.kill('SIGQUIT');
      await done;
    });
    const servicesStarted = Date.now();
    // All at once: the migrations take an advisory lock, so racing instances apply them once.
    await Promise.all(
      CLUSTER_SERVICES.flatMap((service) => handles[service].map((h) => startInstance(service, h.index))),
    );
    log(`cluster: ${count} instance(s) of each service ready (${Date.now() - servicesStarted} ms)`);
    if (options.demo ?? true) await seedClusterDemo(databases, log);

    await waitReady(`${loopbackOrigin}/readyz`, nginx, 'nginx');
    log(`cluster: nginx on ${origin} (${configFile}), ${Date.now() - began} ms after the start`);

    let stopping: Promise<void> | undefined;
    return {
      origin,
      loopbackOrigin,
      instances: handles,
      databases,
      servicesDataDir,
      kill: (service, index, signal = 'SIGKILL') => stopInstance(service, index, signal),
      async restart(service, index) {
        await stopInstance(service, index, 'SIGTERM');
        await startInstance(service, index);
      },
      async rollingRestart() {
        for (const service of CLUSTER_SERVICES)
          for (let i = 0; i < count; i++) {
            await stopInstance(service, i, 'SIGTERM');
            await startInstance(service, i);
          }
      },
      stop() {
        stopping ??= stopStarted();
        return stopping;
      },
    };
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

function nginxBinary(): string {
  const binary = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (binary === undefined)
    throw new ClusterError('nginx not found: install it with `apt-get install -y nginx`');
  return binary;
}
