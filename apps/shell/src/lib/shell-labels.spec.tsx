import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { missingLabels } from '@atrium/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSession, renderShell } from '../test/fake-services.tsx';
import { SHELL_LABELS } from './shell-labels.ts';

/** A browser whose preferred languages are `languages`, as `navigator.languages` reports them. */
function browserPrefers(...languages: string[]): void {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
}

describe('shell labels', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('has every label in English and Danish, with the same parameters', () => {
    expect(missingLabels(SHELL_LABELS)).toEqual([]);
  });

  it('shows a Danish browser the top bar, navigation, menu and start page in Danish', async () => {
    browserPrefers('da-DK', 'en-US');
    renderShell('/', { session: fakeSession('admin') });
    expect(screen.getByRole('link', { name: 'Gå til indholdet' })).toBeTruthy();
    const banner = screen.getByRole('banner');
    expect(within(banner).getByRole('button', { name: 'Navigation' })).toBeTruthy();
    expect(within(banner).getByLabelText('Kunde').textContent).toBe('Tenant A');
    const nav = screen.getByRole('navigation', { name: 'Hovedmenu' });
    expect(within(nav).getByRole('link', { name: 'Administration' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: /^Velkommen, / })).toBeTruthy();
    expect(screen.getByText('Du er logget ind for Tenant A.')).toBeTruthy();
    await userEvent.click(within(banner).getByRole('button', { name: /adminTenantA|userTenantA|admin/ }));
    const menu = screen.getByRole('menu', { name: 'Brugermenu' });
    expect(within(menu).getByRole('menuitem', { name: 'Log ud' })).toBeTruthy();
    expect(within(menu).getByRole('menuitemradio', { name: 'Mørkt tema' })).toBeTruthy();
    expect(document.title).toBe('Forside – Tenant A – Atrium');
  });

  it('tells a Danish browser in Danish that a page does not exist', () => {
    browserPrefers('da');
    renderShell('/nowhere');
    expect(screen.getByRole('heading', { name: 'Siden findes ikke' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Gå til forsiden' })).toBeTruthy();
  });

  it('keeps English for an English browser and for a language without labels', () => {
    browserPrefers('fr-FR', 'de');
    renderShell('/');
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Skip to content' })).toBeTruthy();
  });
});
