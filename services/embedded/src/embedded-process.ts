import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, freePort } from '@atrium/test-kit';

// Test support (not a spec): `npm start` as an operator runs it, a child process with its own
// data folder and port, so a test can send it signals and read what it printed.

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface EmbeddedProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code once it has exited. */
  readonly exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `services/embedded/src/main.ts` on a free port and waits until its /readyz says ready. */
export async function startEmbeddedProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<EmbeddedProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      ATRIUM_PUBLIC_URL: url,
      ATRIUM_DATA_DIR: dataDir,
      ATRIUM_SKIP_BUILD: 'true',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  // A first start creates two PGlite databases: seconds, more on a busy two-core machine.
  const ready = await eventually(async () => {
    if (exitCode !== undefined) return true;
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    return response?.status === 200;
  }, 120_000);
  if (!ready || exitCode !== undefined) {
    child.kill('SIGKILL');
    throw new Error(`the embedded server did not become ready (exit ${exitCode}):\n${output}`);
  }
  return {
    child,
    url,
    port,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}
