import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { lockOwner } from '@atrium/service-runtime';
import { eventually, makeTempDir, startPostgresServer, type RunningServer } from '@atrium/test-kit';
import { isDatabaseUnavailable } from './database-availability.ts';
import { DatabaseLockedError, openDatabase, type Database } from './database.ts';
import { migrate, MigrationError } from './migrations.ts';

async function migrationsDir(files: Record<string, string>): Promise<URL> {
  const dir = join(await makeTempDir('migrations'), 'm');
  await mkdir(dir);
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return pathToFileURL(`${dir}/`);
}

const run = promisify(execFile);
let server: RunningServer | undefined;

for (const engine of ['embedded', 'server'] as const) {
  describe(`${engine} PostgreSQL`, () => {
    let db: Database;
    before(async () => {
      if (engine === 'server') {
        server = await startPostgresServer();
        db = await openDatabase({ url: server.url });
      } else {
        db = await openDatabase();
      }
    });
    after(async () => {
      await db.close();
      await server?.stop();
    });

    test('runs parameterised queries', async () => {
      const { rows } = await db.query<{ n: number }>('select $1::int + 1 as n', [41]);
      assert.equal(rows[0]?.n, 42);
      await db.ping();
    });

    test('applies numbered migrations once, in order', async () => {
      const dir = await migrationsDir({
        '001_people.sql': 'create table people (id int primary key, name text not null);',
        '002_seed.sql': "insert into people values (1, 'a'); insert into people values (2, 'b');",
      });
      assert.deepEqual(await migrate(db, dir), ['001_people.sql', '002_seed.sql']);
      assert.deepEqual(await migrate(db, dir), []);
      const { rows } = await db.query<{ n: string }>('select count(*) as n from people');
      assert.equal(Number(rows[0]?.n), 2);
    });

    test('a failed migration names its file and changes nothing', async () => {
      const dir = await migrationsDir({
        '001_things.sql': 'create table things (id int primary key);',
        '002_broken.sql': 'insert into things values (1); insert into nowhere values (1);',
      });
      await assert.rejects(migrate(db, dir, { table: 'other_migrations' }), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.file, '002_broken.sql');
        return true;
      });
      const { rows } = await db.query<{ t: string | null }>("select to_regclass('things')::text as t");
      assert.equal(rows[0]?.t, null, 'the whole run rolled back');
    });

    test('transactions roll back on error and apply local settings and role', async () => {
      await db.exec(`
        create table notes (tenant_id text not null, body text not null);
        create role note_reader nologin;
        grant select, insert on notes to note_reader;
        alter table notes enable row level security;
        alter table notes force row level security;
        create policy by_tenant on notes using (tenant_id = current_setting('app.tenant_id', true))
          with check (tenant_id = current_setting('app.tenant_id', true));
        insert into notes values ('A', 'a1'), ('B', 'b1');
      `);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("insert into notes values ('A', 'lost')");
          throw new Error('boom');
        }),
        /boom/,
      );
      const seen = await db.transaction(
        async (tx) => (await tx.query<{ body: string }>('select body from notes order by body')).rows,
        { role: 'note_reader', settings: { 'app.tenant_id': 'A' } },
      );
      assert.deepEqual(
        seen.map((r) => r.body),
        ['a1'],
      );
      // The setting and role were transaction-local: the next statement is back to the superuser.
      const all = await db.query('select body from notes');
      assert.equal(all.rowCount, 2);
    });

    test('refuses a role name that could carry SQL', async () => {
      await assert.rejects(
        db.transaction(async () => 1, { role: 'x; drop table notes' }),
        /invalid role/,
      );
    });
  });
}

/**
 * A TCP proxy in front of a PostgreSQL server that counts the client's round trips: each simple
 * query ('Q') and each extended-protocol Sync ('S') is one request the client waits an answer for.
 */
async function roundTripCounter(
  target: string,
): Promise<{ url: string; count: () => number; close: () => void }> {
  const upstream = new URL(target);
  let trips = 0;
  const server = createServer((client) => {
    const backend = connect(Number(upstream.port), upstream.hostname);
    let buffer = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        // The startup message has no type byte; every later one is type + int32 length.
        const header = started ? 1 : 0;
        if (buffer.length < header + 4) break;
        const length = buffer.readInt32BE(header);
        if (buffer.length < header + length) break;
        if (started && (buffer[0] === 0x51 || buffer[0] === 0x53)) trips += 1;
        buffer = buffer.subarray(header + length);
        started = true;
      }
      backend.write(chunk);
    });
    backend.pipe(client);
    client.on('error', () => backend.destroy());
    backend.on('error', () => client.destroy());
    client.on('close', () => backend.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(target);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return { url: proxied.toString(), count: () => trips, close: () => server.close() };
}

