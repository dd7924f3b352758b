// `npm run start:split`: every service and every micro-frontend as its own process on its own
// origin (the articles' deployment), all configured from services/host/src/split-topology.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { MfeStore } from './mfe-store.ts';
import { nginxConfig, splitProcesses, splitTopology, type SplitProcess } from './split-topology.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function settings(env: NodeJS.ProcessEnv): { basePort: number; dataDir: string; behindNginx: boolean } {
  const problems: string[] = [];
  const basePort = Number(env['SPLIT_BASE_PORT'] ?? '8100');
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65000)
    problems.push('SPLIT_BASE_PORT: 1024-65000');
  const behind = env['SPLIT_BEHIND_NGINX'] ?? 'false';
  if (!['true', 'false'].includes(behind)) problems.push('SPLIT_BEHIND_NGINX: true or false');
  if (problems.length > 0) throw new Error(`Invalid split configuration:\n  ${problems.join('\n  ')}`);
  return {
    basePort,
    dataDir: resolve(env['ATRIUM_DATA_DIR'] ?? join(repoRoot, '.atrium-split')),
    behindNginx: behind === 'true',
  };
}

async function waitHealthy(process: SplitProcess, child: ChildProcess): Promise<boolean> {
  const url = `http://127.0.0.1:${process.origin.listenPort}${process.health}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) return false;
    // Any answer below 500 means the process listens (a service may name its health route otherwise).
    const ok = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return true;
    await sleep(250);
  }
  return false;
}

const config = settings(process.env);
const topology = splitTopology({ basePort: config.basePort, listenOffset: config.behindNginx ? 1000 : 0 });
const processes = splitProcesses(topology, config.dataDir, config.behindNginx);

// The micro-frontends are served from the store: publish the current builds on first start.
const store = new MfeStore(config.dataDir);
const { published, skipped } = await store.ensurePublished([
  join(repoRoot, 'apps/accounts/dist/browser'),
  join(repoRoot, 'apps/payments/dist/browser'),
]);
for (const p of published) console.log(`split: published ${p.name} ${p.version}`);
for (const dir of skipped) console.warn(`split: no build in ${dir} (run its npm run build)`);

if (config.behindNginx) {
  const prefix = join(config.dataDir, 'nginx');
  await mkdir(prefix, { recursive: true });
  await writeFile(join(prefix, 'nginx.conf'), nginxConfig(processes, { prefix }));
  console.log(`split: nginx configuration in ${join(prefix, 'nginx.conf')} (start: nginx -c … -p ${prefix})`);
}

const children: ChildProcess[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
  );
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll(0));

const started: SplitProcess[] = [];
for (const service of processes) {
  if (!existsSync(join(repoRoot, service.server))) {
    console.warn(`split: ${service.name} skipped (${service.server} does not exist yet)`);
    continue;
  }
  const child = spawn(process.execPath, [join(repoRoot, service.server)], {
    cwd: repoRoot,
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // Line by line: a chunk may end mid-line, and the prefix belongs at the start of each line only.
  const prefix = `[${service.name}] `;
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => console.log(prefix + line));
  if (child.stderr)
    createInterface({ input: child.stderr }).on('line', (line) => console.error(prefix + line));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    // Ctrl-C or a SIGTERM to the whole process group reaches the children too: a clean exit of
    // one of them is that stop arriving first, not a failure.
    if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM') return void stopAll(0);
    console.error(`split: ${service.name} exited with ${code ?? signal}; stopping the others`);
    void stopAll(1);
  });
  if (!(await waitHealthy(service, child))) {
    console.error(`split: ${service.name} did not become healthy`);
    await stopAll(1);
  }
  started.push(service);
}

console.log('\nAtrium, split topology (one origin per service and micro-frontend):');
for (const service of started) console.log(`  ${service.name.padEnd(14)} ${service.origin.origin}`);
console.log(`\nOpen ${topology.shell.origin}/ — demo logins as in the README. Stop with Ctrl-C.`);
