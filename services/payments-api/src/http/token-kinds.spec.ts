import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { loadConfig } from '../config.ts';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// Amplify apps often send the ID token (the articles' main.ts did): OIDC_TOKEN_USE=access,id takes
// both, each only with its own audience: the client id for an ID token, the API's for an access token.

const CLIENT_ID = 'atrium-shell';
const LIST = '{ listPayments { items { id } } }';

/** The payments API with the verifier its configuration makes of `env`, trusting `issuer`. */
function startWith(issuer: TestIssuer, env: NodeJS.ProcessEnv): Promise<PaymentsFixture> {
  const { verifier } = loadConfig({ OIDC_ISSUER: issuer.issuer, OIDC_JWKS_URI: issuer.jwksUri, ...env });
  return startPayments(issuer, { verifier: { ...verifier, jwksCooldownMs: 0 } });
}

async function assertServed(api: PaymentsFixture, token: string, what: string): Promise<void> {
  const answer = await api.gql(token, LIST);
  assert.equal(answer.body.errors, undefined, `${what}: ${JSON.stringify(answer.body.errors)}`);
  assert.deepEqual(answer.body.data, { listPayments: { items: [] } }, what);
}

async function assertRefused(api: PaymentsFixture, token: string, what: string): Promise<void> {
  const answer = await api.gql(token, LIST);
  assert.equal(answer.status, 401, `${what}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.data ?? null, null, what);
  assert.equal(answer.body.errors?.[0]?.errorType, 'UnauthorizedException', what);
}

describe('payments API with OIDC_TOKEN_USE=access,id', () => {
  let issuer: TestIssuer;
  let both: PaymentsFixture;
  let accessOnly: PaymentsFixture;
  let idToken: string;
  let accessToken: string;
  before(async () => {
    issuer = await startTestIssuer();
    both = await startWith(issuer, { OIDC_TOKEN_USE: 'access,id', OIDC_CLIENT_ID: CLIENT_ID });
    accessOnly = await startWith(issuer, { OIDC_CLIENT_ID: CLIENT_ID });
    idToken = await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id', audience: CLIENT_ID });
    accessToken = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    // Settled, not awaited in turn: a failed start leaves a fixture unset, and the issuer must still go.
    await Promise.allSettled([both, accessOnly].map(async (api) => api.close()));
    await issuer.close();
  });

  test("an ID token for the client id and an access token for the API's audience are both served", async () => {
    await assertServed(both, idToken, 'ID token');
    await assertServed(both, accessToken, 'access token');
  });

  test("an ID token for the API's audience and an access token for the client id are refused", async () => {
    const idForApi = await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id' });
    const accessForClient = await issuer.mint(demoCaller('A', 'member'), { audience: CLIENT_ID });
    await assertRefused(both, idForApi, 'ID token for the API');
    await assertRefused(both, accessForClient, 'access token for the client');
  });

  test('with access tokens only (the default), an ID token is refused whatever its audience', async () => {
    await assertServed(accessOnly, accessToken, 'access token');
    await assertRefused(accessOnly, idToken, 'ID token for the client');
    await assertRefused(
      accessOnly,
      await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id' }),
      'ID token',
    );
  });
});
