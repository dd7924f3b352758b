import type { Role } from '@atrium/contracts';

/** The person the shell shows, from the ID token's claims (Cognito's names, as the identity service issues them). */
export interface SignedInUser {
  readonly id: string;
  readonly username: string;
  readonly email: string | undefined;
  readonly roles: readonly Role[];
  /** Undefined for the platform operator, who belongs to no tenant. */
  readonly tenant: { readonly id: string; readonly name: string } | undefined;
  /** The user's own locale (the OIDC `locale` claim); undefined when they chose none. */
  readonly locale: string | undefined;
}

const ROLES: readonly Role[] = ['viewer', 'member', 'approver', 'admin', 'operator'];

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Reads the user from ID token claims; unknown roles are dropped rather than trusted. */
export function userFromClaims(claims: Record<string, unknown>): SignedInUser {
  const groups = claims['cognito:groups'];
  const roles = (Array.isArray(groups) ? groups : typeof groups === 'string' ? [groups] : []).filter(
    (role): role is Role => ROLES.includes(role as Role),
  );
  const tenantId = text(claims['custom:tenantId']);
  const id = text(claims['sub']) ?? '';
  return {
    id,
    username: text(claims['cognito:username']) ?? text(claims['preferred_username']) ?? id,
    email: text(claims['email']),
    roles,
    tenant:
      tenantId === undefined
        ? undefined
        : { id: tenantId, name: text(claims['custom:tenantName']) ?? tenantId },
    locale: text(claims['locale']),
  };
}
