import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The service's signing key (nextTokens, idempotency ids): 32 random bytes created on first start
 * in `<dataDir>/secret.key` (mode 0600) and reused after, so tokens survive restarts. Used when
 * PAYMENTS_SECRET is unset: one instance. Instances of a cluster share PAYMENTS_SECRET instead; the
 * store refuses an instance whose secret differs (store/secret-fingerprint.ts).
 */
export async function loadSecretKey(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, 'secret.key');
  try {
    const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
    if (key.length >= 32) return key;
    throw new Error(`${path}: shorter than 32 bytes`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // `wx`: if another instance wrote it first, keep theirs.
    await writeFile(path, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  }
}
