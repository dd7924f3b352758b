import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '@atrium/postgres';
import type { IdentityConfig } from './config.ts';
import { postgresAdapter } from './oidc-adapter.ts';
import type { KeyMaterial } from './signing-keys.ts';
import type { User, UserDirectory } from './user-directory.ts';
import { renderPage, escapeHtml } from './login-page.ts';
import { PUBLISHER_METADATA, publishScopesOf } from './publish-clients.ts';

/** The resource indicator of the Atrium APIs; tokens for it carry `aud` = config.audience. */
export function apiResource(config: IdentityConfig): string {
  return `${config.publicUrl}/api`;
}

/** The Cognito-named claims both tokens carry, so a real user pool can replace this service. */
export function userClaims(user: User): Record<string, unknown> {
  return {
    email: user.email,
    'cognito:username': user.username,
    'cognito:groups': [...user.roles],
    ...(user.tenantId === null
      ? {}
      : { 'custom:tenantId': user.tenantId, 'custom:tenantName': user.tenantName ?? user.tenantId }),
  };
}

const SHELL_SCOPES = 'openid profile email offline_access';

/**
 * Builds the OpenID provider: authorization code + PKCE (S256) only, rotating refresh tokens,
 * JWT access tokens for the APIs, RP-initiated logout, revocation, state in PostgreSQL.
 */
export function createProvider(
  config: IdentityConfig,
  db: Database,
  users: UserDirectory,
  keys: KeyMaterial,
): Provider {
  const resource = apiResource(config);

  const configuration: Configuration = {
    adapter: postgresAdapter(db),
    clients: [
      {
        client_id: config.shellClientId,
        client_name: 'Atrium',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...config.shellRedirectUris],
        post_logout_redirect_uris: [...config.shellPostLogoutRedirectUris],
      },
    ],
    // A publisher's micro-frontend names (publish-clients.ts): not OAuth scopes of the provider,
    // so not in `scopes` or a client's `scope`, but the resource server's scope for that client.
    extraClientMetadata: { properties: [PUBLISHER_METADATA] },
    // Public clients must use PKCE; plain is not offered.
    pkce: { required: () => true },
    responseTypes: ['code'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub', 'token_use'],
      email: ['email', 'email_verified'],
      profile: [
        'name',
        'preferred_username',
        'cognito:username',
        'cognito:groups',
        'custom:tenantId',
        'custom:tenantName',
        'locale',
      ],
    },
    // ID tokens carry the profile claims too, as Cognito's do (the articles read them from the ID token).
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const user = await users.findById(sub);
      if (user === undefined || user.disabled) return undefined;
      return {
        accountId: user.id,
        async claims(use) {
          return {
            sub: user.id,
            name: user.username,
            preferred_username: user.username,
            email_verified: true,
            // OIDC's standard claim: the shell and its elements prefer it to the browser's languages.
            ...(user.locale === null ? {} : { locale: user.locale }),
            ...userClaims(user),
            ...(use === 'id_token' ? { token_use: 'id' } : {}),
          };
        },
      };
    },
    async extraTokenClaims(_ctx, token) {
      if (!('accountId' in token) || typeof token.accountId !== 'string') return undefined;
      const user = await users.findById(token.accountId);
      if (user === undefined) return undefined;
      return { ...userClaims(user), username: user.username, token_use: 'access' };
    },
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    async loadExistingGrant(ctx) {
      // The shell is first-party: its users are never asked to consent, the grant is implied.
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      const existing = grantId === undefined ? undefined : await ctx.oidc.provider.Grant.find(grantId);
      if (ctx.oidc.client!.clientId !== config.shellClientId) return existing;
      const grant =
        existing ??
        new ctx.oidc.provider.Grant({
          clientId: config.shellClientId,
          accountId: ctx.oidc.session!.accountId!,
        });
      grant.addOIDCScope(SHELL_SCOPES);
      grant.addOIDCClaims(['cognito:username', 'cognito:groups', 'custom:tenantId', 'custom:tenantName']);
      grant.addResourceScope(resource, 'atrium');
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      // Only publishers an operator granted (publish-clients.ts) have this grant type.
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.type = 'html';
          ctx.body = renderPage(config.basePath, {
            title: 'Sign out',
            body: `${form}
            <h1>Sign out of Atrium?</h1>
            <p>You will be signed out on this device.</p>
            <div class="actions">
              <button type="submit" form="op.logoutForm" value="yes" name="logout" autofocus>Sign out</button>
              <button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
            </div>`,
          });
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.type = 'html';
          ctx.body = renderPage(config.basePath, {
            title: 'Signed out',
            body: `<h1>You are signed out</h1><p><a href="${escapeHtml(config.publicUrl)}/">Back to Atrium</a></p>`,
          });
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, indicator, client) {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            // A publisher's token may carry only the micro-frontend scopes its client was granted.
            scope: ['atrium', ...publishScopesOf(client?.metadata())].join(' '),
            audience: config.audience,
            accessTokenTTL: config.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    ttl: {
      AccessToken: config.accessTokenTtlSeconds,
      IdToken: config.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      Interaction: 3600,
      Grant: config.refreshTokenTtlSeconds,
      Session: config.sessionTtlSeconds,
      // A rotated token keeps the remaining lifetime of the one it replaces: the chain lasts 30 days, not forever.
      RefreshToken(ctx) {
        return ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? config.refreshTokenTtlSeconds;
      },
    },
    rotateRefreshToken: true,
    cookies: {
      keys: keys.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    jwks: keys.jwks as Configuration['jwks'],
    interactions: { url: async (_ctx, interaction) => `${config.basePath}/interaction/${interaction.uid}` },
    clientBasedCORS: (_ctx, origin) =>
      config.shellRedirectUris.some((uri) => new URL(uri).origin === origin) || origin === config.publicUrl,
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = renderPage(config.basePath, {
        title: 'Sign-in problem',
        body: `<h1>Something went wrong</h1>
          <p role="alert">${escapeHtml(String(out['error_description'] ?? out['error'] ?? 'Unknown error'))}</p>
          <p><a href="${escapeHtml(config.publicUrl)}/">Back to Atrium</a></p>`,
      });
    },
  };

  const provider = new Provider(config.issuer, configuration);
  // The identity app overwrites X-Forwarded-Host/-Proto/-For on every request before the provider
  // sees it (from the issuer and Fastify's TRUST_PROXY-aware address), so trusting them is safe.
  provider.proxy = true;
  return provider;
}
