import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase, type Database } from '@atrium/postgres';
import accountsApi, { inTenant, listStatement, migrateAccounts } from '@atrium/accounts-api/app';
import Fastify from 'fastify';

// The benchmark's server process: the accounts plugin and a bare node:http handler running the same
// list statement through the same database handle, each on its own port. The load generator runs in
// the parent process so it does not share this event loop.

const BENCH_TENANT = 'TenantBench';
const ACCOUNTS = 200;

const env = process.env;
const url = env['BENCH_DATABASE_URL'];
const ownerUrl = env['BENCH_MIGRATION_URL'];
const db: Database = url === undefined ? await openDatabase() : await openDatabase({ url, poolSize: 10 });
const owner: Database = ownerUrl === undefined ? db : await openDatabase({ url: ownerUrl, poolSize: 1 });
await migrateAccounts(owner);

// Seed through the service role and RLS, like the API writes.
await inTenant(db, BENCH_TENANT, async (tx) => {
  for (let i = 0; i < ACCOUNTS; i++) {
    await tx.query(
      `insert into accounts (tenant_id, nickname, balance, type, account_number, currency)
       values ($1, $2, $3::numeric, $4, $5, $6) on conflict do nothing`,
      [
        BENCH_TENANT,
        `Account ${String(i).padStart(3, '0')}`,
        `${i * 37}.25`,
        i % 2 ? 'international' : 'domestic',
        `1234-${String(10_000_000 + i)}`,
        i % 3 ? 'DKK' : 'EUR',
      ],
    );
  }
});

const app = Fastify({ logger: false });
await app.register(accountsApi, {
  prefix: '/api/accounts',
  database: db,
  migrationDatabase: false,
  verifier: JSON.parse(env['BENCH_VERIFIER'] ?? '{}'),
});
await app.listen({ host: '127.0.0.1', port: 0 });

// Same statement, same transaction shape (service role + tenant setting), no framework.
const statement = listStatement(BENCH_TENANT, { limit: 50 });
const bare: Server = createServer((req, res) => {
  if (req.method !== 'GET' || !req.url?.startsWith('/api/accounts')) {
    res.writeHead(404).end();
    return;
  }
  inTenant(db, BENCH_TENANT, async (tx) => (await tx.query(statement.text, statement.params)).rows).then(
    (rows) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ items: rows.slice(0, 50) }));
    },
    () => res.writeHead(500).end(),
  );
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));

process.send?.({
  app: (app.server.address() as AddressInfo).port,
  bare: (bare.address() as AddressInfo).port,
});
process.once('SIGTERM', () => {
  bare.close();
  app
    .close()
    .then(async () => {
      if (owner !== db) await owner.close();
      await db.close();
    })
    .finally(() => process.exit(0));
});
