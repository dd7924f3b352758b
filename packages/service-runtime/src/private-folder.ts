import { chmod, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * The umask of every Atrium server process: what it writes (signing keys, secrets, password
 * hashes in the database files) is its user's alone, 0600 files in 0700 folders.
 */
export const PRIVATE_UMASK = 0o077;

/** A data folder the process cannot make private (e.g. files of another user): it refuses to start. */
export class PrivateFolderError extends Error {
  constructor(dir: string, problems: readonly string[]) {
    super(
      `data folder ${dir} cannot be made private (0600 files, 0700 folders); fix or remove:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'PrivateFolderError';
  }
}

const GROUP_OTHER = 0o077;

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ENOENT';
}

/**
 * Creates `dir` (0700) when missing and takes every group/other permission off it and off the
 * files (0600) and folders (0700) under it. Symbolic links are not followed and sockets are left
 * alone. Returns what it changed, relative to `dir`; throws `PrivateFolderError` naming what it
 * could not change. Call it before the stores open (what an older version or an operator left
 * open) and again after: PGlite (emscripten's NODEFS) sets the modes of the files it creates itself,
 * 0666 or 0644 whatever the process umask.
 */
export async function securePrivateFolder(dir: string): Promise<readonly string[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const fixed: string[] = [];
  const problems: string[] = [];
  const visit = async (path: string, isRoot: boolean): Promise<void> => {
    let info;
    try {
      // The folder itself may be a link an operator made; nothing under it is followed.
      info = isRoot ? await stat(path) : await lstat(path);
    } catch (error) {
      // Removed by a store while we walked: nothing to protect.
      if (isMissing(error)) return;
      throw error;
    }
    const folder = info.isDirectory();
    if (!folder && !info.isFile()) return;
    const name = relative(dir, path) || '.';
    if ((info.mode & GROUP_OTHER) !== 0) {
      try {
        await chmod(path, folder ? 0o700 : 0o600);
        fixed.push(`${name} (was ${(info.mode & 0o777).toString(8)})`);
      } catch (error) {
        if (!isMissing(error)) problems.push(`${name}: ${(error as Error).message}`);
      }
    }
    if (!folder) return;
    let entries: string[];
    try {
      entries = await readdir(path);
    } catch (error) {
      if (isMissing(error)) return;
      problems.push(`${name}: ${(error as Error).message}`);
      return;
    }
    for (const entry of entries) await visit(join(path, entry), false);
  };
  await visit(dir, true);
  if (problems.length > 0) throw new PrivateFolderError(dir, problems);
  return fixed;
}

/**
 * A server's data folder at start, before its stores open: made private (`securePrivateFolder`),
 * with one warning through `warn` naming what it fixed. `undefined` (the data lives in a database
 * server) does nothing.
 */
export async function securePrivateFolderAtStart(
  dir: string | undefined,
  warn: (message: string) => void,
): Promise<void> {
  if (dir === undefined) return;
  const fixed = await securePrivateFolder(dir);
  if (fixed.length > 0) warn(privateFolderWarning(dir, fixed));
}

/** The start-up warning for what `securePrivateFolder` fixed: the first few paths, and how many. */
export function privateFolderWarning(dir: string, fixed: readonly string[]): string {
  const shown = fixed.slice(0, 10).join(', ');
  const more = fixed.length > 10 ? ` and ${fixed.length - 10} more` : '';
  return `data folder ${dir}: ${fixed.length} entries were open to other users; made them 0600 (files) / 0700 (folders): ${shown}${more}`;
}
