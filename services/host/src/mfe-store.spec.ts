import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@atrium/test-kit';
import { HostError } from './errors.ts';
import { MfeStore } from './mfe-store.ts';
import { writeFakeMfe } from './fake-builds.ts';

const run = promisify(execFile);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await makeTempDir('host-store');
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('publish copies the build into an immutable version folder with precompressed siblings', () =>
  withDir(async (dir) => {
    await writeFakeMfe(join(dir, 'build'));
    const store = new MfeStore(join(dir, 'data'));
    const result = await store.publish(join(dir, 'build'));
    assert.match(result.version, /^1\.0\.0\+[0-9a-f]{12}$/);
    // Build metadata in the manifest's version is replaced by the store's content hash.
    await writeFakeMfe(join(dir, 'meta'), { version: '1.0.0+abc123' });
    assert.equal((await store.publish(join(dir, 'meta'))).version, result.version);
    assert.equal(result.previous, undefined);
    const folder = join(dir, 'data', 'host', 'mfe', 'payments', result.version);
    const files = (await readdir(folder, { recursive: true })).sort();
    assert.ok(files.includes('main-ABCD1234.js'));
    assert.ok(files.includes('main-ABCD1234.js.br'));
    assert.ok(files.includes('main-ABCD1234.js.gz'));
    assert.ok(files.includes('media/logo.svg'));
    assert.ok(!files.includes('atrium-manifest.json'), 'only the files the manifest lists are published');
    assert.deepEqual(
      (await store.current()).map((v) => [v.name, v.version]),
      [['payments', result.version]],
    );
  }));

test('publishing the same build twice keeps one version; a changed build is a new version', () =>
  withDir(async (dir) => {
    await writeFakeMfe(join(dir, 'build'));
    const store = new MfeStore(join(dir, 'data'));
    const first = await store.publish(join(dir, 'build'));
    const again = await store.publish(join(dir, 'build'));
    assert.equal(again.version, first.version);
    assert.equal((await store.history('payments')).length, 1);
    // Same declared version, different bytes: never the same id, never overwritten.
    await writeFakeMfe(join(dir, 'build'), { body: 'export const changed = true;' });
    const changed = await store.publish(join(dir, 'build'));
    assert.notEqual(changed.version, first.version);
    assert.equal(changed.previous, first.version);
    const original = await readFile(
      join(dir, 'data', 'host', 'mfe', 'payments', first.version, 'main-ABCD1234.js'),
      'utf8',
    );
    assert.doesNotMatch(original, /changed/);
  }));

test('republishing a build restores a file lost from its version folder', () =>
  withDir(async (dir) => {
    await writeFakeMfe(join(dir, 'build'));
    const store = new MfeStore(join(dir, 'data'));
    const { version } = await store.publish(join(dir, 'build'));
    const entry = join(dir, 'data', 'host', 'mfe', 'payments', version, 'main-ABCD1234.js');
    await rm(entry);
    await store.publish(join(dir, 'build'));
    assert.equal(
      await readFile(entry, 'utf8'),
      await readFile(join(dir, 'build', 'main-ABCD1234.js'), 'utf8'),
    );
  }));

test('rollback switches to the previous version and refuses when there is none', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'v1'));
    await writeFakeMfe(join(dir, 'v2'), { version: '2.0.0' });
    const v1 = await store.publish(join(dir, 'v1'));
    const v2 = await store.publish(join(dir, 'v2'));
    assert.equal((await store.registry()).microFrontends[0]?.version, v2.version);
    const back = await store.rollback('payments');
    assert.deepEqual(back, { name: 'payments', version: v1.version, previous: v2.version });
    assert.equal((await store.registry()).microFrontends[0]?.version, v1.version);
    // The rolled-back version's files stay: a user mid-session can still load its chunks.
    assert.ok(await stat(join(dir, 'data', 'host', 'mfe', 'payments', v2.version, 'main-ABCD1234.js')));
    await assert.rejects(
      store.rollback('payments'),
      (e: unknown) => e instanceof HostError && e.code === 'nothing_to_roll_back',
    );
    await assert.rejects(
      store.rollback('nope'),
      (e: unknown) => e instanceof HostError && e.code === 'unknown_micro_frontend',
    );
  }));

