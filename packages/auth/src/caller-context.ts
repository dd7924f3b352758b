/** A role inside a tenant; `operator` is the platform's own, outside any tenant. */
export type Role = 'viewer' | 'member' | 'approver' | 'admin' | 'operator';

export const ROLES: readonly Role[] = ['viewer', 'member', 'approver', 'admin', 'operator'];

/** Who is calling, taken only from a verified token. */
export interface CallerContext {
  readonly userId: string;
  readonly username: string;
  readonly email: string | undefined;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly roles: readonly Role[];
}

/** A caller that may have no tenant (the platform operator); only identity administration accepts it. */
export interface PlatformCallerContext extends Omit<CallerContext, 'tenantId' | 'tenantName'> {
  readonly tenantId: string | null;
  readonly tenantName: string | null;
}

/** True when the caller holds at least one of `roles`. */
export function hasRole(caller: { readonly roles: readonly Role[] }, ...roles: Role[]): boolean {
  return roles.some((role) => caller.roles.includes(role));
}

/** Where the claims live in a token. Defaults are Cognito's, so a real user pool works unchanged. */
export interface ClaimNames {
  readonly tenantId: string;
  readonly tenantName: string;
  readonly groups: string;
  readonly username: string;
  readonly email: string;
  readonly tokenUse: string;
}

export const DEFAULT_CLAIM_NAMES: ClaimNames = {
  tenantId: 'custom:tenantId',
  tenantName: 'custom:tenantName',
  groups: 'cognito:groups',
  username: 'cognito:username',
  email: 'email',
  tokenUse: 'token_use',
};