describe('server transaction round trips', () => {
  let pgServer: RunningServer;
  let proxy: Awaited<ReturnType<typeof roundTripCounter>>;
  let db: Database;
  before(async () => {
    pgServer = await startPostgresServer();
    proxy = await roundTripCounter(pgServer.url);
    db = await openDatabase({ url: proxy.url, poolSize: 1 });
    await db.exec(`
      create table notes (tenant_id text not null, body text not null);
      create role note_reader nologin;
      grant select on notes to note_reader;
      alter table notes enable row level security;
      alter table notes force row level security;
      create policy by_tenant on notes using (tenant_id = current_setting('app.tenant_id', true));
      insert into notes values ('A', 'a1'), ('B', 'b1'), ($$x'); reset role; --\\$1$$, 'odd');
    `);
  });
  after(async () => {
    await db.close();
    proxy.close();
    await pgServer.stop();
  });

  test('a transaction with a role and a setting costs three: begin with the settings, the statement, commit', async () => {
    const before = proxy.count();
    const seen = await db.transaction(
      async (tx) => (await tx.query<{ body: string }>('select body from notes where body <> $1', ['-'])).rows,
      { role: 'note_reader', settings: { 'app.tenant_id': 'A' } },
    );
    assert.deepEqual(seen, [{ body: 'a1' }]);
    assert.equal(proxy.count() - before, 3);
  });

  test('a setting with quotes, backslashes and placeholders is one value, and ends with its transaction', async () => {
    const odd = "x'); reset role; --\\$1";
    const seen = await db.transaction(
      async (tx) =>
        (await tx.query<{ body: string; role: string }>('select body, current_user as role from notes')).rows,
      { role: 'note_reader', settings: { 'app.tenant_id': odd } },
    );
    assert.deepEqual(seen, [{ body: 'odd', role: 'note_reader' }]);
    // One pooled connection: the next statement runs on it, as the owner again, without the tenant.
    const { rows } = await db.query<{ tenant: string | null; role: string }>(
      "select nullif(current_setting('app.tenant_id', true), '') as tenant, current_user as role",
    );
    assert.equal(rows[0]?.tenant, null);
    assert.notEqual(rows[0]?.role, 'note_reader');
    await assert.rejects(
      db.transaction(async () => 1, { settings: { 'app.tenant_id': 'a\0b' } }),
      /NUL/,
    );
  });
});

describe('server connection lost while a transaction holds it', () => {
  let pgServer: RunningServer;
  let db: Database;
  let admin: Database;
  before(async () => {
    pgServer = await startPostgresServer();
    db = await openDatabase({ url: pgServer.url, poolSize: 2 });
    admin = await openDatabase({ url: pgServer.url, poolSize: 1 });
    await db.exec('create table writes (n int)');
  });
  after(async () => {
    await db.close();
    await admin.close();
    await pgServer.stop();
  });

  test('fails that transaction with a retryable error, not the process, and the pool recovers', async () => {
    // The backend is terminated while the transaction awaits something else (no query in flight):
    // node-postgres then emits 'error' on the checked-out client, which had no listener.
    const attempt = db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
      await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
      const gone = async () =>
        (await admin.query('select 1 from pg_stat_activity where pid = $1', [rows[0]?.pid])).rowCount === 0;
      assert.ok(await eventually(gone, 10_000), 'the backend ended');
      await tx.query('insert into writes values (1)');
    });
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(isDatabaseUnavailable(error), `retryable: ${String(error)}`);
      return true;
    });
    await db.transaction(async (tx) => void (await tx.query('insert into writes values (2)')));
    const { rows } = await db.query<{ n: number }>('select n from writes');
    assert.deepEqual(rows, [{ n: 2 }], 'the lost transaction wrote nothing');
  });
});

// A process that opens the embedded database as PID 1 of a new PID namespace (as node or `npm
// start` is in a container), to "hold" it or to "read" it once.
const CHILD = `
const [dataDir, mode, module] = process.argv.slice(1);
const { openDatabase, DatabaseLockedError } = await import(module);
try {
  const db = await openDatabase({ dataDir });
  if (mode === 'hold') {
    await db.exec('create table kept (n int); insert into kept values (7);');
    console.log('open as pid ' + process.pid);
    setInterval(() => {}, 60_000);
  } else {
    const { rows } = await db.query('select n from kept');
    console.log('read as pid ' + process.pid + ': ' + rows[0].n);
    await db.close();
  }
} catch (error) {
  console.error(error.message);
  process.exit(error instanceof DatabaseLockedError ? 2 : 1);
}`;

