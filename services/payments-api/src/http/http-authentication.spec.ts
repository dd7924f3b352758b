import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// An HTTP request is authenticated and limited whatever its headers say: only the server's own
// upgrade path (a real WebSocket handshake) hands authentication to graphql-ws' connection_init.

interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

/** A POST over a real TCP connection, with exactly the headers given (no client of ours adds any). */
function post(url: string, headers: Record<string, string>, body: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/graphql`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    // A refused handshake may end the connection without an HTTP answer: that is an answer too.
    req.on('error', (error) => resolve({ status: 0, body: String(error) }));
    req.on('upgrade', () => reject(new Error('a POST was upgraded')));
    req.end(body);
  });
}

const INTROSPECT = JSON.stringify({ query: '{ __schema { mutationType { fields { name } } } }' });

describe('an Upgrade header on an HTTP request does not skip authentication', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let viewer: string;
  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { listen: true, rateLimit: { perSecond: 0.001, burst: 2 } });
    viewer = await issuer.mint(demoCaller('A', 'viewer'));
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  it('answers 401 to a POST with `Upgrade: websocket` and no token, as without the header', async () => {
    const plain = await post(api.url, {}, INTROSPECT);
    const upgrade = await post(api.url, { upgrade: 'websocket' }, INTROSPECT);
    assert.equal(plain.status, 401);
    assert.equal(upgrade.status, 401, upgrade.body);
    assert.equal(
      (JSON.parse(upgrade.body) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
      'UNAUTHENTICATED',
    );
    assert.ok(!upgrade.body.includes('createPayment'), 'no schema is revealed');
  });

  it('never runs a query that comes as a POST through the upgrade path (Connection: Upgrade)', async () => {
    const answer = await post(
      api.url,
      {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
      },
      INTROSPECT,
    );
    assert.notEqual(answer.status, 200, answer.body);
    assert.ok(!answer.body.includes('createPayment'), 'no schema is revealed');
  });

  it('with a token, holds such a request to the batch limit and the rate limit like any other', async () => {
    const batch = JSON.stringify(Array.from({ length: 11 }, () => ({ query: '{ __typename }' })));
    const tooMany = await post(api.url, { upgrade: 'websocket', authorization: `Bearer ${viewer}` }, batch);
    assert.equal(tooMany.status, 400, tooMany.body);
    assert.match(tooMany.body, /BATCH_TOO_LARGE/);
    // The batch above took one of the tenant's two tokens and the bucket refills once in 1000 s:
    // the next request is served, the one after it refused.
    const statuses: number[] = [];
    for (let i = 0; i < 2; i += 1)
      statuses.push(
        (
          await post(
            api.url,
            { upgrade: 'websocket', authorization: `Bearer ${viewer}` },
            JSON.stringify({ query: '{ __typename }' }),
          )
        ).status,
      );
    assert.deepEqual(statuses, [200, 429]);
  });
});
