import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { entry, fakeSession, registryOf, renderShell } from '../../test/fake-services.tsx';

const navLinks = (): string[] =>
  within(screen.getByRole('navigation', { name: 'Main' }))
    .queryAllByRole('link')
    .map((link) => link.textContent ?? '');

describe('layout', () => {
  it('shows the product, the tenant name and the user', () => {
    renderShell('/');
    const banner = screen.getByRole('banner');
    expect(within(banner).getByText('Atrium')).toBeTruthy();
    expect(within(banner).getByLabelText('Tenant').textContent).toBe('Tenant A');
    expect(within(banner).getByRole('button', { name: /userTenantA/ })).toBeTruthy();
  });

  it('shows a member Accounts and Payments but not Administration', () => {
    renderShell('/');
    expect(navLinks()).toEqual(['Accounts', 'Payments']);
  });

  it('shows a tenant admin Administration too', () => {
    renderShell('/', { session: fakeSession('admin') });
    expect(navLinks()).toEqual(['Accounts', 'Payments', 'Administration']);
  });

  it('shows the operator, who has no tenant, only Administration', () => {
    renderShell('/', { session: fakeSession('operator') });
    expect(navLinks()).toEqual(['Administration']);
    expect(screen.queryByLabelText('Tenant')).toBeNull();
  });

  it('hides an entry whose roles the user lacks, and its route does not exist for them', () => {
    const registry = registryOf(entry('accounts'), entry('payments', { roles: ['approver'] }));
    renderShell('/payments', { initialRegistry: registry, session: fakeSession('viewer') });
    expect(navLinks()).toEqual(['Accounts']);
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeTruthy();
  });

  it("orders the navigation by the registry entries' order and shows their groups and icons", () => {
    const registry = registryOf(
      entry('accounts', { order: 20 }),
      entry('payments', { order: 10 }),
      entry('reports', { group: 'Finance', order: 30, icon: '/mfe/reports/1/icon.svg' }),
      entry('ledger', { group: 'Finance', order: 40 }),
    );
    renderShell('/', { initialRegistry: registry });
    expect(navLinks()).toEqual(['Payments', 'Accounts', 'Reports', 'Ledger']);
    const finance = within(screen.getByRole('navigation', { name: 'Main' })).getByRole('list', {
      name: 'Finance',
    });
    expect(
      within(finance)
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual(['Reports', 'Ledger']);
    const reports = within(finance).getByRole('link', { name: 'Reports' });
    expect(reports.querySelector('img')?.getAttribute('src')).toBe('/mfe/reports/1/icon.svg');
  });

  it('signs out at the provider from the user menu', async () => {
    const session = fakeSession('member');
    renderShell('/', { session });
    await userEvent.click(screen.getByRole('button', { name: /userTenantA/ }));
    const menu = screen.getByRole('menu', { name: 'User menu' });
    await userEvent.click(within(menu).getByRole('menuitem', { name: 'Sign out' }));
    expect(session.signOut).toHaveBeenCalledOnce();
  });

  it('switches to the dark theme from the user menu', async () => {
    renderShell('/');
    await userEvent.click(screen.getByRole('button', { name: /userTenantA/ }));
    await userEvent.click(screen.getByRole('menuitemradio', { name: 'Dark theme' }));
    expect(document.documentElement.getAttribute('data-color-scheme')).toBe('dark');
    await userEvent.click(screen.getByRole('menuitemradio', { name: 'System theme' }));
    expect(document.documentElement.hasAttribute('data-color-scheme')).toBe(false);
  });

  it('keeps the shell usable when the registry cannot be read, with Retry', async () => {
    let calls = 0;
    renderShell('/', {
      initialRegistry: undefined,
      fetchRegistry: async () => {
        calls += 1;
        return registryOf(entry('accounts'));
      },
    });
    expect(screen.getByRole('alert').textContent).toMatch(/registry could not be loaded/);
    expect(screen.getByRole('heading', { name: /Welcome/ })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(calls).toBe(1);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(navLinks()).toEqual(['Accounts']);
  });
});