test('a bad manifest is refused with every problem named, and nothing changes', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'bad'), {
      manifest: { name: 'Bad Name', entry: '../escape.js', element: 'nohyphen', files: ['../escape.js'] },
    });
    await assert.rejects(store.publish(join(dir, 'bad')), (e: unknown) => {
      assert.ok(e instanceof HostError);
      assert.equal(e.code, 'bad_manifest');
      for (const field of ['name:', 'element:', 'files:', 'entry:'])
        assert.match(e.message, new RegExp(field));
      return true;
    });
    await writeFakeMfe(join(dir, 'missing'), {
      manifest: { files: ['main-ABCD1234.js', 'gone.js'], styles: [] },
    });
    await assert.rejects(
      store.publish(join(dir, 'missing')),
      (e: unknown) => e instanceof HostError && e.code === 'missing_build_file',
    );
    await assert.rejects(
      store.publish(join(dir, 'nowhere')),
      (e: unknown) => e instanceof HostError && e.code === 'bad_manifest',
    );
    assert.deepEqual(await store.current(), []);
  }));

test('concurrent publishes of two micro-frontends both land, and the state file stays valid JSON', () =>
  withDir(async (dir) => {
    const names = ['payments', 'accounts', 'reports', 'ledger'];
    for (const name of names) await writeFakeMfe(join(dir, name), { name });
    // Separate store objects stand for separate processes sharing the folder.
    await Promise.all(names.map((name) => new MfeStore(join(dir, 'data')).publish(join(dir, name))));
    const state = JSON.parse(await readFile(join(dir, 'data', 'host', 'registry-state.json'), 'utf8')) as {
      microFrontends: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(state.microFrontends).sort(), [...names].sort());
    // The lock file itself stays (the kernel's lock on it is what counts); no holder is left.
    const leftovers = (await readdir(join(dir, 'data', 'host'))).filter(
      (f) => f.endsWith('.tmp') || f.endsWith('.lock.owner'),
    );
    assert.deepEqual(leftovers, []);
  }));

test('a second store object sees a publish made elsewhere (the CLI beside a running host)', () =>
  withDir(async (dir) => {
    const running = new MfeStore(join(dir, 'data'));
    assert.deepEqual(await running.current(), []);
    await writeFakeMfe(join(dir, 'v1'));
    await new MfeStore(join(dir, 'data')).publish(join(dir, 'v1'));
    assert.equal((await running.current()).length, 1);
  }));

test('ensurePublished publishes only micro-frontends without an entry and skips missing builds', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'payments'));
    await writeFakeMfe(join(dir, 'accounts'), { name: 'accounts' });
    const first = await store.ensurePublished([
      join(dir, 'payments'),
      join(dir, 'accounts'),
      join(dir, 'absent'),
    ]);
    assert.deepEqual(first.published.map((p) => p.name).sort(), ['accounts', 'payments']);
    assert.deepEqual(first.skipped, [join(dir, 'absent')]);
    await writeFakeMfe(join(dir, 'payments'), { version: '9.0.0' });
    const second = await store.ensurePublished([join(dir, 'payments')]);
    assert.deepEqual(second.published, []);
    assert.match((await store.current()).find((v) => v.name === 'payments')?.version ?? '', /^1\.0\.0\+/);
  }));

test('a corrupt state file is reported, not silently replaced', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'v1'));
    await store.publish(join(dir, 'v1'));
    await writeFile(join(dir, 'data', 'host', 'registry-state.json'), '{ not json');
    await assert.rejects(
      store.current(),
      (e: unknown) => e instanceof HostError && e.code === 'registry_state_corrupt',
    );
  }));

test('the CLI publishes and rolls back without building anything', () =>
  withDir(async (dir) => {
    const cli = new URL('./cli.ts', import.meta.url).pathname;
    const env = { ...process.env, ATRIUM_DATA_DIR: join(dir, 'data') };
    await writeFakeMfe(join(dir, 'v1'));
    await writeFakeMfe(join(dir, 'v2'), { version: '2.0.0' });
    const one = await run(process.execPath, [cli, 'publish', 'payments', join(dir, 'v1')], { env });
    assert.match(one.stdout, /payments: \(none\) -> 1\.0\.0\+/);
    const two = await run(process.execPath, [cli, 'publish', 'payments', join(dir, 'v2')], { env });
    assert.match(two.stdout, /-> 2\.0\.0\+/);
    const back = await run(process.execPath, [cli, 'rollback', 'payments'], { env });
    assert.match(back.stdout, /2\.0\.0\+\w+ -> 1\.0\.0\+\w+ \(rolled back\)/);
    const store = new MfeStore(join(dir, 'data'));
    assert.match((await store.current())[0]?.version ?? '', /^1\.0\.0\+/);
    await assert.rejects(
      run(process.execPath, [cli, 'rollback', 'payments'], { env }),
      (e: { code: number; stderr: string }) => {
        assert.equal(e.code, 1);
        assert.match(e.stderr, /nothing_to_roll_back/);
        return true;
      },
    );
    await assert.rejects(
      run(process.execPath, [cli, 'publish', 'accounts', join(dir, 'v1')], { env }),
      (e: { code: number }) => e.code === 2,
    );
  }));

