import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startPostgresServer, type RunningServer } from '@atrium/test-kit';
import { openDatabase, type Database } from './database.ts';

// What the metrics read at each scrape (db_pool_connections, db_pool_idle_connections,
// db_pool_waiting_requests): a pool busy with held transactions, and calls queued behind them.

for (const engine of ['embedded', 'server'] as const) {
  describe(`${engine} PostgreSQL pool stats`, () => {
    let server: RunningServer | undefined;
    let db: Database;
    const size = engine === 'server' ? 2 : 1;
    before(async () => {
      server = engine === 'server' ? await startPostgresServer() : undefined;
      db = await openDatabase(server === undefined ? {} : { url: server.url, poolSize: size });
    });
    after(async () => {
      await db.close();
      await server?.stop();
    });

    test('busy connections are not idle, and the calls behind them wait', async () => {
      await db.query('select 1');
      assert.equal(db.poolStats().waiting, 0);
      assert.equal(db.poolStats().idle, db.poolStats().total);

      // Every connection held by a transaction that waits for the test, then one call more.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const entered: Promise<void>[] = [];
      const transactions = Array.from({ length: size }, () => {
        let enter = () => {};
        entered.push(new Promise<void>((resolve) => (enter = resolve)));
        return db.transaction(async (tx) => {
          await tx.query('select 1');
          enter();
          await held;
        });
      });
      await Promise.all(entered);
      const queued = db.query('select 2');
      assert.ok(
        await eventually(async () => db.poolStats().waiting === 1, 30_000),
        JSON.stringify(db.poolStats()),
      );
      assert.deepEqual(db.poolStats(), { total: size, idle: 0, waiting: 1 });

      release();
      await Promise.all([...transactions, queued]);
      assert.ok(
        await eventually(async () => db.poolStats().waiting === 0 && db.poolStats().idle === size, 30_000),
        JSON.stringify(db.poolStats()),
      );
    });
  });
}
