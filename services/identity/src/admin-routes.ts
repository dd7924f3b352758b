import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Ajv } from 'ajv';
import {
  AuthError,
  bearerToken,
  hasRole,
  type PlatformCallerContext,
  type TokenVerifier,
} from '@atrium/auth';
import { IdentityError } from './errors.ts';
import type { User, UserDirectory } from './user-directory.ts';

export interface AdminDeps {
  readonly users: UserDirectory;
  readonly verifier: TokenVerifier;
}

declare module 'fastify' {
  interface FastifyRequest {
    adminCaller: PlatformCallerContext;
  }
}

const bodySchema = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});

/**
 * The administration API: an operator manages tenants and any user; a tenant admin manages only
 * the users of their own tenant. Another tenant's user answers 404, so ids reveal nothing.
 */
export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { users, verifier } = deps;
  app.decorateRequest('adminCaller', null as unknown as PlatformCallerContext);
  // Fastify's default validator strips unknown properties and coerces types; an admin API must
  // refuse what it does not understand instead.
  const ajv = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true });
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));

  app.addHook('onRequest', async (request) => {
    let caller: PlatformCallerContext;
    try {
      caller = await currentCaller(bearerToken(request.headers.authorization));
    } catch (error) {
      if (error instanceof AuthError) request.log.info({ reason: error.reason }, 'admin token refused');
      throw error;
    }
    const operator = hasRole(caller, 'operator');
    if (!operator && !(hasRole(caller, 'admin') && caller.tenantId !== null)) {
      throw new IdentityError('forbidden', 'Only tenant administrators and operators may manage users.');
    }
    request.adminCaller = caller;
  });

  /**
   * The caller as the database knows them now, not only as their token says: a token outlives a
   * disable, a password reset or a lost role by its whole lifetime, and an admin token is the key
   * to every account of a tenant. One lookup by primary key per request (the admin API is low volume).
   */
  async function currentCaller(token: string): Promise<PlatformCallerContext> {
    const { caller, issuedAt } = await verifier.verifyPlatformToken(token);
    const account = await users.findWithRevocation(caller.userId);
    if (account === undefined) throw new AuthError('invalid_token', 'the account no longer exists');
    if (account.user.disabled) throw new AuthError('token_revoked', 'the account is disabled');
    if (account.revokedAt !== undefined && issuedAt * 1000 <= account.revokedAt.getTime())
      throw new AuthError('token_revoked', 'the token predates the revocation of its account');
    // Only roles that both the token granted and the account still holds; the tenant is the account's.
    return {
      ...caller,
      tenantId: account.user.tenantId,
      tenantName: account.user.tenantName,
      roles: caller.roles.filter((role) => account.user.roles.includes(role)),
    };
  }

  const isOperator = (request: FastifyRequest) => hasRole(request.adminCaller, 'operator');

  /** The user, when the caller may manage them; 404 otherwise. */
  async function manageable(request: FastifyRequest, id: string): Promise<User> {
    const user = await users.findById(id);
    if (user === undefined || (!isOperator(request) && user.tenantId !== request.adminCaller.tenantId)) {
      throw new IdentityError('unknown_user');
    }
    return user;
  }

  app.get('/tenants', async (request) => {
    if (!isOperator(request)) throw new IdentityError('forbidden', 'Only operators manage tenants.');
    return { items: await users.listTenants() };
  });

  app.post<{ Body: { id: string; name: string } }>(
    '/tenants',
    { schema: { body: bodySchema({ id: { type: 'string' }, name: { type: 'string' } }, ['id', 'name']) } },
    async (request, reply) => {
      if (!isOperator(request)) throw new IdentityError('forbidden', 'Only operators manage tenants.');
      const tenant = await users.createTenant(request.body);
      request.log.info(
        { event: 'tenant_created', tenantId: tenant.id, by: request.adminCaller.userId },
        'tenant created',
      );
      return reply.code(201).send(tenant);
    },
  );

  app.get<{ Querystring: { tenantId?: string } }>(
    '/users',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { tenantId: { type: 'string' } },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      // A tenant admin always sees their own tenant, whatever they ask for.
      const tenantId = isOperator(request)
        ? request.query.tenantId
        : (request.adminCaller.tenantId as string);
      if (
        !isOperator(request) &&
        request.query.tenantId !== undefined &&
        request.query.tenantId !== tenantId
      ) {
        throw new IdentityError('forbidden', 'You may only list the users of your own tenant.');
      }
      return { items: await users.listUsers(tenantId) };
    },
  );

  app.post<{
    Body: { username: string; email: string; password: string; tenantId?: string | null; roles: string[] };
  }>(
    '/users',
    {
      schema: {
        body: bodySchema(
          {
            username: { type: 'string' },
            email: { type: 'string' },
            password: { type: 'string' },
            tenantId: { type: ['string', 'null'] },
            roles: { type: 'array', items: { type: 'string' }, maxItems: 5 },
          },
          ['username', 'email', 'password', 'roles'],
        ),
      },
    },
    async (request, reply) => {
      const caller = request.adminCaller;
      let tenantId = request.body.tenantId ?? null;
      if (!isOperator(request)) {
        if (tenantId !== null && tenantId !== caller.tenantId)
          throw new IdentityError('forbidden', 'You may only create users in your own tenant.');
        if (request.body.roles.includes('operator'))
          throw new IdentityError('forbidden', 'Only operators may create operators.');
        tenantId = caller.tenantId;
      }
      const user = await users.createUser({ ...request.body, tenantId });
      request.log.info(
        { event: 'user_created', userId: user.id, tenantId, by: caller.userId },
        'user created',
      );
      return reply.code(201).send(user);
    },
  );

  app.post<{ Params: { id: string } }>('/users/:id/disable', async (request) => {
    const user = await manageable(request, request.params.id);
    if (user.id === request.adminCaller.userId)
      throw new IdentityError('forbidden', 'You cannot disable yourself.');
    // Sessions, grants and refresh tokens go with it; the APIs refuse its access tokens within
    // their revocation poll.
    const revoked = await users.disable(user.id);
    request.log.info(
      { event: 'user_disabled', userId: user.id, revoked, by: request.adminCaller.userId },
      'user disabled',
    );
    return { ...user, disabled: true };
  });

  app.post<{ Params: { id: string } }>('/users/:id/enable', async (request) => {
    const user = await manageable(request, request.params.id);
    // Defence in depth: a disabled admin's token is already refused above.
    if (user.id === request.adminCaller.userId)
      throw new IdentityError('forbidden', 'You cannot enable yourself.');
    await users.setDisabled(user.id, false);
    request.log.info(
      { event: 'user_enabled', userId: user.id, by: request.adminCaller.userId },
      'user enabled',
    );
    return { ...user, disabled: false };
  });

  // The user's own locale, issued as the OIDC `locale` claim at their next sign-in or refresh.
  app.put<{ Params: { id: string }; Body: { locale?: unknown } | undefined }>(
    '/users/:id/locale',
    async (request) => {
      const user = await manageable(request, request.params.id);
      const updated = await users.setLocale(user.id, request.body?.locale);
      request.log.info(
        { event: 'locale_set', userId: user.id, locale: updated.locale, by: request.adminCaller.userId },
        'locale set',
      );
      return updated;
    },
  );

  app.put<{ Params: { id: string }; Body: { password: string } }>(
    '/users/:id/password',
    { schema: { body: bodySchema({ password: { type: 'string' } }, ['password']) } },
    async (request, reply) => {
      const user = await manageable(request, request.params.id);
      const revoked = await users.setPassword(user.id, request.body.password);
      request.log.info(
        { event: 'password_reset', userId: user.id, revoked, by: request.adminCaller.userId },
        'password reset',
      );
      return reply.code(204).send();
    },
  );
}
