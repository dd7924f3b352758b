import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { eventually } from './eventually.ts';
import { freePort, makeTempDir } from './free-port.ts';
import type { RunningServer } from './server-harness.ts';

const require = createRequire(import.meta.url);

/** Amazon DynamoDB Local (AWS's own emulator), as shipped inside the npm package amplify-dynamodb-simulator. */
function emulatorDir(): string {
  const dir = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  if (!existsSync(join(dir, 'DynamoDBLocal.jar')))
    throw new Error(`DynamoDB Local not found in ${dir} (npm install amplify-dynamodb-simulator)`);
  return dir;
}

function javaBinary(): string {
  const java = ['/usr/bin/java', '/usr/local/bin/java'].find((p) => existsSync(p));
  if (java === undefined)
    throw new Error('java not found: install it with `apt-get install -y openjdk-17-jre-headless`');
  return java;
}

/** A running DynamoDB Local; `endpoint` is its http URL. */
export interface DynamoDbLocal extends RunningServer {
  readonly endpoint: string;
  /** kill -9, as a crash would. */
  kill(): Promise<void>;
}

/**
 * Starts Amazon DynamoDB Local on a free loopback port: in memory, or on SQLite files in `dbPath`
 * (which outlive `stop`, for restart tests). Needs Java 17. Licensed for use with AWS: a test engine
 * for the DynamoDB adapter, never the product's engine.
 */
export async function startDynamoDbLocal(options: { dbPath?: string } = {}): Promise<DynamoDbLocal> {
  const emulator = emulatorDir();
  const port = await freePort();
  const temp = options.dbPath === undefined ? await makeTempDir('dynamodb-local') : undefined;
  const args = [
    '-Xmx256m',
    `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(emulator, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    // Telemetry would call AWS from a test run: tests talk to loopback only.
    '-disableTelemetry',
    ...(options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath]),
  ];
  // The JVM writes its temp files (SQLite's native library) under cwd: keep them out of the repository.
  const child: ChildProcess = spawn(javaBinary(), args, {
    cwd: temp ?? options.dbPath,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    // A loaded 2-core machine starts the JVM in 3-20 s.
    const up = await eventually(async () => {
      if (exited) throw new Error(`DynamoDB Local exited:\n${stderr}`);
      return fetch(endpoint, { signal: AbortSignal.timeout(1_000) }).then(
        () => true,
        () => false,
      );
    }, 90_000);
    if (!up) throw new Error(`DynamoDB Local did not answer on ${endpoint} within 90 s:\n${stderr}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Tests end when their work does; a forgotten emulator must not keep them (or itself) alive.
  child.unref();
  (child.stderr as unknown as { unref?(): void } | null)?.unref?.();
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const stopWith = async (signal: NodeJS.Signals) => {
    process.removeListener('exit', onExit);
    if (!exited) {
      const done = new Promise((resolve) => child.once('exit', resolve));
      // Waiting for the exit keeps the process alive again (the child was unref'd).
      child.ref();
      child.kill(signal);
      await done;
    }
    if (temp !== undefined) await rm(temp, { recursive: true, force: true });
  };
  return {
    url: endpoint,
    endpoint,
    port,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
  };
}
