import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';

/** An exclusive lock held by this process until `release()` or until the process ends. */
export interface ProcessLock {
  readonly path: string;
  release(): void;
}

/** Who holds a lock, as its holder wrote it down: for messages only, never for the decision. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
}

// SQLite's result codes: another connection holds the lock; the file is not SQLite's (a PID-file
// lock written before this module existed).
const BUSY = 5;
const NOT_A_DATABASE = 26;

// Open locks stay referenced here: a DatabaseSync collected as garbage would close, and unlock.
const held = new Set<DatabaseSync>();

const notADatabase = (error: unknown) => (error as { errcode?: number }).errcode === NOT_A_DATABASE;

/** The open, exclusively locked file; undefined when someone else holds it (SQLITE_BUSY). */
function openLocked(path: string): DatabaseSync | undefined {
  const db = new DatabaseSync(path, { timeout: 0 });
  try {
    db.exec('begin exclusive');
    return db;
  } catch (error) {
    db.close();
    if ((error as { errcode?: number }).errcode === BUSY) return undefined;
    throw error;
  }
}

/**
 * Takes the exclusive lock `path`, or returns undefined while another holder — another process or
 * this one — has it. The lock is a POSIX record lock (fcntl) on the file, taken through node:sqlite
 * (Node has no flock of its own, and this needs no native addon): the kernel drops it when the
 * holder's process ends in any way (kill -9, OOM, container stop), so a lock never outlives its
 * process, and a new process with the same PID (PID 1 again in a restarted container) is not
 * mistaken for the old holder. It works across PID namespaces sharing the file, and on any file
 * system with working POSIX locks (not on some network mounts). Takes well under 1 ms.
 */
export function tryLockExclusively(path: string): ProcessLock | undefined {
  mkdirSync(dirname(path), { recursive: true });
  let db: DatabaseSync | undefined;
  try {
    db = openLocked(path);
  } catch (error) {
    if (!notADatabase(error)) throw error;
    // A PID-file lock from an older version: nothing the kernel holds, so nothing to honour.
    rmSync(path, { force: true });
    db = openLocked(path);
  }
  if (db === undefined) return undefined;
  const locked = db;
  held.add(locked);
  writeFileSync(`${path}.owner`, JSON.stringify({ pid: process.pid, host: hostname() }));
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      rmSync(`${path}.owner`, { force: true });
      held.delete(locked);
      locked.close();
    },
  };
}

/** The holder of `path` as it described itself, if it did. */
export function lockOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(`${path}.owner`, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn` holding the lock `path`, waiting up to `timeoutMs` for it. */
export async function withProcessLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lock = tryLockExclusively(path);
  while (lock === undefined) {
    if (Date.now() > deadline) {
      const owner = lockOwner(path);
      throw new Error(
        `timed out waiting for the lock ${path}${owner === undefined ? '' : ` (held by process ${owner.pid} on ${owner.host})`}`,
      );
    }
    await sleep(25);
    lock = tryLockExclusively(path);
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
