import { expect, test, type Browser, type Page } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';

// One locale per user for labels, numbers and dates alike: the first of the browser's preferred
// locales whose language has labels (English and Danish), else English. A Danish browser showed
// "125,50 kr." and "3. feb. 2031" beside English labels (issue 15); now it sees Danish throughout.

const OPERATING = 'Operating account (DK5000400440116243)';

async function signedIn(browser: Browser, locale: string, path: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await loginAt(page, path, 'userTenantA');
  return page;
}

/** The new-payment dialog's names in one language. */
interface FormNames {
  readonly loading: string;
  readonly newPayment: string;
  readonly from: string;
  readonly to: string;
  readonly amount: string;
  readonly currency: string;
  readonly dueDate: string;
  readonly create: string;
}

const ENGLISH: FormNames = {
  loading: 'Loading payments',
  newPayment: 'New payment',
  from: 'From account',
  to: 'To account',
  amount: 'Amount',
  currency: 'Currency',
  dueDate: 'Due date',
  create: 'Create',
};

const DANISH: FormNames = {
  loading: 'Indlæser betalinger',
  newPayment: 'Ny betaling',
  from: 'Fra konto',
  to: 'Til konto',
  amount: 'Beløb',
  currency: 'Valuta',
  dueDate: 'Forfaldsdato',
  create: 'Opret',
};

async function createPayment(page: Page, to: string, names: FormNames = ENGLISH): Promise<void> {
  await expect(page.getByRole('progressbar', { name: names.loading })).toHaveCount(0);
  await page.getByRole('button', { name: names.newPayment }).click();
  const dialog = page.getByRole('dialog', { name: names.newPayment });
  await dialog.getByRole('combobox', { name: names.from }).click();
  await page.getByRole('option', { name: OPERATING }).click();
  await dialog.getByRole('textbox', { name: names.to }).fill(to);
  await dialog.getByRole('textbox', { name: names.amount }).fill('1234.5');
  await dialog.getByRole('textbox', { name: names.currency }).fill('DKK');
  await dialog.getByLabel(names.dueDate).fill('2031-02-03');
  await dialog.getByRole('button', { name: names.create }).click();
  await expect(dialog).toHaveCount(0);
}

const plain = (text: string): string => text.replace(/\s/g, ' ');

test('a Danish browser sees Danish labels with Danish numbers and dates', async ({ browser }) => {
  const page = await signedIn(browser, 'da-DK', '/payments');
  expect(await page.evaluate(() => navigator.language)).toBe('da-DK');
  await expect(page.locator('html')).toHaveAttribute('lang', 'da-DK');
  await expect(page.getByRole('link', { name: 'Gå til indholdet' })).toBeAttached();
  await expect(page.getByRole('heading', { name: 'Betalinger', level: 1 })).toBeVisible();
  // The navigation and the document title name the element by its manifest's Danish title.
  await expect(page).toHaveTitle('Betalinger – Tenant A – Atrium');
  const to = `DA${Date.now().toString(36).slice(-6)}`.toUpperCase();
  await createPayment(page, to, DANISH);
  await expect(page.getByRole('columnheader', { name: 'Fra konto' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Næste side' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: to });
  await expect(row).toContainText('Ikke godkendt');
  expect(plain(await row.innerText())).toContain('1.234,50 kr.');
  expect(await row.innerText()).toContain('3. feb. 2031');
  await row.getByRole('button', { name: `Detaljer om betaling til ${to}` }).click();
  const details = page.getByRole('dialog', { name: 'Betalingsdetaljer' });
  await expect(details).toContainText('3. feb. 2031');
  await expect(details).toContainText('Revisionsspor');
  expect(plain(await details.innerText())).toContain('1.234,50 kr.');
  await page.keyboard.press('Escape');
  await page.screenshot({ path: test.info().outputPath('danish-browser-payments.png') });

  await page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link', { name: 'Konti' }).click();
  await expect(page.getByRole('heading', { name: 'Konti', level: 1 })).toBeVisible();
  const totals = page.getByRole('region', { name: 'Totaler pr. valuta' });
  await expect(totals).toContainText('kr.');
  expect(plain(await totals.innerText())).toMatch(/\d{1,3}(\.\d{3})*,\d{2} kr\./);
  await expect(page.getByText('Indenlandsk', { exact: true })).toBeVisible();
  await page.context().close();
});

test('an English browser sees English labels with English numbers and dates', async ({ browser }) => {
  const page = await signedIn(browser, 'en-US', '/payments');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-US');
  const to = `US${Date.now().toString(36).slice(-6)}`.toUpperCase();
  await createPayment(page, to);
  const row = page.getByRole('row').filter({ hasText: to });
  await expect(row).toContainText('Unconfirmed');
  expect(plain(await row.innerText())).toContain('DKK 1,234.50');
  expect(await row.innerText()).toContain('Feb 3, 2031');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await page.context().close();
});

test('a British browser keeps its region: English labels, British dates', async ({ browser }) => {
  const page = await signedIn(browser, 'en-GB', '/payments');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-GB');
  const to = `GB${Date.now().toString(36).slice(-6)}`.toUpperCase();
  await createPayment(page, to);
  const row = page.getByRole('row').filter({ hasText: to });
  await expect(row).toContainText('3 Feb 2031');
  await expect(row).toContainText('Unconfirmed');
  await expect(page.getByRole('button', { name: 'New payment' })).toBeVisible();
  await page.context().close();
});
