import { expect, test } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';
import { seriousViolations } from '../src/axe.ts';

test('the login page has no serious or critical accessibility violations', async ({ page }) => {
  await page.goto('/');
  await page.waitForURL(/\/auth\//);
  await expect(page.getByLabel('Username')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the shell with the accounts tree has no serious or critical accessibility violations', async ({
  page,
}) => {
  await loginAt(page, '/accounts', 'userTenantA');
  await expect(page.getByRole('tree', { name: 'Accounts' }).getByRole('treeitem').first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the administration page has no serious or critical accessibility violations', async ({ page }) => {
  await loginAt(page, '/admin', 'adminTenantA');
  await expect(page.getByRole('heading', { name: 'Users of Tenant A' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
