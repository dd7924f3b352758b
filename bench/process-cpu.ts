// CPU time of processes, process trees and threads from /proc (Linux), what pidusage reads, without
// a dependency: utime + stime of each, in clock ticks, converted to milliseconds. Shared by the
// benchmarks (cluster: whole process trees; payments: the API process's helper threads).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on every usual kernel). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcessTimes {
  readonly pid: number;
  readonly ppid: number;
  /** The executable's name as the kernel keeps it (15 characters at most). */
  readonly comm: string;
  /** utime + stime. */
  readonly ownTicks: number;
  /** cutime + cstime: the children it has reaped (their time leaves the table with them). */
  readonly reapedTicks: number;
}

/** `/proc/<pid>/stat`, or a thread's `/proc/<pid>/task/<tid>/stat` (the same fields). */
function readStat(pid: number, file = `/proc/${pid}/stat`): ProcessTimes | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // Gone between the listing and the read.
    return undefined;
  }
  // comm is in parentheses and may hold spaces or parentheses itself: the fields start after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text
    .slice(close + 2)
    .split(' ')
    .map(Number);
  // After comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14), man 5 proc.
  return {
    pid,
    ppid: fields[1] ?? 0,
    comm,
    ownTicks: (fields[11] ?? 0) + (fields[12] ?? 0),
    reapedTicks: (fields[13] ?? 0) + (fields[14] ?? 0),
  };
}

/** Every process of the machine at one instant. */
export class ProcessTable {
  readonly #byPid = new Map<number, ProcessTimes>();
  readonly #children = new Map<number, number[]>();

  constructor() {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const times = readStat(Number(entry));
      if (times === undefined) continue;
      this.#byPid.set(times.pid, times);
      const siblings = this.#children.get(times.ppid) ?? [];
      siblings.push(times.pid);
      this.#children.set(times.ppid, siblings);
    }
  }

  /** The parent of `pid`, or undefined when it is not running. */
  parentOf(pid: number): number | undefined {
    return this.#byPid.get(pid)?.ppid;
  }

  /** The children of `pid` whose executable is `comm` (e.g. `nginx`, `redis-server`). */
  childrenNamed(pid: number, comm: string): number[] {
    return (this.#children.get(pid) ?? []).filter((child) => this.#byPid.get(child)?.comm === comm);
  }

  /** CPU milliseconds `pid` itself has used (not its children). */
  processMs(pid: number): number {
    return ((this.#byPid.get(pid)?.ownTicks ?? 0) * 1000) / TICKS_PER_SECOND;
  }

  /**
   * CPU milliseconds of `pid` and every descendant, including those that exited and were reaped
   * (PostgreSQL backends of closed connections): their time is in the reaper's cutime + cstime.
   * Between two tables the difference is what the tree used in between.
   */
  treeMs(pid: number): number {
    let ticks = 0;
    const pending = [pid];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const times = this.#byPid.get(next);
      if (times === undefined) continue;
      ticks += times.ownTicks + times.reapedTicks;
      pending.push(...(this.#children.get(next) ?? []));
    }
    return (ticks * 1000) / TICKS_PER_SECOND;
  }

  /** The processes of the tree of `pid`, for the report. */
  treeSize(pid: number): number {
    let size = 0;
    const pending = [pid];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (!this.#byPid.has(next)) continue;
      size += 1;
      pending.push(...(this.#children.get(next) ?? []));
    }
    return size;
  }
}

/**
 * CPU milliseconds the threads of `pid` other than its main thread have used (a runtime's helpers:
 * V8's GC and compiler workers, libuv's pool); 0 where /proc has no such process. process.cpuUsage
 * counts them with the main thread.
 */
export function helperThreadsMs(pid: number): number {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let ticks = 0;
  for (const thread of threads)
    if (thread !== String(pid)) ticks += readStat(pid, `/proc/${pid}/task/${thread}/stat`)?.ownTicks ?? 0;
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Busy CPU milliseconds of the whole machine so far (all cores; /proc/stat minus idle and iowait). */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}
