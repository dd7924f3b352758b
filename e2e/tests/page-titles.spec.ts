import { expect, test, type Locator, type Page } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';

// Each route names itself in the document title (the browser tab, history, a screen reader's page
// announcement), and every page's heading, the shell's own and the elements', looks the same and
// starts at the same place (issue 15).

const drawer = (page: Page): Locator => page.getByRole('navigation', { name: 'Main' });

async function headingLook(heading: Locator): Promise<Record<string, string | number>> {
  await expect(heading).toBeVisible();
  return heading.evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      fontSize: style.fontSize,
      fontWeight: style.fontWeight,
      lineHeight: style.lineHeight,
      fontFamily: style.fontFamily,
      left: Math.round(element.getBoundingClientRect().left),
      top: Math.round(element.getBoundingClientRect().top),
    };
  });
}

test('every route sets its own document title', async ({ page }) => {
  await loginAt(page, '/', 'adminTenantA');
  await expect(page).toHaveTitle('Home – Tenant A – Atrium');
  await drawer(page).getByRole('link', { name: 'Payments' }).click();
  await expect(page).toHaveTitle('Payments – Tenant A – Atrium');
  await drawer(page).getByRole('link', { name: 'Accounts' }).click();
  await expect(page).toHaveTitle('Accounts – Tenant A – Atrium');
  await drawer(page).getByRole('link', { name: 'Administration' }).click();
  await expect(page).toHaveTitle('Administration – Tenant A – Atrium');
  await page.goBack();
  await expect(page).toHaveTitle('Accounts – Tenant A – Atrium');
  await page.goto('/nowhere');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page).toHaveTitle('Page not found – Tenant A – Atrium');
});

test("the shell's pages and the elements share one heading style and one content inset", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await loginAt(page, '/admin', 'adminTenantA');
  const shellPage = await headingLook(page.getByRole('heading', { level: 1, name: 'Administration' }));
  await drawer(page).getByRole('link', { name: 'Payments' }).click();
  const payments = await headingLook(
    page.locator('atrium-payments').getByRole('heading', { level: 1, name: 'Payments' }),
  );
  await drawer(page).getByRole('link', { name: 'Accounts' }).click();
  const accounts = await headingLook(
    page.locator('atrium-accounts').getByRole('heading', { level: 1, name: 'Accounts' }),
  );
  await page.screenshot({ path: test.info().outputPath('accounts-heading.png') });
  expect(payments).toEqual(shellPage);
  expect(accounts).toEqual(shellPage);
});
