import type { NavItem } from './navigation.ts';
import { label } from './shell-labels.ts';

/** The document title's separator ("Payments – Tenant A – Atrium"): an en dash between spaces. */
const SEPARATOR = ' – ';

/**
 * The document title of the page at `pathname`: the page's own name (the navigation entry it
 * belongs to, whose label is the registry entry's title for a micro-frontend; Home at `/`; else
 * Page not found), the user's tenant, and the product. A browser tab, its history and a screen
 * reader's page announcement then say where the user is, not just "Atrium".
 */
export function pageTitle(
  pathname: string,
  items: readonly NavItem[],
  productName: string,
  tenantName: string | undefined,
): string {
  const page =
    pathname === '/'
      ? label('home')
      : (items.find((item) => pathname === item.to || pathname.startsWith(`${item.to}/`))?.label ??
        label('pageNotFound'));
  return [page, tenantName, productName].filter((part) => part !== undefined).join(SEPARATOR);
}
