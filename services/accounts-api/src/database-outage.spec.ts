import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, type PostgresFaults } from '@atrium/test-kit';
import { PREFIX, startAccountsFixture, type AccountsFixture } from './accounts-fixture.ts';

// Against the real server harness: stop PostgreSQL under a running service, then start it again.
describe('database down (PostgreSQL server stopped and restarted)', () => {
  let f: AccountsFixture;
  let outage: PostgresFaults;
  let admin: Record<string, string>;
  let accountId: string;

  before(async () => {
    f = await startAccountsFixture('server');
    outage = (f.server as NonNullable<AccountsFixture['server']>).faults;
    admin = await f.auth('A', 'admin');
    const created = await f.app.inject({
      method: 'POST',
      url: PREFIX,
      headers: admin,
      payload: { nickname: 'Kept', type: 'domestic', account_number: 'DK5000400440116243', currency: 'DKK' },
    });
    assert.equal(created.statusCode, 201);
    accountId = created.json().id;
  });
  after(async () => f.close());

  test('requests answer 503 with Retry-After within 5 s, readyz fails, and the service recovers by itself', async () => {
    assert.equal((await f.app.inject({ url: `${PREFIX}/readyz` })).statusCode, 200);
    await outage.stop();

    const requests = [
      { method: 'GET' as const, url: PREFIX },
      { method: 'GET' as const, url: `${PREFIX}/${accountId}` },
      {
        method: 'POST' as const,
        url: PREFIX,
        payload: { nickname: 'New', type: 'domestic', account_number: '1234-5678', currency: 'DKK' },
      },
      { method: 'PATCH' as const, url: `${PREFIX}/${accountId}`, payload: { nickname: 'x' }, ifMatch: true },
    ];
    for (const { ifMatch, ...request } of requests) {
      const started = performance.now();
      const response = await f.app.inject({
        ...request,
        headers: { ...admin, ...(ifMatch ? { 'if-match': '"1"' } : {}) },
      });
      const elapsed = performance.now() - started;
      assert.equal(response.statusCode, 503, `${request.method} ${request.url}: ${response.body}`);
      assert.equal(response.json().code, 'database_unavailable');
      assert.equal(response.headers['retry-after'], '5');
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.ok(elapsed < 5_000, `answered in ${Math.round(elapsed)} ms`);
    }
    const ready = await f.app.inject({ url: `${PREFIX}/readyz` });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.headers['retry-after'], '5');
    assert.deepEqual(ready.json(), { status: 'unavailable', checks: { database: 'down' } });
    assert.equal((await f.app.inject({ url: `${PREFIX}/healthz` })).statusCode, 200, 'alive, only not ready');
    // Authentication still comes first: a missing token is a 401 even while the database is down.
    assert.equal((await f.app.inject({ url: PREFIX })).statusCode, 401);

    await outage.start();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await f.app.inject({ url: `${PREFIX}/readyz` })).statusCode;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 200, 'ready again without a restart');
    const list = await f.app.inject({ url: PREFIX, headers: admin });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().items.map((a: { nickname: string }) => a.nickname),
      ['Kept'],
      'the data survived and the failed writes changed nothing',
    );
    const patch = await f.app.inject({
      method: 'PATCH',
      url: `${PREFIX}/${accountId}`,
      headers: { ...admin, 'if-match': '"1"' },
      payload: { nickname: 'After' },
    });
    assert.equal(patch.statusCode, 200);
  });

  test('a hung server (SIGSTOP) costs a request at most the deadline: 503 + Retry-After, then it heals', async () => {
    await outage.freeze();
    try {
      for (const request of [
        { method: 'GET' as const, url: PREFIX },
        { method: 'PATCH' as const, url: `${PREFIX}/${accountId}`, payload: { nickname: 'Hung' } },
        { method: 'GET' as const, url: `${PREFIX}/readyz` },
      ]) {
        const started = performance.now();
        const response = await f.app.inject({ ...request, headers: { ...admin, 'if-match': '"2"' } });
        const elapsed = performance.now() - started;
        assert.equal(response.statusCode, 503, `${request.method} ${request.url}: ${response.body}`);
        assert.equal(response.headers['retry-after'], '5');
        assert.ok(elapsed < 5_000, `${request.method} ${request.url} answered in ${Math.round(elapsed)} ms`);
      }
    } finally {
      await outage.thaw();
    }
    const ready = await eventually(
      async () => (await f.app.inject({ url: `${PREFIX}/readyz` })).statusCode === 200,
      30_000,
    );
    assert.ok(ready, 'ready again without a restart');
    const list = await f.app.inject({ url: PREFIX, headers: admin });
    assert.equal(list.statusCode, 200);
  });
});
