import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { makeTempDir } from '@atrium/test-kit';
import { openIdentityDatabase } from './app.ts';
import { loadConfig } from './config.ts';
import { demoUsers } from './demo-data.ts';
import { startIdentity } from './test-server.ts';
import { UserDirectory } from './user-directory.ts';

const run = promisify(execFile);
const cli = new URL('./cli.ts', import.meta.url).pathname;

test('production refuses to start while a demo user still has the demo password, and says how to fix it', async () => {
  const dataDir = await makeTempDir('identity-prod');
  const production = {
    ATRIUM_DATA_DIR: dataDir,
    NODE_ENV: 'production',
    ATRIUM_DEMO: 'false',
    ATRIUM_PUBLIC_URL: 'https://atrium.example',
  };
  try {
    // A folder first started in development: the demo users are seeded with the demo password.
    await (await startIdentity({ ATRIUM_DATA_DIR: dataDir })).stop({ keepData: true });

    await assert.rejects(startIdentity(production), (error: Error) => {
      assert.match(error.message, /production/);
      assert.match(error.message, /demo password/);
      for (const { username } of demoUsers()) assert.match(error.message, new RegExp(`\\b${username}\\b`));
      assert.match(error.message, /npm run atrium -- user set-password --username/);
      assert.match(error.message, /npm run atrium -- user disable --username/);
      return true;
    });

    // The fix the message names, through the real CLI, takes that user off the list.
    const reset = await run(
      process.execPath,
      [cli, 'user', 'set-password', '--username', 'operator', '--password', 'a-new-passphrase-of-its-own'],
      { env: { ...process.env, ...production } },
    ).catch((error: Error & { stderr?: string }) => assert.fail(`${error.message}\n${error.stderr}`));
    assert.match(reset.stdout, /password changed for operator/);
    await assert.rejects(startIdentity(production), (error: Error) => {
      assert.doesNotMatch(error.message, /\boperator\b/);
      assert.match(error.message, /\buserTenantA\b/);
      return true;
    });

    // Disabled users cannot sign in, whatever their password: disabling is a fix too.
    const db = await openIdentityDatabase(loadConfig(production));
    try {
      const users = new UserDirectory(db);
      for (const { username } of demoUsers().filter((u) => u.username !== 'operator')) {
        const user = await users.findByUsername(username);
        await users.setDisabled(user?.id as string, true);
      }
    } finally {
      await db.close();
    }
    const started = await startIdentity(production);
    await started.stop({ keepData: true });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
