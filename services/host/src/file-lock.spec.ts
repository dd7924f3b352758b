import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually, makeTempDir } from '@atrium/test-kit';
import { withFileLock } from './file-lock.ts';

// A process that takes the lock and never lets go (a publish that hangs, then is killed).
const HOLDER = `
const [path, module] = process.argv.slice(1);
const { withFileLock } = await import(module);
await withFileLock(path, async () => {
  console.log('held');
  await new Promise(() => setInterval(() => {}, 60_000));
});`;

test('a lock holder killed with -9 releases the lock at once; while it lives, others wait', async () => {
  const path = join(await makeTempDir('host-lock'), 'registry-state.lock');
  const holder = spawn(
    process.execPath,
    ['--input-type=module', '-e', HOLDER, path, new URL('./file-lock.ts', import.meta.url).href],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  holder.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => holder.on('exit', resolve));
  try {
    assert.ok(await eventually(async () => output.includes('held'), 60_000), 'the holder took the lock');
    await assert.rejects(
      withFileLock(path, async () => 'too early', 200),
      /timed out waiting for the lock/,
    );
  } finally {
    holder.kill('SIGKILL');
    await exited;
  }
  // Well inside the wait: the old lock file was only broken once 30 s old.
  assert.equal(await withFileLock(path, async () => 'taken', 10_000), 'taken');
});
