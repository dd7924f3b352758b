import { hasAnyRole, titleIn, type Registry } from '@atrium/contracts';
import type { SignedInUser } from './auth/signed-in-user.ts';
import { visibleEntries } from './registry.ts';
import { label, pageLocale } from './shell-labels.ts';

export interface NavItem {
  readonly to: string;
  readonly label: string;
  /** The registry's navigation group; undefined = the ungrouped top. */
  readonly group?: string | undefined;
  readonly icon?: string | undefined;
}

/** Entries without an order come after the ordered ones; ties go by title. */
const UNORDERED = Number.MAX_SAFE_INTEGER;

/** Administration is for tenant admins and the platform operator. */
export function canAdminister(user: SignedInUser): boolean {
  return hasAnyRole(user.roles, 'admin', 'operator');
}

/**
 * The drawer's entries for this user, in the registry's navigation order: entries a role may not
 * use are not shown at all.
 */
export function navigationFor(user: SignedInUser, registry: Registry | undefined): NavItem[] {
  const entries =
    registry === undefined ? [] : visibleEntries(registry, user.roles, user.tenant !== undefined);
  const locale = pageLocale();
  const items: NavItem[] = [...entries]
    .map((entry) => ({ entry, title: titleIn(entry, locale) }))
    .sort(
      (a, b) =>
        (a.entry.order ?? UNORDERED) - (b.entry.order ?? UNORDERED) || a.title.localeCompare(b.title, locale),
    )
    .map(({ entry, title }) => ({ to: entry.route, label: title, group: entry.group, icon: entry.icon }));
  if (canAdminister(user)) items.push({ to: '/admin', label: label('administration') });
  return items;
}
