import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoCaller, eventually, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { AuthError } from './auth-error.ts';
import { RevocationList, withRevocations, type Revocation } from './revocation-list.ts';
import { createVerifier } from './token-verifier.ts';

/** A stand-in for the issuer's `GET /revocations`: answers what the test sets, or 503 while "down". */
interface FakeIssuerList {
  readonly url: string;
  items: Array<{ sub: string; revokedAt: string }>;
  down: boolean;
  polls: number;
  close(): Promise<void>;
}

async function startFakeList(): Promise<FakeIssuerList> {
  const state = { items: [] as Array<{ sub: string; revokedAt: string }>, down: false, polls: 0 };
  const server = createServer((_request, response) => {
    state.polls += 1;
    response.setHeader('content-type', 'application/json');
    response.setHeader('cache-control', 'no-store');
    if (state.down) response.writeHead(503).end('{"code":"database_unavailable"}');
    else response.end(JSON.stringify({ items: state.items }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/auth/revocations`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Waits (generously: the machine is shared) until `condition` holds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  assert.ok(await eventually(async () => condition(), 30_000), `timed out waiting: ${what}`);
}

function recordingLog() {
  const lines: Array<{ level: 'warn' | 'info'; message: string }> = [];
  return {
    lines,
    warn: (_details: object, message: string) => lines.push({ level: 'warn', message }),
    info: (_details: object, message: string) => lines.push({ level: 'info', message }),
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the revocation list', () => {
  let issuerList: FakeIssuerList;
  before(async () => {
    issuerList = await startFakeList();
  });
  after(() => issuerList.close());

  test('learns of revocations by polling, refuses tokens issued up to them, and tells its listeners', async () => {
    const revokedAt = new Date();
    issuerList.items = [];
    const list = new RevocationList({ url: issuerList.url, intervalMs: 50 });
    const heard: Revocation[] = [];
    list.onRevoked((revocation) => heard.push(revocation));
    try {
      await list.start();
      assert.equal(list.synchronised, true);
      assert.equal(list.isRevoked('user-1', nowSeconds()), false);

      issuerList.items = [{ sub: 'user-1', revokedAt: revokedAt.toISOString() }];
      await until(() => list.isRevoked('user-1', nowSeconds() - 60), 'the revocation is learnt');
      // The revocation's own second counts as before it: iat cannot say which came first.
      assert.equal(list.isRevoked('user-1', Math.floor(revokedAt.getTime() / 1000)), true);
      assert.equal(list.isRevoked('user-1', Math.floor(revokedAt.getTime() / 1000) + 1), false);
      assert.equal(list.isRevoked('user-2', 0), false, 'only the revoked account');
      assert.deepEqual(heard, [{ sub: 'user-1', revokedAtMs: revokedAt.getTime() }]);

      // Heard once, however many polls repeat it.
      const polls = issuerList.polls;
      await until(() => issuerList.polls >= polls + 3, 'three more polls');
      assert.equal(heard.length, 1);
    } finally {
      list.close();
    }
  });

  test('keeps its last state through an outage, warns once, and catches up when the issuer is back', async () => {
    const log = recordingLog();
    issuerList.down = false;
    issuerList.items = [{ sub: 'user-a', revokedAt: new Date().toISOString() }];
    const list = new RevocationList({ url: issuerList.url, intervalMs: 50, log });
    try {
      await list.start();
      assert.equal(list.isRevoked('user-a', nowSeconds() - 60), true);

      issuerList.down = true;
      const polls = issuerList.polls;
      await until(() => issuerList.polls >= polls + 3, 'it keeps polling');
      assert.equal(list.isRevoked('user-a', nowSeconds() - 60), true, 'the last state is kept');
      assert.deepEqual(
        log.lines.map((line) => line.level),
        ['warn'],
        'one warning for the whole outage',
      );

      issuerList.items = [
        { sub: 'user-a', revokedAt: new Date(Date.now() - 1000).toISOString() },
        { sub: 'user-b', revokedAt: new Date().toISOString() },
      ];
      issuerList.down = false;
      await until(() => list.isRevoked('user-b', nowSeconds() - 60), 'caught up');
      assert.deepEqual(
        log.lines.map((line) => line.level),
        ['warn', 'info'],
      );
    } finally {
      list.close();
    }
  });

  test('an unreachable issuer at start does not hold the start for long, and refuses nothing', async () => {
    const log = recordingLog();
    // A port nobody listens on: connection refused at once.
    const closed = await startFakeList();
    const url = closed.url;
    await closed.close();
    const list = new RevocationList({ url, intervalMs: 50, timeoutMs: 1_000, log });
    try {
      await list.start();
      assert.equal(list.synchronised, false);
      assert.equal(list.isRevoked('anyone', 0), false);
      assert.equal(log.lines[0]?.level, 'warn');
    } finally {
      list.close();
    }
  });

  test('an answer that is not a list of { sub, revokedAt } changes nothing', async () => {
    const revokedAt = new Date().toISOString();
    issuerList.down = false;
    issuerList.items = [{ sub: 'user-x', revokedAt }];
    const list = new RevocationList({ url: issuerList.url, intervalMs: 50, log: recordingLog() });
    try {
      await list.start();
      issuerList.items = [{ sub: 'user-x', revokedAt: 'yesterday' }];
      const polls = issuerList.polls;
      await until(() => issuerList.polls >= polls + 2, 'two more polls');
      assert.equal(list.isRevoked('user-x', nowSeconds() - 60), true);
    } finally {
      list.close();
    }
  });

  test('a configured interval below 10 ms is refused', () => {
    assert.throws(() => new RevocationList({ url: 'http://127.0.0.1:1/', intervalMs: 0 }));
  });
});

describe('a verifier with revocations', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(() => issuer.close());

  test("refuses a revoked account's earlier token with token_revoked, and accepts the others", async () => {
    const revoked = new Set(['sub-userTenantA']);
    const verifier = withRevocations(createVerifier(issuer.verifierConfig()), {
      isRevoked: (sub) => revoked.has(sub),
    });
    const token = await issuer.mint(demoCaller('A', 'member'));
    await assert.rejects(verifier.verify(token), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, 'token_revoked');
      assert.equal(error.status, 401);
      return true;
    });
    const other = await issuer.mint(demoCaller('A', 'approver'));
    const verified = await verifier.verifyToken(other);
    assert.equal(verified.caller.userId, 'sub-approverTenantA');
    assert.ok(verified.expiresAt > verified.issuedAt, 'iat and exp come with the caller');
  });
});
