import { NavLink } from 'react-router';
import type { NavItem } from '../../lib/navigation.ts';

/** Items in order, each group where its first member falls. */
function navigationGroups(items: readonly NavItem[]): [string | undefined, NavItem[]][] {
  const groups: [string | undefined, NavItem[]][] = [];
  for (const item of items) {
    const last = groups.at(-1);
    const existing = item.group === undefined ? undefined : groups.find(([group]) => group === item.group);
    if (existing !== undefined) existing[1].push(item);
    else if (item.group === undefined && last !== undefined && last[0] === undefined) last[1].push(item);
    else groups.push([item.group, [item]]);
  }
  return groups;
}

function NavEntry({ item }: { item: NavItem }) {
  return (
    <li>
      <NavLink to={item.to}>
        {item.icon !== undefined && (
          <img className="nav-icon" src={item.icon} alt="" width={20} height={20} />
        )}
        {item.label}
      </NavLink>
    </li>
  );
}

/** The drawer's links in the registry's order; a group's entries sit in a list named after it. */
export function NavigationList({ items }: { items: readonly NavItem[] }) {
  return (
    <ul>
      {navigationGroups(items).map(([group, members]) =>
        group === undefined ? (
          members.map((item) => <NavEntry key={item.to} item={item} />)
        ) : (
          <li key={`group:${group}`} className="nav-group">
            <span aria-hidden="true">{group}</span>
            <ul aria-label={group}>
              {members.map((item) => (
                <NavEntry key={item.to} item={item} />
              ))}
            </ul>
          </li>
        ),
      )}
    </ul>
  );
}
