import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@atrium/test-kit';
import { EMBEDDED_ANALYZE, openDatabase, type Database } from './database.ts';

// PGlite has no autovacuum: without the embedded database's own ANALYZE the planner never gets
// statistics, and a tenant's newest-first page — which the (tenant, created_at, id) index serves in
// order — is planned as "read all of the tenant's rows, then sort" (rows estimated at 2).

const LIST = `explain (format json) select id from items
  where tenant_id = 'A' and created_at is not null
  order by created_at desc, id desc limit 21`;

async function plan(db: Database): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(LIST);
  return JSON.stringify(rows[0]?.['QUERY PLAN']);
}

async function itemsOfTwoTenants(db: Database, perTenant: number): Promise<void> {
  await db.exec(`create table items (tenant_id text not null, id text not null, created_at timestamptz,
      primary key (tenant_id, id));
    create index items_by_created_at on items (tenant_id, created_at, id)`);
  for (const tenant of ['A', 'B'])
    await db.query(
      `insert into items select $1, 'id-' || i, now() - i * interval '1 second' from generate_series(1, $2::int) i`,
      [tenant, perTenant],
    );
}

test('the embedded database analyses what was written, so a tenant page is read in index order', async () => {
  const db = await openDatabase();
  try {
    await itemsOfTwoTenants(db, 1000);
    // Bounded for a loaded machine: the ANALYZE runs EMBEDDED_ANALYZE.delayMs after the writes.
    const indexOrdered = await eventually(async () => !(await plan(db)).includes('"Sort"'), 20_000);
    assert.ok(indexOrdered, `still sorted after the writes: ${await plan(db)}`);
    const { rows } = await db.query<{ reltuples: number }>(
      `select reltuples from pg_class where relname = 'items'`,
    );
    assert.equal(rows[0]?.reltuples, 2000);
  } finally {
    await db.close();
  }
});

test('a few written rows do not trigger an ANALYZE; closing cancels one that is due', async () => {
  const db = await openDatabase();
  await db.exec('create table few (n int)');
  await db.query('insert into few select generate_series(1, $1::int)', [EMBEDDED_ANALYZE.baseRows]);
  await new Promise((resolve) => setTimeout(resolve, EMBEDDED_ANALYZE.delayMs + 500));
  const { rows } = await db.query<{ reltuples: number }>(
    `select reltuples from pg_class where relname = 'few'`,
  );
  assert.equal(rows[0]?.reltuples, -1, 'never analysed: 50 rows are under the threshold');
  await db.query('insert into few values (0)');
  // Due in a second: closing now must neither wait for it nor fail.
  await db.close();
});