test('a publish over a shell route, another micro-frontend route or its element tag is refused and changes nothing', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'payments'));
    const payments = await store.publish(join(dir, 'payments'));
    const refusals: [string, Parameters<typeof writeFakeMfe>[1], string, RegExp][] = [
      [
        'admin',
        { name: 'reports', manifest: { route: '/admin' } },
        'route_reserved',
        /\/admin belongs to the shell/,
      ],
      ['callback', { name: 'reports', manifest: { route: '/callback' } }, 'route_reserved', /\/callback/],
      ['route', { name: 'reports', manifest: { route: '/payments' } }, 'route_taken', /"payments"/],
      [
        'tag',
        { name: 'reports', manifest: { element: 'atrium-payments' } },
        'element_taken',
        /<atrium-payments>/,
      ],
    ];
    for (const [label, build, code, message] of refusals) {
      await writeFakeMfe(join(dir, label), build);
      await assert.rejects(store.publish(join(dir, label)), (e: unknown) => {
        assert.ok(e instanceof HostError, label);
        assert.equal(e.code, code, label);
        assert.equal(e.status, 409, label);
        assert.match(e.message, message, label);
        return true;
      });
    }
    assert.deepEqual(
      (await store.current()).map((v) => [v.name, v.version, v.route]),
      [['payments', payments.version, '/payments']],
    );
    assert.deepEqual(await readdir(join(dir, 'data', 'host', 'mfe')), ['payments']);
    // The owner itself may publish again under its own route and tag.
    await writeFakeMfe(join(dir, 'payments-2'), { version: '2.0.0' });
    assert.match((await store.publish(join(dir, 'payments-2'))).version, /^2\.0\.0\+/);
  }));

test('a tag stays taken while its owner keeps it in any version; retiring the owner frees route and tag', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'v1'));
    await writeFakeMfe(join(dir, 'v2'), { version: '2.0.0', manifest: { element: 'atrium-payments-two' } });
    await store.publish(join(dir, 'v1'));
    await store.publish(join(dir, 'v2'));
    await writeFakeMfe(join(dir, 'other'), { name: 'other', manifest: { element: 'atrium-payments' } });
    await assert.rejects(
      store.publish(join(dir, 'other')),
      (e: unknown) => e instanceof HostError && e.code === 'element_taken',
    );
    await store.retire('payments');
    await writeFakeMfe(join(dir, 'other'), {
      name: 'other',
      manifest: { element: 'atrium-payments', route: '/payments' },
    });
    assert.equal((await store.publish(join(dir, 'other'))).name, 'other');
  }));

test('retire takes the entry out of the registry, keeps its files, and a first version can be retired', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'payments'));
    await writeFakeMfe(join(dir, 'accounts'), { name: 'accounts' });
    const { version } = await store.publish(join(dir, 'payments'));
    await store.publish(join(dir, 'accounts'));
    await assert.rejects(
      store.rollback('payments'),
      (e: unknown) => e instanceof HostError && e.code === 'nothing_to_roll_back' && /retire/.test(e.message),
    );
    assert.deepEqual(await store.retire('payments', { actor: 'ops' }), {
      name: 'payments',
      previous: version,
    });
    assert.deepEqual(
      (await store.registry()).microFrontends.map((m) => m.name),
      ['accounts'],
    );
    assert.ok(await stat(join(dir, 'data', 'host', 'mfe', 'payments', version, 'main-ABCD1234.js')));
    await assert.rejects(
      store.retire('payments'),
      (e: unknown) => e instanceof HostError && e.code === 'unknown_micro_frontend',
    );
  }));