function inPidNamespace(dataDir: string, mode: 'hold' | 'read') {
  const module = new URL('./database.ts', import.meta.url).href;
  const child = spawn(
    'unshare',
    [
      '--pid',
      '--fork',
      '--mount-proc',
      process.execPath,
      '--input-type=module',
      '-e',
      CHILD,
      dataDir,
      mode,
      module,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
  return {
    output: () => output,
    exited,
    /** The namespace's PID 1 as this namespace numbers it: unshare's forked child. */
    async innerPid(): Promise<number> {
      const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(child.pid)]);
      return Number(stdout.trim());
    },
  };
}

describe('embedded data folder', () => {
  test('is locked against a second open while in use, and free again after close', async () => {
    const dataDir = join(await makeTempDir('pglite'), 'db');
    const first = await openDatabase({ dataDir });
    await first.exec('create table kept (n int); insert into kept values (7);');
    await assert.rejects(openDatabase({ dataDir }), DatabaseLockedError);
    await first.close();
    const second = await openDatabase({ dataDir });
    const { rows } = await second.query<{ n: number }>('select n from kept');
    assert.deepEqual(rows, [{ n: 7 }]);
    await second.close();
  });

  test('a holder killed with -9 in a container does not lock out the next PID 1; a live one still does', async () => {
    const dataDir = join(await makeTempDir('pglite'), 'db');
    const holder = inPidNamespace(dataDir, 'hold');
    try {
      const opened = await eventually(async () => holder.output().includes('open as pid 1'), 120_000);
      assert.ok(opened, `the first holder opened the database as PID 1:\n${holder.output()}`);

      const refused = await inPidNamespace(dataDir, 'read').exited;
      assert.equal(refused.code, 2, refused.output);
      assert.match(refused.output, /in use by process 1\b/, 'the clear message, naming the holder');
    } finally {
      // kill -9 of PID 1 ends its namespace: nothing of the holder runs any more.
      process.kill(await holder.innerPid(), 'SIGKILL');
      await holder.exited;
    }
    const reopened = await inPidNamespace(dataDir, 'read').exited;
    assert.equal(reopened.code, 0, reopened.output);
    assert.match(reopened.output, /read as pid 1: 7/, 'PID 1 again, and the data is there');
  });

  test('takes over the lock of a process that no longer exists, and then holds it itself', async () => {
    const dataDir = join(await makeTempDir('pglite'), 'db');
    // A PID-file lock as older versions wrote it, naming a process that does not exist.
    await writeFile(`${dataDir}.lock`, '999999999');
    const db = await openDatabase({ dataDir });
    try {
      await db.exec('create table kept (n int); insert into kept values (7);');
      const { rows } = await db.query<{ n: number }>('select n from kept');
      assert.deepEqual(rows, [{ n: 7 }]);
      assert.equal(lockOwner(`${dataDir}.lock`)?.pid, process.pid, 'the lock now names this process');
      await assert.rejects(openDatabase({ dataDir }), DatabaseLockedError);
    } finally {
      await db.close();
    }
    assert.equal(lockOwner(`${dataDir}.lock`), undefined, 'and names nobody once closed');
  });
});

describe('embedded in-memory clone', () => {
  test('copies schema and rows, and the two are independent afterwards; a data folder offers none', async () => {
    const original = await openDatabase();
    try {
      await original.exec('create table t (n int); insert into t values (1);');
      const copy = await original.clone?.();
      assert.ok(copy !== undefined);
      try {
        await copy.exec('insert into t values (2);');
        await original.exec('insert into t values (3);');
        const rows = async (db: Database) =>
          (await db.query<{ n: number }>('select n from t order by n')).rows;
        assert.deepEqual(await rows(copy), [{ n: 1 }, { n: 2 }]);
        assert.deepEqual(await rows(original), [{ n: 1 }, { n: 3 }]);
      } finally {
        await copy.close();
      }
    } finally {
      await original.close();
    }
    const onDisk = await openDatabase({ dataDir: join(await makeTempDir('pglite'), 'db') });
    assert.equal(onDisk.clone, undefined);
    await onDisk.close();
  });
});
