import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

const SHELL = 'https://shell.example';

describe('CORS: a listed origin may call the GraphQL route from a browser, no other', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { corsOrigins: [SHELL] });
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  const preflight = (origin: string, url = '/graphql') =>
    api.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, x-amz-user-agent',
      },
    });

  it("answers a listed origin's preflight with the methods and Amplify's headers, cached 10 minutes", async () => {
    const answer = await preflight(SHELL);
    assert.equal(answer.statusCode, 204);
    assert.equal(answer.headers['access-control-allow-origin'], SHELL);
    assert.match(String(answer.headers['access-control-allow-methods']), /POST/);
    for (const header of ['authorization', 'content-type', 'x-api-key', 'x-amz-user-agent'])
      assert.match(String(answer.headers['access-control-allow-headers']), new RegExp(header));
    assert.equal(answer.headers['access-control-max-age'], '600');
    assert.match(String(answer.headers['vary']), /Origin/);
  });

  it('gives an unlisted origin, or another path, no CORS headers', async () => {
    for (const answer of [await preflight('https://elsewhere.example'), await preflight(SHELL, '/healthz')]) {
      assert.notEqual(answer.statusCode, 204);
      assert.equal(answer.headers['access-control-allow-origin'], undefined);
      assert.equal(answer.headers['access-control-allow-methods'], undefined);
    }
  });

  it("lets a listed origin's page read the answer, its request id and Retry-After", async () => {
    const answer = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: {
        origin: SHELL,
        authorization: `Bearer ${await issuer.mint(demoCaller('A', 'viewer'))}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify({ query: '{ listPayments(limit: 1) { nextToken } }' }),
    });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['access-control-allow-origin'], SHELL);
    assert.match(String(answer.headers['access-control-expose-headers']), /x-request-id/);
    assert.match(String(answer.headers['access-control-expose-headers']), /retry-after/);
    assert.ok(answer.headers['x-request-id']);
  });
});
