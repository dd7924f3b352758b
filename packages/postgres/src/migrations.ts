import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.ts';

/** A migration that failed: names the file so the operator knows where to look. */
export class MigrationError extends Error {
  readonly file: string;
  constructor(file: string, cause: unknown) {
    super(`migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
    this.file = file;
  }
}

const FILE = /^(\d{3,})_[a-z0-9_-]+\.sql$/;

/**
 * Applies the numbered `NNN_name.sql` files of `dir` that were not applied yet, in order, and
 * returns the names applied. All pending files run in one transaction: a failure leaves the schema
 * as it was before the start. An advisory lock keeps two instances starting together from applying
 * the same file twice.
 */
export async function migrate(db: Database, dir: URL, options: { table?: string } = {}): Promise<string[]> {
  const table = options.table ?? 'schema_migrations';
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid migrations table name: ${table}`);
  const entries = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const bad = entries.filter((name) => !FILE.test(name));
  if (bad.length > 0) throw new Error(`migration files must be named NNN_name.sql: ${bad.join(', ')}`);
  const numbers = entries.map((name) => (FILE.exec(name) as RegExpExecArray)[1]);
  const duplicate = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`two migrations share the number ${duplicate}`);

  return db.transaction(async (tx) => {
    // Transaction-scoped lock: released by commit or rollback, even if this process dies.
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`atrium-migrate:${table}`]);
    await tx.query(
      `create table if not exists ${table} (name text primary key, applied_at timestamptz not null default now())`,
    );
    const { rows } = await tx.query<{ name: string }>(`select name from ${table}`);
    const done = new Set(rows.map((row) => row.name));
    const applied: string[] = [];
    for (const name of entries.filter((entry) => !done.has(entry))) {
      const sql = await readFile(new URL(name, dir), 'utf8');
      try {
        await tx.exec(sql);
        await tx.query(`insert into ${table} (name) values ($1)`, [name]);
      } catch (error) {
        throw new MigrationError(name, error);
      }
      applied.push(name);
    }
    return applied;
  });
}
