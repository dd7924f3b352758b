import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { makeTempDir, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import type { BuildManifest, Registry } from '@atrium/contracts';
import hostPlugin, { type ShellRuntimeConfig } from './app.ts';
import { MfeStore } from './mfe-store.ts';
import { writeFakeMfe, writeFakeShell } from './fake-builds.ts';

const run = promisify(execFile);

let dir: string;
let app: FastifyInstance;
let base: string;
let issuer: TestIssuer;
let store: MfeStore;

before(async () => {
  dir = await makeTempDir('host-publish-api');
  issuer = await startTestIssuer();
  await writeFakeShell(join(dir, 'shell'));
  await writeFakeMfe(join(dir, 'payments-build'));
  store = new MfeStore(join(dir, 'data'));
  await store.publish(join(dir, 'payments-build'));
  const runtime: ShellRuntimeConfig = {
    productName: 'Atrium',
    oidc: { issuer: issuer.issuer, clientId: 'atrium-shell', scope: 'openid' },
    api: {
      paymentsGraphql: 'http://localhost:8102/graphql',
      paymentsGraphqlWs: 'ws://localhost:8102/graphql',
      accounts: 'http://localhost:8103/api/accounts',
      identityAdmin: 'http://localhost:8080/auth/admin',
    },
  };
  app = Fastify();
  await app.register(hostPlugin, {
    dataDir: join(dir, 'data'),
    shellDir: join(dir, 'shell'),
    runtimeConfig: runtime,
    store,
    publishApi: { verifier: issuer.verifierConfig() },
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

after(async () => {
  await app.close();
  await issuer.close();
  await rm(dir, { recursive: true, force: true });
});

/** A client-credentials token as identity issues it to a team's CI: sub = client_id, scoped by name. */
const clientToken = (clientId: string, scope: string) =>
  issuer.mint({ username: clientId, sub: clientId, roles: [] }, { extra: { client_id: clientId, scope } });

/** A plain custom element (no framework): one script and an icon, as `npm run new:mfe` scaffolds it. */
async function reportsUpload(
  version = '1.0.0',
  manifest: Partial<BuildManifest> = {},
): Promise<{ manifest: BuildManifest; files: Record<string, string> }> {
  const script = `customElements.define('team-reports', class extends HTMLElement { connectedCallback() { this.textContent = 'Reports ${version}'; } });`;
  const icon = '<svg xmlns="http://www.w3.org/2000/svg"/>';
  return {
    manifest: {
      name: 'reports',
      title: 'Reports',
      route: '/reports',
      element: 'team-reports',
      version,
      entry: 'reports-element.js',
      styles: [],
      files: ['icon.svg', 'reports-element.js'],
      roles: [],
      order: 30,
      icon: 'icon.svg',
      ...manifest,
    },
    files: {
      'reports-element.js': Buffer.from(script).toString('base64'),
      'icon.svg': Buffer.from(icon).toString('base64'),
    },
  };
}

async function call(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${base}/api/registry${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

async function registry(): Promise<Registry> {
  return (await (await fetch(`${base}/registry.json`)).json()) as Registry;
}

async function stateSnapshot(): Promise<string> {
  const state = await readFile(join(dir, 'data', 'host', 'registry-state.json'), 'utf8');
  const folders = await readdir(join(dir, 'data', 'host', 'mfe'), { recursive: true });
  return `${state}\n${folders.sort().join('\n')}`;
}

test('a team token publishes its plain element over HTTP; the registry serves it and the audit names the client', async () => {
  const token = await clientToken('ci-reports', 'atrium mfe:publish:reports');
  const published = await call('POST', '/micro-frontends/reports/versions', token, await reportsUpload());
  assert.equal(published.status, 201);
  assert.match(String(published.body['version']), /^1\.0\.0\+[0-9a-f]{12}$/);
  assert.equal(published.body['previous'], undefined);
  const entry = (await registry()).microFrontends.find((m) => m.name === 'reports');
  assert.equal(entry?.element, 'team-reports');
  assert.equal(entry?.order, 30);
  const script = await fetch(`${base}${entry?.entry ?? ''}`);
  assert.equal(script.status, 200);
  assert.match(await script.text(), /Reports 1\.0\.0/);
  assert.equal((await fetch(`${base}${entry?.icon ?? ''}`)).status, 200);
  const info = await call('GET', '/micro-frontends/reports', token);
  assert.equal(info.status, 200);
  assert.equal(info.body['live'], published.body['version']);
  const audit = info.body['audit'] as { actor: string; action: string; from: null; to: string }[];
  assert.deepEqual(
    audit.map(({ actor, action, from, to }) => [actor, action, from, to]),
    [['client:ci-reports', 'publish', null, published.body['version']]],
  );
});

test('without a token, with a forged one, or with a token for another name, nothing changes', async () => {
  const before = await stateSnapshot();
  const upload = await reportsUpload('6.6.6');
  const missing = await call('POST', '/micro-frontends/reports/versions', undefined, upload);
  assert.equal(missing.status, 401);
  assert.equal(missing.body['code'], 'missing_token');
  assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
  const forged = await issuer.mint(
    { username: 'ci-reports', sub: 'ci-reports', roles: [] },
    { foreignKey: true, extra: { client_id: 'ci-reports', scope: 'mfe:publish:reports' } },
  );
  assert.equal(
    (await call('POST', '/micro-frontends/reports/versions', forged, upload)).body['code'],
    'invalid_token',
  );
  // A team may touch only the names it was granted: reports' CI cannot roll back or retire payments.
  const reportsCi = await clientToken('ci-reports', 'mfe:publish:reports');
  for (const [method, path] of [
    ['POST', '/micro-frontends/payments/rollback'],
    ['DELETE', '/micro-frontends/payments'],
    ['GET', '/micro-frontends/payments'],
  ] as const) {
    const refused = await call(method, path, reportsCi);
    assert.equal(refused.status, 403, `${method} ${path}`);
    assert.equal(refused.body['code'], 'not_permitted');
    assert.match(String(refused.body['detail']), /mfe:publish:payments/);
  }
  // A tenant user's token (the shell's) grants nothing here.
  const member = await issuer.mint({ username: 'userTenantA', tenantId: 'TenantA', roles: ['admin'] });
  assert.equal((await call('DELETE', '/micro-frontends/reports', member)).status, 403);
  assert.equal(await stateSnapshot(), before);
});

test("a build claiming another team's route or tag, or a shell route, is refused over HTTP with the owner named", async () => {
  const before = await stateSnapshot();
  const token = await clientToken('ci-intruder', 'mfe:publish:intruder');
  const cases: [Partial<BuildManifest>, string, RegExp][] = [
    [{ route: '/payments' }, 'route_taken', /"payments"/],
    [{ route: '/admin' }, 'route_reserved', /\/admin belongs to the shell/],
    [
      { element: 'atrium-payments' },
      'element_taken',
      /<atrium-payments> belongs to the micro-frontend "payments"/,
    ],
  ];
  for (const [manifest, code, detail] of cases) {
    const upload = await reportsUpload('1.0.0', {
      name: 'intruder',
      route: '/intruder',
      element: 'team-intruder',
      ...manifest,
    });
    const refused = await call('POST', '/micro-frontends/intruder/versions', token, upload);
    assert.equal(refused.status, 409, code);
    assert.equal(refused.body['code'], code);
    assert.match(String(refused.body['detail']), detail);
  }
  assert.equal(await stateSnapshot(), before);
});

test('bad uploads are 400/413 with a code, and write nothing', async () => {
  const before = await stateSnapshot();
  const token = await clientToken('ci-reports', 'mfe:publish:reports');
  const good = await reportsUpload('7.0.0');
  const cases: [unknown, number, string][] = [
    ['{ not json', 400, 'bad_upload'],
    [{ manifest: { ...good.manifest, name: 'payments' }, files: good.files }, 400, 'name_mismatch'],
    [{ manifest: { ...good.manifest, route: 'reports' }, files: good.files }, 400, 'bad_manifest'],
    [
      { manifest: good.manifest, files: { 'reports-element.js': good.files['reports-element.js'] } },
      400,
      'missing_build_file',
    ],
    [{ manifest: good.manifest, files: { ...good.files, 'extra.js': 'eA==' } }, 400, 'bad_upload'],
    [{ manifest: good.manifest, files: { ...good.files, 'icon.svg': '***' } }, 400, 'bad_upload'],
    [
      { manifest: good.manifest, files: { ...good.files, 'icon.svg': 'A'.repeat(33 * 1024 * 1024) } },
      413,
      'upload_too_large',
    ],
  ];
  for (const [body, status, code] of cases) {
    const refused = await call('POST', '/micro-frontends/reports/versions', token, body);
    assert.equal(refused.status, status, code);
    assert.equal(refused.body['code'], code);
  }
  assert.equal(await stateSnapshot(), before);
});

test('switch, roll back and retire over HTTP; each change is audited from one version to the next', async () => {
  const token = await clientToken('ci-reports', 'mfe:publish:reports');
  const v1 = String((await call('GET', '/micro-frontends/reports', token)).body['live']);
  const two = await call('POST', '/micro-frontends/reports/versions', token, await reportsUpload('2.0.0'));
  const v2 = String(two.body['version']);
  assert.equal(two.body['previous'], v1);
  const back = await call('POST', '/micro-frontends/reports/rollback', token);
  assert.deepEqual(back.body, { name: 'reports', version: v1, previous: v2 });
  // The rolled-back version can be switched to again without uploading it.
  const again = await call('POST', '/micro-frontends/reports/switch', token, { version: v2 });
  assert.deepEqual(again.body, { name: 'reports', version: v2, previous: v1 });
  assert.equal(
    (await call('POST', '/micro-frontends/reports/switch', token, { version: '9.9.9+nope' })).body['code'],
    'unknown_version',
  );
  const operator = await issuer.mint({ username: 'operator', roles: ['operator'] });
  const retired = await call('DELETE', '/micro-frontends/reports', operator);
  assert.deepEqual(retired.body, { name: 'reports', previous: v2 });
  assert.equal(
    (await registry()).microFrontends.find((m) => m.name === 'reports'),
    undefined,
  );
  // Its files stay for pages still open.
  assert.ok((await readdir(join(dir, 'data', 'host', 'mfe', 'reports'))).includes(v2));
  const audit = (await store.audit('reports')).map(({ actor, action, from, to }) => [
    actor,
    action,
    from,
    to,
  ]);
  assert.deepEqual(audit.slice(-4), [
    ['client:ci-reports', 'publish', v1, v2],
    ['client:ci-reports', 'rollback', v2, v1],
    ['client:ci-reports', 'switch', v1, v2],
    ['user:operator', 'retire', v2, null],
  ]);
  assert.equal((await call('DELETE', '/micro-frontends/reports', operator)).status, 404);
});

test('the CLI publishes, rolls back and retires through the API with ATRIUM_HOST_URL and a token', async () => {
  const cli = new URL('./cli.ts', import.meta.url).pathname;
  await writeFakeMfe(join(dir, 'ledger-v1'), { name: 'ledger' });
  await writeFakeMfe(join(dir, 'ledger-v2'), { name: 'ledger', version: '2.0.0' });
  const token = await clientToken('ci-ledger', 'mfe:publish:ledger');
  // No data folder of the host: the CLI must go through HTTP.
  const env = {
    ...process.env,
    ATRIUM_HOST_URL: base,
    ATRIUM_PUBLISH_TOKEN: token,
    ATRIUM_DATA_DIR: join(dir, 'elsewhere'),
  };
  const cliRun = (...args: string[]) => run(process.execPath, [cli, ...args], { env });
  assert.match(
    (await cliRun('publish', 'ledger', join(dir, 'ledger-v1'))).stdout,
    /ledger: \(none\) -> 1\.0\.0\+/,
  );
  assert.match((await cliRun('publish', 'ledger', join(dir, 'ledger-v2'))).stdout, /-> 2\.0\.0\+/);
  assert.match((await cliRun('rollback', 'ledger')).stdout, /2\.0\.0\+\w+ -> 1\.0\.0\+\w+ \(rolled back\)/);
  assert.match((await cliRun('audit', 'ledger')).stdout, /client:ci-ledger\trollback\tledger/);
  assert.match((await cliRun('retire', 'ledger')).stdout, /ledger: 1\.0\.0\+\w+ -> \(retired\)/);
  assert.equal(
    (await registry()).microFrontends.find((m) => m.name === 'ledger'),
    undefined,
  );
  await assert.rejects(cliRun('retire', 'payments'), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 1);
    assert.match(e.stderr, /not_permitted/);
    return true;
  });
  await assert.rejects(
    cliRun('publish', 'payments', join(dir, 'ledger-v1')),
    (e: { code: number }) => e.code === 2,
  );
});
