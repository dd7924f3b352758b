import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '@atrium/postgres';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import accountsApi from './app.ts';
import { loadConfig } from './config.ts';

// Amplify apps often send the ID token (the articles' main.ts did): OIDC_TOKEN_USE=access,id takes
// both, each only with its own audience: the client id for an ID token, the API's for an access token.

const CLIENT_ID = 'atrium-shell';
const PREFIX = '/api/accounts';

describe('accounts API with OIDC_TOKEN_USE=access,id', () => {
  let issuer: TestIssuer;
  const databases: Database[] = [];
  const apps: FastifyInstance[] = [];
  let both: FastifyInstance;
  let accessOnly: FastifyInstance;

  /** The accounts API on embedded PGlite, with the verifier its configuration makes of `env`. */
  async function startWith(env: NodeJS.ProcessEnv): Promise<FastifyInstance> {
    const { verifier } = loadConfig({ OIDC_ISSUER: issuer.issuer, OIDC_JWKS_URI: issuer.jwksUri, ...env });
    const database = await openDatabase();
    databases.push(database);
    const app = Fastify({ logger: false });
    apps.push(app);
    await app.register(accountsApi, {
      prefix: PREFIX,
      database,
      verifier: { ...verifier, jwksCooldownMs: 0 },
    });
    await app.ready();
    return app;
  }

  before(async () => {
    issuer = await startTestIssuer();
    both = await startWith({ OIDC_TOKEN_USE: 'access,id', OIDC_CLIENT_ID: CLIENT_ID });
    accessOnly = await startWith({ OIDC_CLIENT_ID: CLIENT_ID });
  });
  after(async () => {
    await Promise.allSettled(apps.map((app) => app.close()));
    await Promise.allSettled(databases.map((database) => database.close()));
    await issuer.close();
  });

  async function answer(app: FastifyInstance, token: string): Promise<{ status: number; code?: string }> {
    const response = await app.inject({
      method: 'GET',
      url: PREFIX,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.statusCode, code: (response.json() as { code?: string }).code };
  }
  const idToken = (audience = CLIENT_ID): Promise<string> =>
    issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id', audience });
  const accessToken = (audience = 'atrium-api'): Promise<string> =>
    issuer.mint(demoCaller('A', 'member'), { audience });

  test("an ID token for the client id and an access token for the API's audience are both served", async () => {
    assert.equal((await answer(both, await idToken())).status, 200);
    assert.equal((await answer(both, await accessToken())).status, 200);
  });

  test("an ID token for the API's audience and an access token for the client id are refused", async () => {
    assert.deepEqual(await answer(both, await idToken('atrium-api')), { status: 401, code: 'invalid_token' });
    assert.deepEqual(await answer(both, await accessToken(CLIENT_ID)), {
      status: 401,
      code: 'invalid_token',
    });
  });

  test('with access tokens only (the default), an ID token is refused whatever its audience', async () => {
    assert.equal((await answer(accessOnly, await accessToken())).status, 200);
    assert.deepEqual(await answer(accessOnly, await idToken()), { status: 401, code: 'invalid_token' });
    assert.deepEqual(await answer(accessOnly, await idToken('atrium-api')), {
      status: 401,
      code: 'invalid_token',
    });
  });
});
