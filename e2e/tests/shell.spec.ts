import { expect, test, type Page } from '@playwright/test';
import { fillLogin, loginAt } from '../src/atrium.ts';

const drawer = (page: Page) => page.getByRole('navigation', { name: 'Main' });

test('userTenantA logs in and the shell shows the user and Tenant A', async ({ page }) => {
  await loginAt(page, '/', 'userTenantA');
  const banner = page.getByRole('banner');
  await expect(banner.getByLabel('Tenant')).toHaveText('Tenant A');
  await expect(banner.getByRole('button', { name: /userTenantA/ })).toBeVisible();
  await expect(drawer(page).getByRole('link')).toHaveText(['Accounts', 'Payments']);
});

test('a deep link visited while signed out lands there after login; reload keeps it', async ({ page }) => {
  await loginAt(page, '/accounts?from=deep-link', 'userTenantA');
  await expect(page.locator('atrium-accounts')).toBeAttached();
  // Tokens live in memory: a reload goes through the provider's session and comes back, no form.
  await page.reload();
  await page.waitForURL((url) => url.pathname === '/accounts' && url.search === '?from=deep-link');
  await expect(page.getByRole('banner')).toContainText('userTenantA');
});

test('a reload signs in silently: the page never leaves for the provider', async ({ page }) => {
  await loginAt(page, '/payments', 'userTenantA');
  await expect(page.locator('atrium-payments')).toBeAttached();
  const authorizeRequests: { mainFrame: boolean; prompt: string | null }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('/auth') && url.searchParams.has('client_id'))
      authorizeRequests.push({
        mainFrame: request.frame() === page.mainFrame(),
        prompt: url.searchParams.get('prompt'),
      });
  });
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(new URL(frame.url()).pathname);
  });
  await page.reload();
  await expect(page.getByRole('banner')).toContainText('userTenantA');
  await expect(page.locator('atrium-payments').getByRole('heading', { level: 1 })).toBeVisible();
  // The provider's session answered in the hidden iframe (prompt=none); the page stayed on /payments.
  expect(authorizeRequests).toEqual([{ mainFrame: false, prompt: 'none' }]);
  expect(navigations.filter((path) => path !== '/payments')).toEqual([]);
  await expect(page.locator('iframe')).toHaveCount(0);
});

test('back and forward move between the micro-frontends', async ({ page }) => {
  await loginAt(page, '/accounts', 'userTenantA');
  await drawer(page).getByRole('link', { name: 'Payments' }).click();
  await expect(page).toHaveURL(/\/payments$/);
  await expect(page.locator('atrium-payments')).toBeAttached();
  await page.goBack();
  await expect(page).toHaveURL(/\/accounts$/);
  await expect(page.locator('atrium-accounts')).toBeAttached();
  await page.goForward();
  await expect(page).toHaveURL(/\/payments$/);
});

test('sign-out ends the session at the provider', async ({ page }) => {
  await loginAt(page, '/', 'userTenantA');
  await page.getByRole('button', { name: /userTenantA/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  // The provider confirms (RP-initiated logout), then the shell, now without a session, sends the
  // user back to the provider, which asks for credentials again.
  await page.waitForURL(/\/auth\//);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Username')).toBeVisible();
  await page.goto('/payments');
  await page.waitForURL(/\/auth\//);
  await fillLogin(page, 'userTenantB');
  await page.waitForURL((url) => url.pathname === '/payments');
  await expect(page.getByRole('banner').getByLabel('Tenant')).toHaveText('Tenant B');
});

test('administration is shown to tenant admins, not to members', async ({ page }) => {
  await loginAt(page, '/admin', 'adminTenantA');
  await expect(drawer(page).getByRole('link')).toHaveText(['Accounts', 'Payments', 'Administration']);
  await expect(page.getByRole('heading', { name: 'Users of Tenant A' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'userTenantA', exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'userTenantB', exact: true })).toHaveCount(0);
});

test('the operator sees only Administration, with tenants', async ({ page }) => {
  await loginAt(page, '/', 'operator');
  await expect(drawer(page).getByRole('link')).toHaveText(['Administration']);
  await drawer(page).getByRole('link', { name: 'Administration' }).click();
  await expect(
    page.getByRole('region', { name: 'Tenants' }).getByRole('cell', { name: 'Tenant B' }),
  ).toBeVisible();
});
