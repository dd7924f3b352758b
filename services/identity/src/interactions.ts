import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import { serviceMetrics } from '@atrium/service-runtime';
import type Provider from 'oidc-provider';
import type { IdentityConfig } from './config.ts';
import { absentUnlessOutage } from './database-outage.ts';
import { escapeHtml, renderLoginForm, renderPage } from './login-page.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { USERNAME, type UserDirectory } from './user-directory.ts';

export interface InteractionDeps {
  readonly config: IdentityConfig;
  /** The provider current at each request (a new key set builds a new one, signing-key-reload.ts). */
  readonly provider: () => Provider;
  readonly users: UserDirectory;
  readonly throttle: LoginThrottle;
  readonly csrfSecret: string;
}

const GENERIC_FAILURE = 'Incorrect username or password.';
/** Past the password policy's 256: no account can have it, and argon2 need not read it. */
const MAX_PASSWORD_LENGTH = 1024;

function waitText(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** The CSRF token is bound to the interaction: a form posted for another interaction is refused. */
function csrfToken(secret: string, uid: string): string {
  return createHmac('sha256', secret).update(`login:${uid}`).digest('base64url');
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function htmlReply(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** The login page routes (GET the form, POST the credentials) for oidc-provider's interactions. */
export async function interactionRoutes(app: FastifyInstance, deps: InteractionDeps): Promise<void> {
  const { config, provider, users, throttle } = deps;
  await app.register(formbody, { bodyLimit: 8 * 1024 });

  const expired = (reply: FastifyReply) =>
    htmlReply(
      reply,
      400,
      renderPage(config.basePath, {
        title: 'Sign-in expired',
        body: `<h1>This sign-in has expired</h1><p>Start again from <a href="${escapeHtml(config.publicUrl)}/">Atrium</a>.</p>`,
      }),
    );

  app.get<{ Params: { uid: string } }>('/interaction/:uid', async (request, reply) => {
    const interaction = await provider().interactionDetails(request.raw, reply.raw).catch(absentUnlessOutage);
    if (interaction === undefined || interaction.uid !== request.params.uid) return expired(reply);
    if (interaction.prompt.name === 'login') {
      // A hint that could not be a username (control characters, a NUL byte) is not echoed.
      const given = interaction.params['login_hint'];
      const hint = typeof given === 'string' && USERNAME.test(given) ? given : '';
      return htmlReply(
        reply,
        200,
        renderLoginForm(config.basePath, {
          uid: interaction.uid,
          csrfToken: csrfToken(deps.csrfSecret, interaction.uid),
          username: hint,
          error: undefined,
        }),
      );
    }
    // Any other prompt (consent) is for the first-party shell, whose grant loadExistingGrant implies.
    const redirectTo = await provider().interactionResult(
      request.raw,
      reply.raw,
      {},
      { mergeWithLastSubmission: true },
    );
    return reply.header('cache-control', 'no-store').redirect(redirectTo, 303);
  });

  app.post<{ Params: { uid: string }; Body: Record<string, unknown> }>(
    '/interaction/:uid/login',
    async (request, reply) => {
      const interaction = await provider()
        .interactionDetails(request.raw, reply.raw)
        .catch(absentUnlessOutage);
      if (
        interaction === undefined ||
        interaction.uid !== request.params.uid ||
        interaction.prompt.name !== 'login'
      )
        return expired(reply);
      const body = request.body ?? {};
      const token = typeof body['csrf'] === 'string' ? body['csrf'] : '';
      // The interaction cookie already binds the form to this browser; the token and the Origin
      // check stop a cross-site page from posting into it.
      const origin = request.headers.origin;
      const foreignOrigin = origin !== undefined && origin !== new URL(config.issuer).origin;
      if (foreignOrigin || !sameToken(token, csrfToken(deps.csrfSecret, interaction.uid))) {
        return htmlReply(
          reply,
          403,
          renderPage(config.basePath, {
            title: 'Sign-in refused',
            body: `<h1>This form could not be accepted</h1><p role="alert">Reload the sign-in page and try again.</p>`,
          }),
        );
      }
      const username = typeof body['username'] === 'string' ? body['username'].trim() : '';
      const password = typeof body['password'] === 'string' ? body['password'] : '';
      // What was typed is shown again only if it could be a username (no control characters).
      const again = (status: number, error: string) =>
        htmlReply(
          reply,
          status,
          renderLoginForm(config.basePath, {
            uid: interaction.uid,
            csrfToken: csrfToken(deps.csrfSecret, interaction.uid),
            username: USERNAME.test(username) ? username : '',
            error,
          }),
        );
      if (username === '' || password === '') return again(400, 'Enter your username and password.');
      // No account has such a name (control characters, a NUL byte, oversize input) or such a
      // password: the answer of a wrong password, without a look-up, a count or a hash.
      if (!USERNAME.test(username) || password.length > MAX_PASSWORD_LENGTH) {
        request.log.info({ event: 'login_failed', reason: 'malformed' }, 'sign-in failed');
        return again(401, GENERIC_FAILURE);
      }

      const decision = await throttle.reserve(username, request.ip);
      if (!decision.allowed) {
        serviceMetrics(request.server)?.recordRefusal('identity_login');
        reply.header('retry-after', String(decision.retryAfterSeconds));
        request.log.info(
          { event: 'login_throttled', retryAfter: decision.retryAfterSeconds },
          'sign-in refused',
        );
        return again(429, `Too many attempts. Try again in ${waitText(decision.retryAfterSeconds)}.`);
      }
      const user = await users.authenticate(username, password);
      if (user === undefined) {
        // Never the typed name: people type their password into it.
        request.log.info({ event: 'login_failed' }, 'sign-in failed');
        return again(401, GENERIC_FAILURE);
      }
      await decision.attempt.succeeded();
      request.log.info({ event: 'login_succeeded', userId: user.id, tenantId: user.tenantId }, 'signed in');
      const redirectTo = await provider().interactionResult(
        request.raw,
        reply.raw,
        { login: { accountId: user.id } },
        { mergeWithLastSubmission: false },
      );
      return reply.header('cache-control', 'no-store').redirect(redirectTo, 303);
    },
  );
}
