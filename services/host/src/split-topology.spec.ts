import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { makeTempDir } from '@atrium/test-kit';
import hostPlugin from './app.ts';
import { loadConfig } from './config.ts';
import { nginxConfig, splitProcesses, splitTopology } from './split-topology.ts';

const run = promisify(execFile);
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

test('every process gets a distinct origin and port', () => {
  const processes = splitProcesses(splitTopology(), '/data');
  const origins = processes.map((p) => p.origin.origin);
  assert.equal(new Set(origins).size, processes.length);
  assert.deepEqual(
    processes.map((p) => [p.name, p.origin.origin]),
    [
      ['identity', 'http://localhost:8101'],
      ['payments-api', 'http://localhost:8102'],
      ['accounts-api', 'http://localhost:8103'],
      ['shell', 'http://localhost:8100'],
      ['mfe-accounts', 'http://localhost:8104'],
      ['mfe-payments', 'http://localhost:8105'],
    ],
  );
});

test('CORS, issuer and CSP come from the one topology', async () => {
  const topology = splitTopology({ basePort: 9100 });
  const processes = splitProcesses(topology, '/data');
  const byName = Object.fromEntries(processes.map((p) => [p.name, p.env]));
  for (const api of ['payments-api', 'accounts-api']) {
    assert.equal(byName[api]?.['CORS_ORIGINS'], 'http://localhost:9100', api);
    assert.equal(byName[api]?.['OIDC_ISSUER'], 'http://localhost:9101/auth', api);
    assert.equal(byName[api]?.['OIDC_AUDIENCE'], 'atrium-api', api);
  }
  // Payments asks the accounts API about from-accounts server to server: straight over loopback.
  assert.equal(byName['payments-api']?.['ACCOUNTS_API_URL'], 'http://127.0.0.1:9103/api/accounts');
  assert.equal(
    splitProcesses(splitTopology({ basePort: 9100, listenOffset: 1000 }), '/data', true).find(
      (p) => p.name === 'payments-api',
    )?.env['ACCOUNTS_API_URL'],
    'http://127.0.0.1:10103/api/accounts',
  );
  assert.equal(byName['identity']?.['SHELL_ORIGIN'], 'http://localhost:9100');
  assert.equal(byName['identity']?.['IDENTITY_ISSUER'], 'http://localhost:9101/auth');

  // The shell host's own configuration, loaded as its process would, yields the CSP.
  const config = loadConfig(byName['shell'] ?? {});
  assert.deepEqual(config.mfeOrigins, {
    accounts: 'http://localhost:9104',
    payments: 'http://localhost:9105',
  });
  assert.equal(config.servedMfes, 'unassigned');
  const app = Fastify();
  const dir = await makeTempDir('host-split');
  try {
    await mkdir(join(dir, 'shell'));
    await writeFile(join(dir, 'shell', 'index.html'), '<!doctype html><title>x</title>');
    await app.register(hostPlugin, {
      dataDir: dir,
      shellDir: join(dir, 'shell'),
      runtimeConfig: config.runtime,
      mfeOrigins: config.mfeOrigins,
      servedMfes: config.servedMfes,
    });
    const csp = String((await app.inject({ url: '/' })).headers['content-security-policy']);
    assert.match(csp, /script-src 'self' http:\/\/localhost:9104 http:\/\/localhost:9105;/);
    assert.match(
      csp,
      /connect-src [^;]*http:\/\/localhost:9102 ws:\/\/localhost:9102 http:\/\/localhost:9103 http:\/\/localhost:9101/,
    );
    const runtime = JSON.parse((await app.inject({ url: '/config.json' })).body) as {
      api: { accounts: string };
    };
    assert.equal(runtime.api.accounts, 'http://localhost:9103/api/accounts');
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('behind nginx the processes listen on internal ports while the public origins stay', () => {
  const topology = splitTopology({ listenOffset: 1000 });
  assert.equal(topology.shell.origin, 'http://localhost:8100');
  assert.equal(topology.shell.listenPort, 9100);
  const config = nginxConfig(splitProcesses(topology, '/data', true), { prefix: '/tmp/x' });
  assert.match(config, /listen 8100;[\s\S]*proxy_pass http:\/\/127\.0\.0\.1:9100;/);
  assert.match(config, /proxy_set_header Upgrade \$http_upgrade;/);
});

test('the checked-in nginx configuration is the generated one', async () => {
  const checkedIn = await readFile(new URL('../deploy/nginx.conf', import.meta.url), 'utf8');
  const topology = splitTopology({ listenOffset: 1000 });
  assert.equal(
    checkedIn,
    nginxConfig(splitProcesses(topology, '/srv/atrium', true), { prefix: '/var/lib/atrium-nginx' }),
  );
});

test('nginx -t accepts the configuration, plain and with TLS', async () => {
  assert.ok(NGINX, 'nginx is not installed: apt-get install -y nginx');
  const dir = await makeTempDir('host-nginx');
  try {
    const topology = splitTopology({ listenOffset: 1000 });
    const plain = join(dir, 'plain.conf');
    await writeFile(plain, nginxConfig(splitProcesses(topology, dir, true), { prefix: dir }));
    const result = await run(NGINX ?? 'nginx', ['-t', '-c', plain, '-p', dir]);
    assert.match(result.stderr, /syntax is ok/);
    assert.match(result.stderr, /test is successful/);

    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    const https = splitTopology({ listenOffset: 1000, scheme: 'https' });
    const tls = join(dir, 'tls.conf');
    await writeFile(
      tls,
      nginxConfig(splitProcesses(https, dir, true), {
        prefix: dir,
        tls: { certificate: join(dir, 'cert.pem'), key: join(dir, 'key.pem') },
      }),
    );
    const tlsResult = await run(NGINX ?? 'nginx', ['-t', '-c', tls, '-p', dir]);
    assert.match(tlsResult.stderr, /test is successful/);

    // A broken configuration is refused: the check can fail.
    await writeFile(join(dir, 'broken.conf'), `${await readFile(plain, 'utf8')}\nhttp {`);
    await assert.rejects(run(NGINX ?? 'nginx', ['-t', '-c', join(dir, 'broken.conf'), '-p', dir]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
