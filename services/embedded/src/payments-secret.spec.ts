import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { makeTempDir } from '@atrium/test-kit';
import { startEmbeddedProcess } from './embedded-process.ts';

// The embedded server mounts the payments API with the same config-to-options mapping as the
// standalone server: PAYMENTS_SECRET is the service's key in both (it was ignored here, and a key
// file of the data folder used instead).

describe('the embedded payments API and PAYMENTS_SECRET', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await makeTempDir('embedded-secret');
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a restart with another PAYMENTS_SECRET is refused, naming it; the same one starts', async () => {
    const secret = randomBytes(32).toString('base64');
    for (let start = 0; start < 2; start += 1) {
      const server = await startEmbeddedProcess(dataDir, { PAYMENTS_SECRET: secret });
      assert.equal(await server.stop(), 0, server.output());
    }
    await assert.rejects(
      startEmbeddedProcess(dataDir, { PAYMENTS_SECRET: randomBytes(32).toString('base64') }),
      /exit 1\)[\s\S]*PAYMENTS_SECRET/,
    );
  });
});
