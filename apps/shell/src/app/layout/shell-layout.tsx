import { useEffect, useRef, useState } from 'react';
import { Outlet, useLocation } from 'react-router';
import { navigationFor } from '../../lib/navigation.ts';
import { useNarrowScreen } from '../../lib/narrow-screen.ts';
import { pageTitle } from '../../lib/page-title.ts';
import { NavigationList } from './navigation-list.tsx';
import { useShell } from '../../lib/shell-context.tsx';
import { TopBar } from './top-bar.tsx';
import { label } from '../../lib/shell-labels.ts';

/** The articles' layout: top bar, navigation drawer, and the routed page. */
export function ShellLayout() {
  const { config, session, registry, registryError, reloadRegistry } = useShell();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();
  const items = navigationFor(session.user, registry);
  const narrow = useNarrowScreen();
  // On a narrow screen the open drawer is a modal menu over the page: the page is inert behind it,
  // focus goes into it, and Escape or a click beside it closes it and gives focus back to its button.
  const modal = narrow && drawerOpen;
  const drawerRef = useRef<HTMLElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);

  const title = pageTitle(location.pathname, items, config.productName, session.user.tenant?.name);
  useEffect(() => {
    document.title = title;
  }, [title]);

  // On narrow screens the drawer closes after a choice.
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  useEffect(() => {
    if (!modal) return;
    drawerRef.current?.querySelector<HTMLElement>('a')?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      setDrawerOpen(false);
      toggleRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [modal]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {label('skipToContent')}
      </a>
      <TopBar
        drawerOpen={drawerOpen}
        onToggleDrawer={() => setDrawerOpen((open) => !open)}
        toggleRef={toggleRef}
      />
      <div className="body">
        {modal && <div className="scrim" aria-hidden="true" onClick={() => setDrawerOpen(false)} />}
        <nav
          ref={drawerRef}
          id="main-navigation"
          aria-label={label('mainNavigation')}
          className={drawerOpen ? 'drawer open' : 'drawer'}
        >
          <NavigationList items={items} />
        </nav>
        <main id="main" tabIndex={-1} inert={modal}>
          {registryError && (
            <div className="banner" role="alert">
              <span>{registryError}</span>
              <button type="button" onClick={() => void reloadRegistry()}>
                {label('retry')}
              </button>
            </div>
          )}
          <Outlet />
        </main>
      </div>
    </div>
  );
}
