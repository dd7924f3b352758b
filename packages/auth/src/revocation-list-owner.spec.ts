import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { eventually } from '@atrium/test-kit';
import { RevocationList } from './revocation-list.ts';
import { revocationListFor } from './revocation-list-owner.ts';

/** The issuer's `GET /revocations`, counting its polls. */
async function issuerList(items: Array<{ sub: string; revokedAt: string }>) {
  const state = { polls: 0 };
  const server = createServer((_request, response) => {
    state.polls += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ items }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/revocations`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

describe('the revocation list a service checks', () => {
  test('from options: polled from when the app listens, with what the issuer revoked', async () => {
    const revokedAt = new Date().toISOString();
    const list = await issuerList([{ sub: 'sub-revoked', revokedAt }]);
    const app = Fastify({ logger: false });
    try {
      const owned = revocationListFor(app, { url: list.url, intervalMs: 50 });
      assert.ok(owned instanceof RevocationList);
      await app.ready();
      assert.equal(list.polls, 0, 'not polled before the app listens');
      await app.listen({ host: '127.0.0.1', port: 0 });
      assert.ok(await eventually(async () => list.polls > 0, 30_000), 'polled once listening');
      await owned.start();
      const issuedBefore = Math.floor(Date.parse(revokedAt) / 1000) - 60;
      assert.equal(owned.isRevoked('sub-revoked', issuedBefore), true, 'the revocation is known');
      assert.equal(owned.isRevoked('sub-other', issuedBefore), false);
    } finally {
      await app.close();
      await list.close();
    }
  });

  test('a shared list is used as given, and the app neither starts nor closes it', async () => {
    const list = await issuerList([]);
    const shared = new RevocationList({ url: list.url, intervalMs: 50 });
    const app = Fastify({ logger: false });
    try {
      assert.equal(revocationListFor(app, shared), shared);
      await app.listen({ host: '127.0.0.1', port: 0 });
      await app.close();
      assert.equal(list.polls, 0, 'the app did not start the shared list');
      assert.equal(revocationListFor(app, undefined), undefined);
    } finally {
      shared.close();
      await list.close();
    }
  });
});
