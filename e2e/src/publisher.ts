// A team's CI client for the browser tests, granted by the operator's own command before the
// servers start (the identity database is one process's while a server runs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterDatabases } from '@atrium/cluster';
import { NODE, REPO_ROOT } from './node-runtime.ts';
import type { TopologyRun } from './topology.ts';

/** The client and the micro-frontend names it may publish. */
export const E2E_PUBLISHER = { clientId: 'e2e-reports-ci', microFrontends: ['reports'] } as const;

const FILE = 'e2e-publisher.json';

/**
 * Grants the client in `dataDir` once (`npm run atrium -- publisher grant …`) and keeps its secret
 * there; `env` names the identity database when it is a server's (the cluster's DATABASE_URL).
 */
export function grantE2ePublisher(dataDir: string, env: Readonly<Record<string, string>> = {}): void {
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
      env: { ...process.env, ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
      encoding: 'utf8',
    },
  );
  const secret = output.trim().split('\n').at(-1) ?? '';
  writeFileSync(join(dataDir, FILE), JSON.stringify({ clientId: E2E_PUBLISHER.clientId, secret }), {
    mode: 0o600,
  });
}

/**
 * The granted client's id and secret for the server under test. The cluster's identity database is
 * on its PostgreSQL server, which runs only once the cluster does: its grant is made here, at first use.
 */
export async function e2ePublisher(run: TopologyRun): Promise<{ clientId: string; secret: string }> {
  if (run.name === 'cluster' && !existsSync(join(run.dataDir, FILE))) {
    const databases = await clusterDatabases(run.dataDir, run.port);
    grantE2ePublisher(run.dataDir, { DATABASE_URL: databases.identity.owner });
  }
  return JSON.parse(readFileSync(join(run.dataDir, FILE), 'utf8')) as { clientId: string; secret: string };
}
