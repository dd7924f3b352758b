import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { makeTempDir } from '@atrium/test-kit';
import { startEmbeddedProcess } from './embedded-process.ts';

/** Every file and folder under `dir` (itself included) whose mode is not 0600 / 0700. */
async function notPrivate(dir: string): Promise<string[]> {
  const wrong: string[] = [];
  const visit = async (path: string): Promise<void> => {
    const info = await lstat(path);
    const mode = info.mode & 0o777;
    const name = relative(dir, path) || '.';
    if (info.isDirectory()) {
      if (mode !== 0o700) wrong.push(`${name}/ ${mode.toString(8)}`);
      for (const entry of await readdir(path)) await visit(join(path, entry));
    } else if (info.isFile() && mode !== 0o600) {
      wrong.push(`${name} ${mode.toString(8)}`);
    }
  };
  await visit(dir);
  return wrong;
}

describe('the data folder is private to the server user', () => {
  let root: string;
  after(async () => rm(root, { recursive: true, force: true }));

  test('a first start writes only 0600 files in 0700 folders; a start fixes what was left open, saying what', async () => {
    root = await makeTempDir('embedded-data');
    const dataDir = join(root, 'data');
    const first = await startEmbeddedProcess(dataDir);
    try {
      assert.deepEqual(await notPrivate(dataDir), [], 'while running');
    } finally {
      assert.equal(await first.stop(), 0, first.output());
    }
    assert.deepEqual(await notPrivate(dataDir), [], 'after a clean stop');

    // As an older version (umask 022, PGlite's own 0666) or an operator's copy would leave it.
    await chmod(dataDir, 0o755);
    await chmod(join(dataDir, 'identity'), 0o777);
    await chmod(join(dataDir, 'identity', 'PG_VERSION'), 0o666);
    await mkdir(join(dataDir, 'backup'), { mode: 0o777 });
    await chmod(join(dataDir, 'backup'), 0o777);
    await writeFile(join(dataDir, 'backup', 'notes.txt'), 'x', { mode: 0o666 });
    await chmod(join(dataDir, 'backup', 'notes.txt'), 0o666);

    const second = await startEmbeddedProcess(dataDir);
    try {
      assert.deepEqual(await notPrivate(dataDir), []);
      const warning = second.output();
      assert.match(warning, /5 entries were open to other users/);
      for (const fixed of [
        '. (was 755)',
        'identity (was 777)',
        'identity/PG_VERSION (was 666)',
        'backup/notes.txt (was 666)',
      ])
        assert.ok(warning.includes(fixed), `names ${fixed}: ${warning}`);
    } finally {
      assert.equal(await second.stop(), 0, second.output());
    }
  });
});
