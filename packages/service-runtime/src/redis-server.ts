import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Options of a local redis-server. */
export interface RedisServerOptions {
  readonly port: number;
  /** Its working folder (the append-only file when `appendOnly`). */
  readonly folder: string;
  /** true: every write in an append-only file in `folder` (fsync each second), kept across restarts. */
  readonly appendOnly?: boolean;
  /** Its own process group: a Ctrl-C at the terminal then reaches only the parent, which stops it in order. */
  readonly detached?: boolean;
}

/** A running redis-server. */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGTERM (Redis then writes what it must), and the exit. */
  stop(): Promise<void>;
}

/** Starts Debian's redis-server on 127.0.0.1 and resolves once it accepts connections. */
export async function startRedisProcess(options: RedisServerOptions): Promise<RedisServerProcess> {
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (binary === undefined)
    throw new Error('redis-server not found: install it with `apt-get install -y redis-server`');
  const { port, folder } = options;
  const persistence =
    options.appendOnly === true
      ? ['--appendonly', 'yes', '--appendfsync', 'everysec']
      : ['--appendonly', 'no'];
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', folder],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached === true },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // Its log is not ours to print; unread pipes would fill and stall it.
  child.stdout?.resume();
  child.stderr?.resume();
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}
