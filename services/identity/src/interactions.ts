import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import type Provider from 'oidc-provider';
import type { IdentityConfig } from './config.ts';
import { absentUnlessOutage } from './database-outage.ts';
import { escapeHtml, renderLoginForm, renderPage } from './login-page.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { UserDirectory } from './user-directory.ts';

export interface InteractionDeps {
  readonly config: IdentityConfig;
  readonly provider: Provider;
  readonly users: UserDirectory;
  readonly throttle: LoginThrottle;
  readonly csrfSecret: string;
}

const GENERIC_FAILURE = 'Incorrect username or password.';

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
    const interaction = await provider.interactionDetails(request.raw, reply.raw).catch(absentUnlessOutage);
    if (interaction === undefined || interaction.uid !== request.params.uid) return expired(reply);
    if (interaction.prompt.name === 'login') {
      const hint =
        typeof interaction.params['login_hint'] === 'string' ? interaction.params['login_hint'] : '';
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
    const redirectTo = await provider.interactionResult(
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
      const interaction = await provider.interactionDetails(request.raw, reply.raw).catch(absentUnlessOutage);
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
      const username = typeof body['username'] === 'string' ? body['username'].trim().slice(0, 128) : '';
      const password = typeof body['password'] === 'string' ? body['password'].slice(0, 1024) : '';
      const again = (status: number, error: string) =>
        htmlReply(
          reply,
          status,
          renderLoginForm(config.basePath, {
            uid: interaction.uid,
            csrfToken: csrfToken(deps.csrfSecret, interaction.uid),
            username,
            error,
          }),
        );
      if (username === '' || password === '') return again(400, 'Enter your username and password.');

      const lockedFor = await throttle.lockedFor(username, request.ip);
      if (lockedFor > 0) {
        const minutes = Math.max(1, Math.ceil(lockedFor / 60));
        reply.header('retry-after', String(lockedFor));
        return again(
          429,
          `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        );
      }
      const user = await users.authenticate(username, password);
      if (user === undefined) {
        await throttle.recordFailure(username, request.ip);
        request.log.info({ event: 'login_failed', username }, 'sign-in failed');
        return again(401, GENERIC_FAILURE);
      }
      await throttle.recordSuccess(username, request.ip);
      request.log.info({ event: 'login_succeeded', userId: user.id, tenantId: user.tenantId }, 'signed in');
      const redirectTo = await provider.interactionResult(
        request.raw,
        reply.raw,
        { login: { accountId: user.id } },
        { mergeWithLastSubmission: false },
      );
      return reply.header('cache-control', 'no-store').redirect(redirectTo, 303);
    },
  );
}
