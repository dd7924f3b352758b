import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@atrium/test-kit';

const run = promisify(execFile);
const cli = new URL('./cli.ts', import.meta.url).pathname;

/** Every path below `dir` that another user could read or write. */
async function openToOthers(dir: string): Promise<string[]> {
  const open: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const { mode } = await stat(join(dir, name));
    if ((mode & 0o077) !== 0) open.push(`${name} (${(mode & 0o777).toString(8)})`);
  }
  return open;
}

test('the CLI creating the identity database leaves no file open to other users (keys, password hashes)', async () => {
  const dir = await makeTempDir('identity-cli-modes');
  try {
    // The first command creates the embedded database, as an operator's grant before the first start does.
    await run(process.execPath, [cli, 'tenant', 'list'], { env: { ...process.env, ATRIUM_DATA_DIR: dir } });
    assert.ok((await readdir(dir, { recursive: true })).length > 100, 'the database was created');
    assert.deepEqual((await openToOthers(dir)).slice(0, 5), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
