import { openDatabase, type Database } from '@atrium/postgres';
import {
  demoCaller,
  startPostgresServer,
  startTestIssuer,
  type MintOptions,
  type PostgresServer,
  type TestIssuer,
} from '@atrium/test-kit';
import type { Role } from '@atrium/auth';
import Fastify, { type FastifyInstance } from 'fastify';
import accountsApi, { type AccountsApiOptions } from './app.ts';
import { migrateAccounts } from './accounts-database.ts';
import { SERVICE_ROLE } from './tenant-scope.ts';

// Test support (not a spec): the real plugin on a real engine, with a real token issuer.

export type Engine = 'embedded' | 'server';
export const ENGINES: readonly Engine[] = ['embedded', 'server'];
export const PREFIX = '/api/accounts';
export const ALLOWED_ORIGIN = 'http://localhost:4201';

export interface AccountsFixture {
  readonly engine: Engine;
  readonly app: FastifyInstance;
  /** The service's own connection (PGlite superuser, or the server's restricted login role). */
  readonly db: Database;
  /** An owner/superuser connection, for set-up and for checking what really is stored. */
  readonly ownerDb: Database;
  readonly issuer: TestIssuer;
  readonly server: PostgresServer | undefined;
  /** Authorization headers of a demo user. */
  auth(tenant: 'A' | 'B', role: Role, mint?: MintOptions): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts the plugin under `/api/accounts` on PGlite or on a fresh PostgreSQL server. */
export async function startAccountsFixture(
  engine: Engine,
  overrides: Partial<AccountsApiOptions> = {},
): Promise<AccountsFixture> {
  const issuer = await startTestIssuer();
  let server: PostgresServer | undefined;
  let db: Database;
  let ownerDb: Database;
  if (engine === 'server') {
    server = await startPostgresServer();
    ownerDb = await openDatabase({ url: server.url, poolSize: 2 });
    // As an operator would: migrate as the owner, then let the service log in as its role only.
    await migrateAccounts(ownerDb);
    await ownerDb.query(`alter role ${SERVICE_ROLE} login`);
    const serviceUrl = server.url.replace('postgres://postgres@', `postgres://${SERVICE_ROLE}@`);
    db = await openDatabase({
      url: serviceUrl,
      poolSize: 10,
      connectTimeoutMs: 2_000,
      statementTimeoutMs: 4_000,
    });
  } else {
    db = await openDatabase();
    ownerDb = db;
  }
  const app = Fastify({ logger: false });
  await app.register(accountsApi, {
    prefix: PREFIX,
    database: db,
    migrationDatabase: ownerDb,
    verifier: issuer.verifierConfig(),
    corsOrigins: [ALLOWED_ORIGIN, 'https://payments.example'],
    publicUrl: 'http://localhost:8080',
    ...overrides,
  });
  await app.ready();
  return {
    engine,
    app,
    db,
    ownerDb,
    issuer,
    server,
    async auth(tenant, role, mint) {
      return { authorization: `Bearer ${await issuer.mint(demoCaller(tenant, role), mint)}` };
    },
    async close() {
      await app.close();
      if (ownerDb !== db) await ownerDb.close();
      await db.close();
      await server?.stop();
      await issuer.close();
    },
  };
}
