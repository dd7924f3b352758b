import { hasAnyRole, type Registry } from '@atrium/contracts';
import type { SignedInUser } from './auth/signed-in-user.ts';
import { visibleEntries } from './registry.ts';

export interface NavItem {
  readonly to: string;
  readonly label: string;
}

/** Administration is for tenant admins and the platform operator. */
export function canAdminister(user: SignedInUser): boolean {
  return hasAnyRole(user.roles, 'admin', 'operator');
}

/** The drawer's entries for this user: entries a role may not use are not shown at all. */
export function navigationFor(user: SignedInUser, registry: Registry | undefined): NavItem[] {
  const entries =
    registry === undefined ? [] : visibleEntries(registry, user.roles, user.tenant !== undefined);
  const items: NavItem[] = entries.map((entry) => ({ to: entry.route, label: entry.title }));
  if (canAdminister(user)) items.push({ to: '/admin', label: 'Administration' });
  return items;
}
