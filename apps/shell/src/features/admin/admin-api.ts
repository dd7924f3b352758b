/** A user as the identity service's admin API lists it. */
export interface AdminUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly tenantId: string | null;
  readonly tenantName: string | null;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
}

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
}

/** A refusal from the admin API (`application/problem+json` with a `code`), with its message for the user. */
export class AdminApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.name = 'AdminApiError';
    this.status = status;
    this.code = code;
  }
}

export interface AdminApi {
  listUsers(tenantId?: string): Promise<AdminUser[]>;
  createUser(user: NewUser): Promise<AdminUser>;
  setDisabled(userId: string, disabled: boolean): Promise<void>;
  listTenants(): Promise<Tenant[]>;
  createTenant(tenant: { id: string; name: string }): Promise<Tenant>;
}

/** The identity service's admin HTTP API, called with the user's own access token. */
export function adminApi(
  baseUrl: string,
  getAccessToken: () => Promise<string>,
  fetchImpl: typeof fetch = fetch,
): AdminApi {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      authorization: `Bearer ${await getAccessToken()}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const value: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const problem = (value ?? {}) as { code?: string; detail?: string; title?: string; message?: string };
      throw new AdminApiError(
        response.status,
        problem.code,
        problem.detail ?? problem.message ?? problem.title ?? `The request failed (${response.status}).`,
      );
    }
    return value as T;
  }
  return {
    async listUsers(tenantId) {
      const query = tenantId === undefined ? '' : `?tenantId=${encodeURIComponent(tenantId)}`;
      return (await call<{ items: AdminUser[] }>('GET', `/users${query}`)).items;
    },
    createUser: (user) => call<AdminUser>('POST', '/users', user),
    async setDisabled(userId, disabled) {
      await call('POST', `/users/${encodeURIComponent(userId)}/${disabled ? 'disable' : 'enable'}`);
    },
    async listTenants() {
      return (await call<{ items: Tenant[] }>('GET', '/tenants')).items;
    },
    createTenant: (tenant) => call<Tenant>('POST', '/tenants', tenant),
  };
}
