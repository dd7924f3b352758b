import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { navigationFor } from '../../lib/navigation.ts';
import { useShell } from '../shell-context.tsx';
import { TopBar } from './top-bar.tsx';

/** The articles' layout: top bar, navigation drawer, and the routed page. */
export function ShellLayout() {
  const { session, registry, registryError, reloadRegistry } = useShell();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();
  const items = navigationFor(session.user, registry);

  // On narrow screens the drawer closes after a choice.
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar drawerOpen={drawerOpen} onToggleDrawer={() => setDrawerOpen((open) => !open)} />
      <div className="body">
        <nav id="main-navigation" aria-label="Main" className={drawerOpen ? 'drawer open' : 'drawer'}>
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {registryError && (
            <div className="banner" role="alert">
              <span>{registryError}</span>
              <button type="button" onClick={() => void reloadRegistry()}>
                Retry
              </button>
            </div>
          )}
          <Outlet />
        </main>
      </div>
    </div>
  );
}
