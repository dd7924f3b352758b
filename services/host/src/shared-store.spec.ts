import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  eventually,
  freePort,
  makeTempDir,
  startPostgresServer,
  startTestIssuer,
  type PostgresServer,
  type TestIssuer,
} from '@atrium/test-kit';
import type { Registry, RegistryEntry } from '@atrium/contracts';
import { openDatabase } from '@atrium/postgres';
import { writeFakeMfe, writeFakeShell } from './fake-builds.ts';

const run = promisify(execFile);
const server = new URL('./server.ts', import.meta.url).pathname;
const cli = new URL('./cli.ts', import.meta.url).pathname;

/** One standalone host process (`src/server.ts`, as a cluster starts it) with a data folder of its own. */
interface HostProcess {
  readonly base: string;
  stop(): Promise<void>;
}

let dir: string;
let pg: PostgresServer;
let issuer: TestIssuer;
let operator: string;
let hostA: HostProcess;
let hostB: HostProcess;

async function startHost(folder: string): Promise<HostProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [server], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ATRIUM_PUBLIC_URL: base,
      ATRIUM_DATA_DIR: join(dir, folder),
      ATRIUM_SHELL_DIR: join(dir, 'shell'),
      OIDC_ISSUER: issuer.issuer,
      OIDC_JWKS_URI: issuer.jwksUri,
      HOST_STORE: 'postgres',
      // Least privilege: the hosts connect as a login holding only the migration's role; the
      // migrations run as the owner.
      HOST_DATABASE_URL: pg.url.replace('//postgres@', '//host_app@'),
      HOST_DATABASE_MIGRATION_URL: pg.url,
      HOST_REGISTRY_POLL_MS: '250',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const up = await eventually(
    () =>
      fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    60_000,
  );
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`host in ${folder} did not start`);
  }
  return {
    base,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

before(async () => {
  dir = await makeTempDir('host-shared-store');
  [pg, issuer] = await Promise.all([startPostgresServer(), startTestIssuer()]);
  operator = await issuer.mint({ username: 'operator', roles: ['operator'] });
  await writeFakeShell(join(dir, 'shell'));
  // As an operator prepares the server: the hosts' login, a member of the role the migration grants to.
  const admin = await openDatabase({ url: pg.url });
  await admin.exec('create role atrium_host nologin; create role host_app login in role atrium_host');
  await admin.close();
  // One after the other: the first start migrates, the second finds the schema in place.
  hostA = await startHost('host-a');
  hostB = await startHost('host-b');
});

after(async () => {
  await Promise.all([hostA?.stop(), hostB?.stop()]);
  await Promise.all([pg?.stop(), issuer?.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function registry(host: HostProcess): Promise<Registry> {
  const response = await fetch(`${host.base}/registry.json`);
  assert.equal(response.status, 200);
  return (await response.json()) as Registry;
}

async function liveVersion(host: HostProcess, name: string): Promise<string | undefined> {
  return (await registry(host)).microFrontends.find((m) => m.name === name)?.version;
}

/** Waits until `host` names `version` as live for `name` (the other host's switch reached it). */
async function sees(host: HostProcess, name: string, version: string | undefined): Promise<void> {
  const seen = await eventually(async () => (await liveVersion(host, name)) === version, 30_000);
  assert.ok(seen, `${host.base} never named ${name} ${version ?? '(retired)'}`);
}

async function call(
  host: HostProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${host.base}/api/registry${path}`, {
    method,
    headers: {
      authorization: `Bearer ${operator}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The upload the publish API takes, read from a build folder written by `writeFakeMfe`. */
async function upload(buildDir: string): Promise<{ manifest: unknown; files: Record<string, string> }> {
  const manifest = JSON.parse(await readFile(join(buildDir, 'atrium-manifest.json'), 'utf8')) as {
    files: string[];
  };
  const files: Record<string, string> = {};
  for (const file of manifest.files) files[file] = (await readFile(join(buildDir, file))).toString('base64');
  return { manifest, files };
}

/** Fetches the entry and stylesheets an entry names from `host`, checking their SRI; returns the entry's bytes. */
async function servedEntry(host: HostProcess, entry: RegistryEntry): Promise<Buffer> {
  const script = await fetch(new URL(entry.entry, host.base));
  assert.equal(script.status, 200, `${host.base} cannot serve ${entry.entry}`);
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const bytes = Buffer.from(await script.arrayBuffer());
  assert.equal(entry.integrity, `sha384-${createHash('sha384').update(bytes).digest('base64')}`);
  for (const style of entry.styles) {
    const css = await fetch(new URL(style.url, host.base));
    assert.equal(css.status, 200);
    const cssBytes = Buffer.from(await css.arrayBuffer());
    assert.equal(style.integrity, `sha384-${createHash('sha384').update(cssBytes).digest('base64')}`);
  }
  return bytes;
}

test('a build published with the CLI through host A is live on host B, which serves its files', async () => {
  await writeFakeMfe(join(dir, 'payments-v1'), { body: 'export const payments = 1;' });
  // The CLI has no access to any host's folder: ATRIUM_HOST_URL sends it through A's publish API.
  const { stdout } = await run(process.execPath, [cli, 'publish', 'payments', join(dir, 'payments-v1')], {
    env: {
      ...process.env,
      ATRIUM_HOST_URL: hostA.base,
      ATRIUM_PUBLISH_TOKEN: operator,
      ATRIUM_DATA_DIR: join(dir, 'cli-elsewhere'),
    },
  });
  const version = /-> (\S+)/.exec(stdout)?.[1];
  assert.ok(version, stdout);
  assert.equal(
    await liveVersion(hostA, 'payments'),
    version,
    'the publishing host sees its own switch at once',
  );
  await sees(hostB, 'payments', version);
  const entry = (await registry(hostB)).microFrontends.find((m) => m.name === 'payments');
  assert.ok(entry);
  assert.equal((await servedEntry(hostB, entry)).toString(), 'export const payments = 1;');
  // Both hosts answer the same document with the same ETag: a revalidation through a load balancer
  // is a 304 whichever instance answers it.
  const etagA = (await fetch(`${hostA.base}/registry.json`)).headers.get('etag');
  const fromB = await fetch(`${hostB.base}/registry.json`, { headers: { 'if-none-match': etagA ?? '' } });
  assert.equal(fromB.status, 304);
});

test('a rollback on host B is what host A serves next, and both hosts show its audit', async () => {
  const v1 = await liveVersion(hostA, 'payments');
  assert.ok(v1);
  await writeFakeMfe(join(dir, 'payments-v2'), { version: '2.0.0', body: 'export const payments = 2;' });
  const published = await call(
    hostA,
    'POST',
    '/micro-frontends/payments/versions',
    await upload(join(dir, 'payments-v2')),
  );
  assert.equal(published.status, 201);
  const v2 = String(published.body['version']);
  await sees(hostB, 'payments', v2);

  const back = await call(hostB, 'POST', '/micro-frontends/payments/rollback');
  assert.deepEqual(back.body, { name: 'payments', version: v1, previous: v2 });
  await sees(hostA, 'payments', v1);
  const entry = (await registry(hostA)).microFrontends.find((m) => m.name === 'payments');
  assert.ok(entry);
  assert.equal((await servedEntry(hostA, entry)).toString(), 'export const payments = 1;');
  // The rolled-back version stays servable on both hosts, for pages that still run it.
  const v2Entry = entry.entry.replace(encodeURIComponent(v1), encodeURIComponent(v2));
  assert.equal(await (await fetch(new URL(v2Entry, hostA.base))).text(), 'export const payments = 2;');

  const info = await call(hostA, 'GET', '/micro-frontends/payments');
  const audit = (info.body['audit'] as { action: string; from: string | null; to: string | null }[]).map(
    ({ action, from, to }) => [action, from, to],
  );
  assert.deepEqual(audit.slice(-3), [
    ['publish', null, v1],
    ['publish', v1, v2],
    ['rollback', v2, v1],
  ]);
  assert.equal(info.body['live'], v1);
});

test('concurrent publishes through both hosts leave one consistent registry, never naming an unservable version', async () => {
  const builds: string[] = [];
  for (let i = 0; i < 6; i++) {
    const build = join(dir, `ledger-${i}`);
    await writeFakeMfe(build, { name: 'ledger', version: `1.${i}.0`, body: `export const ledger = ${i};` });
    builds.push(build);
  }
  // A reader on each host all along: every version a registry names must be servable right then.
  let reading = true;
  const problems: string[] = [];
  const reader = async (host: HostProcess) => {
    while (reading) {
      // Paced a little, so the readers do not starve the publishes on a small machine.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const entry = (await registry(host)).microFrontends.find((m) => m.name === 'ledger');
      if (entry === undefined) continue;
      const status = (await fetch(new URL(entry.entry, host.base))).status;
      if (status !== 200) problems.push(`${host.base} named ${entry.version} and answered ${status}`);
    }
  };
  const readers = [reader(hostA), reader(hostB)];
  const results: { status: number; body: Record<string, unknown> }[] = [];
  // Pairs of publishes at once, one through each host.
  for (let i = 0; i < builds.length; i += 2) {
    const pair = await Promise.all([
      call(hostA, 'POST', '/micro-frontends/ledger/versions', await upload(builds[i] as string)),
      call(hostB, 'POST', '/micro-frontends/ledger/versions', await upload(builds[i + 1] as string)),
    ]);
    results.push(...pair);
  }
  reading = false;
  await Promise.all(readers);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    results.map((r) => r.status),
    results.map(() => 201),
  );

  // The switches form one chain: each publish replaced exactly the version live before it.
  const info = await call(hostB, 'GET', '/micro-frontends/ledger');
  const audit = info.body['audit'] as { action: string; from: string | null; to: string | null }[];
  assert.equal(audit.length, builds.length);
  assert.equal(audit[0]?.from, null);
  for (let i = 1; i < audit.length; i++) assert.equal(audit[i]?.from, audit[i - 1]?.to);
  const live = audit.at(-1)?.to;
  assert.equal(info.body['live'], live);
  assert.deepEqual(
    new Set(audit.map((r) => r.to)),
    new Set(results.map((r) => r.body['version'])),
    'every publish is in the chain once',
  );
  assert.equal((info.body['versions'] as unknown[]).length, builds.length);
  await sees(hostA, 'ledger', live ?? undefined);
  await sees(hostB, 'ledger', live ?? undefined);
});

test('a retire through host A takes the entry off host B; its files stay', async () => {
  const live = await liveVersion(hostB, 'ledger');
  assert.ok(live);
  const entry = (await registry(hostB)).microFrontends.find((m) => m.name === 'ledger');
  assert.ok(entry);
  const retired = await call(hostA, 'DELETE', '/micro-frontends/ledger');
  assert.deepEqual(retired.body, { name: 'ledger', previous: live });
  await sees(hostB, 'ledger', undefined);
  assert.equal((await fetch(new URL(entry.entry, hostB.base))).status, 200);
});

test("the hosts' login can add files and audit rows but never rewrite them", async () => {
  const asHost = await openDatabase({ url: pg.url.replace('//postgres@', '//host_app@') });
  try {
    for (const statement of [
      'delete from host_audit',
      "update host_audit set actor = 'someone else'",
      "update host_blobs set body = '\\x00'",
      'delete from host_version_files',
      'create table host_extra (id int)',
    ])
      await assert.rejects(asHost.query(statement), /permission denied/, statement);
    assert.ok((await asHost.query('select 1 from host_audit')).rowCount > 0);
  } finally {
    await asHost.close();
  }
});

test('a host restarted on an empty data folder serves the registry, the versions and the audit it had', async () => {
  const before = await registry(hostA);
  const payments = before.microFrontends.find((m) => m.name === 'payments');
  assert.ok(payments);
  const auditBefore = (await call(hostA, 'GET', '/micro-frontends/payments')).body['audit'];
  await hostA.stop();
  // Nothing the host keeps is in its folder: a new instance on a new folder is the same host.
  hostA = await startHost('host-a-replaced');
  assert.deepEqual(await registry(hostA), before);
  await servedEntry(hostA, payments);
  assert.deepEqual((await call(hostA, 'GET', '/micro-frontends/payments')).body['audit'], auditBefore);
});

test('while the database is down a host serves what it has, answers 503 for the rest and changes nothing', async () => {
  const before = await registry(hostA);
  const payments = before.microFrontends.find((m) => m.name === 'payments');
  assert.ok(payments);
  await servedEntry(hostA, payments);
  // A file of the live version this host has not served yet (so not cached).
  const chunk = new URL(payments.entry.replace(/[^/]+$/, 'chunk-IJKL9012.js'), hostA.base);
  await writeFakeMfe(join(dir, 'payments-v3'), { version: '3.0.0', body: 'export const payments = 3;' });
  const v3 = await upload(join(dir, 'payments-v3'));
  await pg.faults.stop();
  try {
    const ready = await fetch(`${hostA.base}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { code: string }).code, 'store_unavailable');
    assert.ok(ready.headers.get('retry-after'));
    assert.deepEqual(await registry(hostA), before, 'the last registry stays served');
    await servedEntry(hostA, payments);
    const uncached = await fetch(chunk);
    assert.equal(uncached.status, 503, 'an unreadable file is not a 404 a CDN could keep');
    const refused = await call(hostA, 'POST', '/micro-frontends/payments/versions', v3);
    assert.equal(refused.status, 503);
    assert.equal(refused.body['code'], 'store_unavailable');
  } finally {
    await pg.faults.start();
  }
  assert.ok(
    await eventually(async () => (await fetch(`${hostA.base}/readyz`)).status === 200, 30_000),
    'ready again once the database answers',
  );
  assert.equal((await fetch(chunk)).status, 200);
  assert.deepEqual(await registry(hostB), before, 'the refused publish changed nothing');
  const audit = (await call(hostB, 'GET', '/micro-frontends/payments')).body['audit'] as unknown[];
  assert.ok(!JSON.stringify(audit).includes('3.0.0'));
});

test("an old host's data folder is imported into the shared store once, without taking over a name", async () => {
  const { MfeStore } = await import('./mfe-store.ts');
  const folder = join(dir, 'old-host');
  const old = new MfeStore(folder);
  await writeFakeMfe(join(dir, 'reports-v1'), { name: 'reports', body: 'export const reports = 1;' });
  await writeFakeMfe(join(dir, 'reports-v2'), { name: 'reports', version: '2.0.0' });
  const v1 = (await old.publish(join(dir, 'reports-v1'))).version;
  const v2 = (await old.publish(join(dir, 'reports-v2'))).version;
  await old.rollback('reports');
  // A name the shared store has already: the folder's older build must not replace it.
  await writeFakeMfe(join(dir, 'payments-old'), { body: 'export const payments = "old host";' });
  await old.publish(join(dir, 'payments-old'));
  const sharedPayments = await liveVersion(hostB, 'payments');

  const env = {
    ...process.env,
    HOST_STORE: 'postgres',
    HOST_DATABASE_URL: pg.url.replace('//postgres@', '//host_app@'),
    ATRIUM_DATA_DIR: join(dir, 'operator'),
  };
  // The hosts' restricted login alone cannot run the migrations: the start says what is missing.
  await assert.rejects(run(process.execPath, [cli, 'list'], { env }), (error: { stderr: string }) =>
    /set HOST_DATABASE_MIGRATION_URL/.test(error.stderr),
  );
  const importer = () =>
    run(process.execPath, [cli, 'import', folder], {
      env: { ...env, HOST_DATABASE_MIGRATION_URL: pg.url },
    });
  const first = (await importer()).stdout;
  assert.match(first, new RegExp(`reports: imported, live ${v1.replace('+', '\\+')}`));
  assert.match(first, /payments: already in the store, left as it is/);
  await sees(hostB, 'reports', v1);
  assert.equal(await liveVersion(hostB, 'payments'), sharedPayments);
  const entry = (await registry(hostB)).microFrontends.find((m) => m.name === 'reports');
  assert.ok(entry);
  assert.equal((await servedEntry(hostB, entry)).toString(), 'export const reports = 1;');
  // The rolled-back version came along: it can be switched to without uploading it.
  const info = await call(hostA, 'GET', '/micro-frontends/reports');
  assert.deepEqual(
    (info.body['versions'] as { version: string }[]).map((v) => v.version),
    [v1, v2],
  );
  assert.equal((await call(hostA, 'POST', '/micro-frontends/reports/switch', { version: v2 })).status, 200);
  await sees(hostB, 'reports', v2);

  const again = (await importer()).stdout;
  assert.match(again, /reports: already in the store/);
  const audit = (await call(hostA, 'GET', '/micro-frontends/reports')).body['audit'] as unknown[];
  assert.equal(audit.length, 2, 'one import, one switch');
});

test('a host whose shared store does not answer refuses to start, naming the setting but not the password', async () => {
  const nobody = await freePort();
  const failed = await run(process.execPath, [server], {
    env: {
      ...process.env,
      PORT: String(await freePort()),
      ATRIUM_DATA_DIR: join(dir, 'host-without-database'),
      ATRIUM_SHELL_DIR: join(dir, 'shell'),
      HOST_STORE: 'postgres',
      HOST_DATABASE_URL: `postgres://host_app:s3cret-pw@127.0.0.1:${nobody}/atrium`,
      LOG_LEVEL: 'warn',
    },
  }).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  assert.ok(failed, 'the host started without its store');
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, new RegExp(`shared store at 127\\.0\\.0\\.1:${nobody}/atrium does not answer`));
  assert.match(failed.stderr, /HOST_DATABASE_URL/);
  assert.ok(!failed.stderr.includes('s3cret-pw'));
});
