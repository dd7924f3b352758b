// A team's CI client for the browser tests, granted by the operator's own command before the
// servers start (the identity database is one process's while a server runs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE, REPO_ROOT } from './node-runtime.ts';

/** The client and the micro-frontend names it may publish. */
export const E2E_PUBLISHER = { clientId: 'e2e-reports-ci', microFrontends: ['reports'] } as const;

const FILE = 'e2e-publisher.json';

/** Grants the client in `dataDir` once (`npm run atrium -- publisher grant …`) and keeps its secret there. */
export function grantE2ePublisher(dataDir: string): void {
  if (existsSync(join(dataDir, FILE))) return;
  const output = execFileSync(
    NODE,
    [
      'services/identity/src/cli.ts',
      'publisher',
      'grant',
      '--client',
      E2E_PUBLISHER.clientId,
      ...E2E_PUBLISHER.microFrontends.flatMap((name) => ['--mfe', name]),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    },
  );
  const secret = output.trim().split('\n').at(-1) ?? '';
  writeFileSync(join(dataDir, FILE), JSON.stringify({ clientId: E2E_PUBLISHER.clientId, secret }), {
    mode: 0o600,
  });
}

/** The granted client's id and secret for the server under test. */
export function e2ePublisher(dataDir: string): { clientId: string; secret: string } {
  return JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as { clientId: string; secret: string };
}
