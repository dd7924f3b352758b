import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { eventually, freePort, makeTempDir } from '@atrium/test-kit';

// `npm start` as a person runs it, in a terminal: `script` gives the server a pseudo-terminal, so
// process.stdout.isTTY is true exactly as in an interactive shell.

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const folders: string[] = [];
after(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** Starts main.ts at a terminal with `env`, asks it for /readyz and a missing file, and stops it. */
async function runAtTerminal(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = await makeTempDir('embedded-readable-logs');
  folders.push(dataDir);
  const { CI: _ci, NODE_ENV: _nodeEnv, LOG_FORMAT: _format, ...inherited } = process.env;
  const child = spawn('script', ['-qefc', `${quote(process.execPath)} ${quote(MAIN)}`, '/dev/null'], {
    env: {
      ...inherited,
      PORT: String(port),
      ATRIUM_PUBLIC_URL: url,
      ATRIUM_DATA_DIR: dataDir,
      ATRIUM_SKIP_BUILD: 'true',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    // A first start creates the PGlite databases: seconds, more on a busy two-core machine.
    const ready = await eventually(async () => {
      const response = await fetch(`${url}/readyz`).catch(() => undefined);
      return response?.status === 200;
    }, 120_000);
    assert.ok(ready, `not ready:\n${output}`);
    assert.equal((await fetch(`${url}/nothing-here.js`)).status, 404);
    // Lines reach the terminal a moment after the answers.
    await eventually(async () => output.includes('/nothing-here.js') || output.includes('404'), 5_000);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(r, 20_000, false)),
    ]);
    if (!stopped) process.kill(-child.pid!, 'SIGKILL');
  }
  return output.replace(/\r\n/g, '\n');
}

const JSON_LINE = /^\{"level":/m;
const READABLE_LINE = /^\d\d:\d\d:\d\d (INFO |WARN |DEBUG) \S/m;

test('at a terminal the log is readable lines, with one line per request at debug', async () => {
  const output = await runAtTerminal({ LOG_LEVEL: 'debug' });
  assert.doesNotMatch(output, JSON_LINE, output);
  assert.match(output, READABLE_LINE, output);
  assert.match(output, /^\d\d:\d\d:\d\d DEBUG GET \/readyz 200 \d+ ms$/m, output);
  assert.match(output, /^\d\d:\d\d:\d\d DEBUG GET \/nothing-here\.js 404 \d+ ms$/m, output);
});

test('at a terminal at the default level, requests are not logged', async () => {
  const output = await runAtTerminal({ LOG_LEVEL: 'info' });
  assert.doesNotMatch(output, JSON_LINE, output);
  assert.match(output, READABLE_LINE, output);
  assert.doesNotMatch(output, /GET \/readyz/, output);
});

test('in CI the log stays JSON, terminal or not', async () => {
  const output = await runAtTerminal({ LOG_LEVEL: 'info', CI: 'true' });
  assert.match(output, JSON_LINE, output);
  assert.match(output, /"msg":"incoming request"/, output);
});