test('every change is audited with who, what, when and from which version to which', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'v1'));
    await writeFakeMfe(join(dir, 'v2'), { version: '2.0.0' });
    const v1 = await store.publish(join(dir, 'v1'), { actor: 'team-payments-ci' });
    const v2 = await store.publish(join(dir, 'v2'), { actor: 'team-payments-ci' });
    // Publishing the live version again changes nothing and is not audited.
    await store.publish(join(dir, 'v2'), { actor: 'team-payments-ci' });
    await store.rollback('payments', { actor: 'alice' });
    await store.retire('payments', { actor: 'bob' });
    const audit = JSON.parse(
      `[${(await readFile(join(dir, 'data', 'host', 'audit.jsonl'), 'utf8')).trim().split('\n').join(',')}]`,
    ) as { at: string; actor: string; action: string; from: string | null; to: string | null }[];
    assert.deepEqual(
      audit.map(({ actor, action, from, to }) => [actor, action, from, to]),
      [
        ['team-payments-ci', 'publish', null, v1.version],
        ['team-payments-ci', 'publish', v1.version, v2.version],
        ['alice', 'rollback', v2.version, v1.version],
        ['bob', 'retire', v1.version, null],
      ],
    );
    for (const record of audit) assert.ok(Date.now() - Date.parse(record.at) < 3_600_000);
  }));

test('navigation order, group, icon, titles in other languages and API origins of the manifest reach the registry entry', () =>
  withDir(async (dir) => {
    const store = new MfeStore(join(dir, 'data'));
    await writeFakeMfe(join(dir, 'reports'), {
      name: 'reports',
      manifest: {
        order: 30,
        group: 'Finance',
        titles: { da: 'Rapporter' },
        icon: 'media/logo.svg',
        api: { reports: 'https://reports.example/api' },
      },
    });
    const { version } = await store.publish(join(dir, 'reports'));
    const [entry] = (await store.registry({ reports: 'https://cdn.example' })).microFrontends;
    assert.equal(entry?.order, 30);
    assert.equal(entry?.group, 'Finance');
    assert.deepEqual(entry?.titles, { da: 'Rapporter' });
    assert.equal(
      entry?.icon,
      `https://cdn.example/mfe/reports/${encodeURIComponent(version)}/media/logo.svg`,
    );
    assert.deepEqual(entry?.api, { reports: 'https://reports.example/api' });
    await writeFakeMfe(join(dir, 'bad'), {
      name: 'bad',
      manifest: {
        order: 1.5,
        icon: 'nope.svg',
        api: { reports: 'javascript:alert(1)' },
        titles: { 'da-DK': '' },
      },
    });
    await assert.rejects(store.publish(join(dir, 'bad')), (e: unknown) => {
      assert.ok(e instanceof HostError && e.code === 'bad_manifest');
      for (const field of ['order:', 'icon:', 'api:', 'titles:']) assert.match(e.message, new RegExp(field));
      return true;
    });
  }));

test('npm run publish:mfe -w @atrium/host from the repository root takes the build folder from there; retire:mfe retires', () =>
  withDir(async (dir) => {
    const repo = new URL('../../../', import.meta.url).pathname;
    // The build must sit below the repository for a root-relative path (.atrium is ignored by git).
    const relativeBuild = `.atrium/cli-spec-${process.pid}-${Date.now()}/apps/payments/dist/browser`;
    await writeFakeMfe(join(repo, relativeBuild));
    const env = { ...process.env, ATRIUM_DATA_DIR: join(dir, 'data') };
    try {
      const npm = (...args: string[]) => run('npm', ['run', '--silent', ...args], { env, cwd: repo });
      const published = await npm('publish:mfe', '-w', '@atrium/host', '--', 'payments', relativeBuild);
      assert.match(published.stdout, /payments: \(none\) -> 1\.0\.0\+/);
      const retired = await npm('retire:mfe', '-w', '@atrium/host', '--', 'payments');
      assert.match(retired.stdout, /payments: 1\.0\.0\+\w+ -> \(retired\)/);
      assert.deepEqual(await new MfeStore(join(dir, 'data')).current(), []);
      const audit = await run(process.execPath, [new URL('./cli.ts', import.meta.url).pathname, 'audit'], {
        env,
      });
      assert.match(audit.stdout, /local:\S+\tpublish\tpayments\t- -> 1\.0\.0/);
      assert.match(audit.stdout, /local:\S+\tretire\tpayments\t1\.0\.0\+\w+ -> -/);
    } finally {
      await rm(join(repo, relativeBuild.split('/apps/')[0] ?? ''), { recursive: true, force: true });
    }
  }));
