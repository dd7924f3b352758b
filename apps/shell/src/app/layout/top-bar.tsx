import { useEffect, useId, useRef, useState } from 'react';
import { useShell } from '../../lib/shell-context.tsx';
import type { ColorSchemePreference } from '../../lib/color-scheme.ts';
import { label, type ShellLabel } from '../../lib/shell-labels.ts';

const SCHEMES: readonly { value: ColorSchemePreference; label: ShellLabel }[] = [
  { value: 'system', label: 'systemTheme' },
  { value: 'light', label: 'lightTheme' },
  { value: 'dark', label: 'darkTheme' },
];

/** Product, tenant, and the user's menu (theme, sign-out). */
export function TopBar({
  drawerOpen,
  onToggleDrawer,
  toggleRef,
}: {
  drawerOpen: boolean;
  onToggleDrawer: () => void;
  toggleRef: React.RefObject<HTMLButtonElement | null>;
}) {
  const { config, session, colorSchemePreference, setColorSchemePreference } = useShell();
  const { user } = session;
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!menuOpen) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"], [role="menuitemradio"]')?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') {
        setMenuOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onClick = (event: MouseEvent): void => {
      if (
        !menuRef.current?.contains(event.target as Node) &&
        !buttonRef.current?.contains(event.target as Node)
      )
        setMenuOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [menuOpen]);

  const onMenuKey = (event: React.KeyboardEvent): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = (at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
    items[next]?.focus();
  };

  return (
    <header className="top-bar">
      <button
        ref={toggleRef}
        type="button"
        className="icon-button drawer-toggle"
        aria-label={label('navigation')}
        aria-expanded={drawerOpen}
        aria-controls="main-navigation"
        onClick={onToggleDrawer}
      >
        ☰
      </button>
      <span className="product">{config.productName}</span>
      {user.tenant && (
        <span className="tenant" aria-label={label('tenant')}>
          {user.tenant.name}
        </span>
      )}
      <span className="spacer" />
      <div className="user-menu">
        <button
          ref={buttonRef}
          type="button"
          className="user-button"
          aria-haspopup="menu"
          aria-expanded={menuOpen}
          aria-controls={menuId}
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span className="avatar" aria-hidden="true">
            {user.username.slice(0, 1).toUpperCase()}
          </span>
          {/* Visually hidden on a phone (the avatar stays), still the button's name. */}
          <span className="user-name">{user.username}</span>
        </button>
        {menuOpen && (
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-label={label('userMenu')}
            className="menu"
            onKeyDown={onMenuKey}
          >
            <div className="menu-header" role="none">
              <strong>{user.username}</strong>
              {user.email && <span>{user.email}</span>}
              <span>{user.roles.join(', ')}</span>
            </div>
            {SCHEMES.map((scheme) => (
              <button
                key={scheme.value}
                type="button"
                role="menuitemradio"
                aria-checked={colorSchemePreference === scheme.value}
                tabIndex={-1}
                onClick={() => setColorSchemePreference(scheme.value)}
              >
                {label(scheme.label)}
              </button>
            ))}
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                setMenuOpen(false);
                void session.signOut();
              }}
            >
              {label('signOut')}
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
