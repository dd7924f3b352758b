import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { migrate, openDatabase, type Database } from '@atrium/postgres';
import {
  makeTempDir,
  startDynamoDbLocal,
  startPostgresServer,
  type DynamoDbLocal,
  type PostgresServer,
  type TestIssuer,
} from '@atrium/test-kit';
import paymentsPlugin, { type PaymentsOptions } from './app.ts';
import type { StorageTarget } from './store/open-store.ts';
import { MIGRATIONS_DIR, MIGRATIONS_TABLE } from './store/postgres/postgres-engine.ts';

/**
 * The adapter every spec of this service runs on: `postgres` (embedded PGlite, the default),
 * `postgres-server` (a throwaway PostgreSQL server, the service logging in as its restricted role)
 * or `dynamodb` (Amazon DynamoDB Local; DYNAMODB_TEST_ENDPOINT reuses a running one). `npm test`
 * runs the suite on each (ADR 0106).
 */
export type TestStore = 'postgres' | 'postgres-server' | 'dynamodb';
export const TEST_STORE: TestStore = ((): TestStore => {
  const given = process.env['PAYMENTS_TEST_STORE'] ?? 'postgres';
  if (given !== 'postgres' && given !== 'postgres-server' && given !== 'dynamodb')
    throw new Error('PAYMENTS_TEST_STORE: postgres, postgres-server or dynamodb');
  return given;
})();

// One engine per test process, started on first use; each fixture gets its own tables or database.
let dynamo: Promise<DynamoDbLocal | { endpoint: string }> | undefined;
let postgres: Promise<PostgresServer> | undefined;
let template: Promise<Database> | undefined;

/** A fresh, empty store of the suite's adapter, and how to drop it. */
export async function testStorage(): Promise<{ storage: StorageTarget; drop(): Promise<void> }> {
  const name = `t${randomBytes(6).toString('hex')}`;
  if (TEST_STORE === 'dynamodb') {
    const given = process.env['DYNAMODB_TEST_ENDPOINT'];
    dynamo ??=
      given === undefined || given === '' ? startDynamoDbLocal() : Promise.resolve({ endpoint: given });
    const { endpoint } = await dynamo;
    return {
      storage: {
        kind: 'dynamodb',
        endpoint,
        region: 'eu-west-1',
        // DynamoDB Local checks that a request is signed, not by whom.
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        tablePrefix: `${name}-`,
        manageTables: true,
      },
      drop: async () => {},
    };
  }
  if (TEST_STORE === 'postgres-server') {
    if (postgres === undefined) {
      postgres = startPostgresServer();
      const started = postgres;
      // The server outlives every fixture of this test process; it goes when the process does.
      process.once('beforeExit', () => void started.then((server) => server.stop()));
    }
    const server = await postgres;
    const admin = await openDatabase({ url: server.url, poolSize: 1 });
    await admin.query(`create database ${name}`);
    await admin.close();
    const ownerUrl = server.url.replace(/\/postgres$/, `/${name}`);
    // As an operator would: migrations as the owner, the service logging in as its own role.
    const serviceUrl = ownerUrl.replace('postgres://postgres@', 'postgres://atrium_payments@');
    const owner = await openDatabase({ url: ownerUrl, poolSize: 1 });
    await owner.exec(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'atrium_payments') then
          create role atrium_payments login nosuperuser nobypassrls noinherit;
        end if; end $$;
      alter role atrium_payments login;`);
    await owner.close();
    return {
      storage: {
        kind: 'postgres',
        url: serviceUrl,
        migrationUrl: ownerUrl,
        dataDir: undefined,
        deriveMissingTables: true,
      },
      drop: async () => {},
    };
  }
  // A clone of one migrated in-memory PGlite per test process: a fresh PGlite takes seconds to start.
  // Opened here, so that several plugins (a restart) can share it.
  template ??= openDatabase().then(async (db) => {
    await migrate(db, MIGRATIONS_DIR, { table: MIGRATIONS_TABLE });
    return db;
  });
  const migrated = await template;
  const database = (await migrated.clone?.()) ?? (await openDatabase());
  return {
    storage: { kind: 'postgres', url: undefined, dataDir: undefined, deriveMissingTables: true, database },
    drop: () => database.close(),
  };
}

/**
 * The service secret of every fixture of this test process, as one deployment has one: a restart on
 * the same store keeps it (the store refuses another, store/secret-fingerprint.ts).
 */
const TEST_SECRET = randomBytes(32);

/** A running payments service for tests: the real plugin on the suite's adapter (TEST_STORE). */
export interface PaymentsFixture {
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` when started with `listen`. */
  readonly url: string;
  gql(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  close(): Promise<void>;
}

export interface GqlResponse {
  readonly status: number;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: {
      message: string;
      errorType?: string;
      path?: string[];
      data?: unknown;
      extensions?: Record<string, unknown>;
    }[];
  };
}

/**
 * Starts the plugin against `issuer`; options override the test defaults. With `logStream`, the
 * service's log lines (JSON, level info and up) are written to it, for tests of what is logged.
 */
export async function startPayments(
  issuer: TestIssuer,
  overrides: Partial<PaymentsOptions> & {
    listen?: boolean;
    logStream?: { write(line: string): void };
  } = {},
): Promise<PaymentsFixture> {
  const dataDir = await makeTempDir('payments');
  const { listen, logStream, ...options } = overrides;
  const test = options.storage === undefined ? await testStorage() : undefined;
  const app = Fastify({
    logger: logStream === undefined ? false : { level: 'info', stream: logStream },
    // Opening an engine and migrating it takes seconds on a loaded machine.
    pluginTimeout: 120_000,
  });
  await app.register(paymentsPlugin, {
    verifier: issuer.verifierConfig(),
    storage: test?.storage as StorageTarget,
    dataDir,
    secretKey: TEST_SECRET,
    rateLimit: { perSecond: 0, burst: 1 },
    ...options,
  });
  let url = '';
  if (listen === true) url = await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  return {
    app,
    url,
    async gql(token, query, variables = {}) {
      const response = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        payload: JSON.stringify({ query, variables }),
      });
      return { status: response.statusCode, body: response.json() as GqlResponse['body'] };
    },
    async close() {
      await app.close();
      await test?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
