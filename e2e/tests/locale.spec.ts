import { expect, test, type Browser, type Page } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';

// One locale per user for labels, numbers and dates alike: the first of the browser's preferred
// locales whose language has labels (English so far), else English. A Danish browser showed
// "125,50 kr." and "3. feb. 2031" beside English labels (issue 15).

const OPERATING = 'Operating account (DK5000400440116243)';

async function signedIn(browser: Browser, locale: string, path: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await loginAt(page, path, 'userTenantA');
  return page;
}

async function createPayment(page: Page, to: string): Promise<void> {
  await expect(page.getByRole('progressbar', { name: 'Loading payments' })).toHaveCount(0);
  await page.getByRole('button', { name: 'New payment' }).click();
  const dialog = page.getByRole('dialog', { name: 'New payment' });
  await dialog.getByRole('combobox', { name: 'From account' }).click();
  await page.getByRole('option', { name: OPERATING }).click();
  await dialog.getByRole('textbox', { name: 'To account' }).fill(to);
  await dialog.getByRole('textbox', { name: 'Amount' }).fill('1234.5');
  await dialog.getByRole('textbox', { name: 'Currency' }).fill('DKK');
  await dialog.getByLabel('Due date').fill('2031-02-03');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toHaveCount(0);
}

const plain = (text: string): string => text.replace(/\s/g, ' ');

test('a Danish browser sees English labels with English numbers and dates', async ({ browser }) => {
  const page = await signedIn(browser, 'da-DK', '/payments');
  expect(await page.evaluate(() => navigator.language)).toBe('da-DK');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const to = `DA${Date.now().toString(36).slice(-6)}`.toUpperCase();
  await createPayment(page, to);
  const row = page.getByRole('row').filter({ hasText: to });
  await expect(row).toContainText('Unconfirmed');
  expect(plain(await row.innerText())).toContain('DKK 1,234.50');
  expect(await row.innerText()).toContain('Feb 3, 2031');
  await row.getByRole('button', { name: `Details of payment to ${to}` }).click();
  const details = page.getByRole('dialog', { name: 'Payment details' });
  await expect(details).toContainText('Feb 3, 2031');
  expect(plain(await details.innerText())).toContain('DKK 1,234.50');
  await page.keyboard.press('Escape');
  await page.screenshot({ path: test.info().outputPath('danish-browser-payments.png') });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
  const totals = page.getByRole('region', { name: 'Totals by currency' });
  await expect(totals).toContainText('DKK');
  expect(plain(await totals.innerText())).toMatch(/DKK \d{1,3}(,\d{3})*\.\d{2}/);
  expect(await totals.innerText()).not.toContain('kr.');
  await page.context().close();
});

test('a British browser keeps its region: English labels, British dates', async ({ browser }) => {
  const page = await signedIn(browser, 'en-GB', '/payments');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-GB');
  const to = `GB${Date.now().toString(36).slice(-6)}`.toUpperCase();
  await createPayment(page, to);
  const row = page.getByRole('row').filter({ hasText: to });
  await expect(row).toContainText('3 Feb 2031');
  await page.context().close();
});
