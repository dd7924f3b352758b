import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './config.ts';

/** The front-end builds the embedded server serves, and the file that proves each is built. */
export const FRONTEND_BUILDS = [
  { workspace: '@atrium/shell', output: 'apps/shell/dist', proof: 'index.html' },
  { workspace: '@atrium/accounts', output: 'apps/accounts/dist/browser', proof: 'atrium-manifest.json' },
  { workspace: '@atrium/payments', output: 'apps/payments/dist/browser', proof: 'atrium-manifest.json' },
] as const;

/** Builds every front-end whose output is missing (first `npm start` on a fresh clone). */
export function buildMissing(log: (line: string) => void): void {
  for (const build of FRONTEND_BUILDS) {
    if (!existsSync(join(REPO_ROOT, build.workspace.replace('@atrium/', 'apps/'), 'package.json'))) continue;
    if (existsSync(join(REPO_ROOT, build.output, build.proof))) continue;
    log(`atrium: building ${build.workspace} (first start)…`);
    const result = spawnSync('npm', ['run', 'build', '-w', build.workspace], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error(`atrium: the build of ${build.workspace} failed`);
  }
}

export const builtFrontend = (name: 'shell' | 'accounts' | 'payments'): string =>
  join(REPO_ROOT, FRONTEND_BUILDS.find((b) => b.workspace === `@atrium/${name}`)!.output);
