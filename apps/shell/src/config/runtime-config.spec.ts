import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig } from './runtime-config.ts';

const respond =
  (body: unknown, status = 200) =>
  async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('loadRuntimeConfig', () => {
  it('reads the document the host serves', async () => {
    const config = await loadRuntimeConfig(
      respond({
        oidc: { issuer: 'http://i/auth', clientId: 'atrium-shell', scope: 'openid' },
        api: {
          paymentsGraphql: 'http://p',
          paymentsGraphqlWs: 'ws://p',
          accounts: 'http://a',
          identityAdmin: 'http://i/auth/admin',
        },
      }),
    );
    expect(config.productName).toBe('Atrium');
    expect(config.oidc.issuer).toBe('http://i/auth');
  });

  it('names every missing field', async () => {
    await expect(loadRuntimeConfig(respond({ oidc: { issuer: 'x' } }))).rejects.toThrow(
      /oidc\.clientId, api\.paymentsGraphql, api\.paymentsGraphqlWs, api\.accounts, api\.identityAdmin/,
    );
  });

  it('fails on an error status', async () => {
    await expect(loadRuntimeConfig(respond({}, 503))).rejects.toThrow(/503/);
  });
});
