/** A role inside a tenant (`operator` is the platform's, outside any tenant). */
export type Role = 'viewer' | 'member' | 'approver' | 'admin' | 'operator';

/** The signed-in person, as the shell learned it from the identity provider. */
export interface ContextUser {
  readonly id: string;
  readonly username: string;
  readonly email: string | undefined;
  readonly roles: readonly Role[];
  /**
   * The user's own locale (the OIDC `locale` claim), preferred over the browser's languages by
   * `pickLocale(preferredLocales(…))`; undefined when they chose none.
   */
  readonly locale?: string | undefined;
}

/** The company the user acts for. */
export interface ContextTenant {
  readonly id: string;
  readonly name: string;
}

/**
 * Where each API lives, as absolute URLs (the split topology puts them on other origins): the
 * platform's own, and every API the element's registry entry names (`api` of its manifest).
 */
export interface ApiEndpoints {
  readonly [name: string]: string;
  /** Payments GraphQL over HTTP, e.g. `https://atrium.example/graphql`. */
  readonly paymentsGraphql: string;
  /** Payments GraphQL over WebSocket (graphql-ws), e.g. `wss://atrium.example/graphql`. */
  readonly paymentsGraphqlWs: string;
  /** Accounts REST base, e.g. `https://atrium.example/api/accounts`. */
  readonly accounts: string;
}

/**
 * Everything the shell hands a micro-frontend element, set as its `context` property.
 * The element must never cache the access token: it calls `getAccessToken()` before each request.
 */
export interface ElementContext {
  readonly user: ContextUser;
  readonly tenant: ContextTenant;
  /** Resolves to a currently valid access token, refreshing it first when it is about to expire. */
  readonly getAccessToken: () => Promise<string>;
  readonly api: ApiEndpoints;
  /** The shell route the element is mounted under, e.g. `/payments`; the element's own routes live below it. */
  readonly basePath: string;
  /** The sub-path below `basePath` the shell was asked to show (deep link), e.g. `/p-123`; '' for the root. */
  readonly initialPath: string;
  /** 'light' or 'dark', following the shell. */
  readonly colorScheme: 'light' | 'dark';
}

/** The property name under which the shell sets the context on every element. */
export const CONTEXT_PROPERTY = 'context';

/** True when `roles` holds at least one of `wanted`. */
export function hasAnyRole(roles: readonly Role[], ...wanted: Role[]): boolean {
  return wanted.some((role) => roles.includes(role));
}
