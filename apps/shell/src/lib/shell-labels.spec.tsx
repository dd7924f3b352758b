import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { missingLabels, type ElementContext } from '@atrium/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definingLoader, entry, fakeSession, registryOf, renderShell } from '../test/fake-services.tsx';
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

  it("names a micro-frontend in the navigation and the title by its registry entry's Danish title", async () => {
    browserPrefers('da-DK', 'en-US');
    const payments = entry('payments', { titles: { da: 'Betalinger' } });
    renderShell('/payments', {
      session: fakeSession('member'),
      loader: definingLoader(),
      initialRegistry: registryOf(payments, entry('reports')),
    });
    const nav = screen.getByRole('navigation', { name: 'Hovedmenu' });
    expect(within(nav).getByRole('link', { name: 'Betalinger' })).toBeTruthy();
    // An entry without a Danish title keeps the one its team gave.
    expect(within(nav).getByRole('link', { name: 'Reports' })).toBeTruthy();
    await waitFor(() => expect(document.title).toBe('Betalinger – Tenant A – Atrium'));
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

describe("the user's own locale", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('comes before the browser’s languages: a Danish user in an English browser sees Danish', () => {
    browserPrefers('en-US', 'en');
    const member = fakeSession('member');
    renderShell('/', { session: { ...member, user: { ...member.user, locale: 'da-DK' } } });
    expect(screen.getByRole('navigation', { name: 'Hovedmenu' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('da-DK');
  });

  it('is handed to the elements in their context, from the ID token’s locale claim', async () => {
    const member = fakeSession('member');
    const payments = entry('payments');
    renderShell('/payments', {
      loader: definingLoader(),
      initialRegistry: registryOf(payments),
      session: { ...member, user: { ...member.user, locale: 'da-DK' } },
    });
    const element = await waitFor(() => {
      const found = document
        .querySelector('[data-micro-frontend="payments"]')
        ?.shadowRoot?.querySelector<HTMLElement & { context?: ElementContext }>(payments.element);
      if (!found?.context) throw new Error('not mounted yet');
      return found;
    });
    expect(element.context?.user.locale).toBe('da-DK');
  });

  it('without labels in its language, leaves the choice to the browser', () => {
    browserPrefers('en-GB');
    const member = fakeSession('member');
    renderShell('/', { session: { ...member, user: { ...member.user, locale: 'fr-FR' } } });
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en-GB');
  });
});
