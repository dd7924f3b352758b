import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (servers and CLIs run from there). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The repository's pinned Node 24 (devDependency `node@24`), whatever node runs Playwright: the
 * system node is 20 and cannot run the services' TypeScript.
 */
export const NODE = existsSync(`${REPO_ROOT}node_modules/.bin/node`)
  ? `${REPO_ROOT}node_modules/.bin/node`
  : process.execPath;
