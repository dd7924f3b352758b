import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';
import { seriousViolations } from '../src/axe.ts';

/** A to-account no other scenario uses, in capitals as the service stores references. */
const uniqueAccount = (prefix: string): string =>
  `${prefix}${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 36).toString(36)}`
    .slice(0, 8)
    .toUpperCase();

/** Tenant A's demo accounts, as the from-account picker names them (nickname and IBAN). */
const OPERATING = 'Operating account (DK5000400440116243)';
const PAYROLL = /^Payroll \(DK\d{2}00400440116251\)$/;

const table = (page: Page): Locator => page.getByRole('table', { name: 'Payments' });
const rowTo = (page: Page, toAccount: string): Locator =>
  table(page).getByRole('row').filter({ hasText: toAccount });

/** Waits until the payments table has its data (no loading bar, no error). */
async function tableLoaded(page: Page): Promise<void> {
  await expect(table(page)).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Loading payments' })).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: 'could not be loaded' })).toHaveCount(0);
}

async function openPayments(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAt(page, '/payments', username);
  await tableLoaded(page);
  return page;
}

/**
 * Material fades dialogs in (error texts no longer fade: the element kit turns that off): a scan
 * mid-fade measures half-transparent text. Polling lets the fade end; a violation that stays still
 * fails when the poll times out.
 */
async function expectNoSeriousViolations(page: Page): Promise<void> {
  await expect.poll(() => seriousViolations(page)).toEqual([]);
}

/**
 * Opens a payment dialog; its first field, the from-account picker (the accounts API is there in
 * every topology), has the focus as soon as it shows.
 */
async function openDialog(page: Page, button: string, title: string): Promise<Locator> {
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog', { name: title });
  await expect(dialog.getByRole('combobox', { name: 'From account' })).toBeFocused();
  return dialog;
}

/** Picks one of the tenant's accounts in the from-account picker. */
async function pickFrom(page: Page, dialog: Locator, account: string | RegExp): Promise<void> {
  await dialog.getByRole('combobox', { name: 'From account' }).click();
  await page.getByRole('option', { name: account }).click();
  await expect(page.getByRole('listbox', { name: 'From account' })).toHaveCount(0);
}

interface Draft {
  /** An option of the from-account picker. */
  from: string | RegExp;
  to: string;
  amount: string;
  currency?: string;
  dueDate: string;
  message?: string;
}

async function fillForm(page: Page, dialog: Locator, draft: Draft): Promise<void> {
  await pickFrom(page, dialog, draft.from);
  await dialog.getByRole('textbox', { name: 'To account' }).fill(draft.to);
  await dialog.getByRole('textbox', { name: 'Amount' }).fill(draft.amount);
  await dialog.getByRole('textbox', { name: 'Currency' }).fill(draft.currency ?? 'DKK');
  await dialog.getByLabel('Due date').fill(draft.dueDate);
  await dialog.getByRole('textbox', { name: 'Message' }).fill(draft.message ?? '');
}

async function createPayment(page: Page, draft: Draft): Promise<void> {
  const dialog = await openDialog(page, 'New payment', 'New payment');
  await fillForm(page, dialog, draft);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toHaveCount(0);
}

test('a payment is validated, created, edited, confirmed by an approver and hidden from Tenant B', async ({
  page,
  browser,
}) => {
  const to = uniqueAccount('V');
  const tooLong = uniqueAccount('X').padEnd(35, '9');
  const badIban = 'DK5100400440116243';
  await loginAt(page, '/payments', 'userTenantA');
  await tableLoaded(page);

  // Bad input: every rule the service enforces is reported in the form and nothing is sent.
  const dialog = await openDialog(page, 'New payment', 'New payment');
  await fillForm(page, dialog, {
    from: OPERATING,
    // The picked account, typed the way a person reads it aloud: still the same account.
    to: 'dk50 0040 0440 1162 43',
    amount: '12.345',
    dueDate: '',
    message: 'A message that is much longer than thirty characters',
  });
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toContainText('To account must differ from From account');
  await expect(dialog).toContainText('DKK amounts have at most 2 decimals');
  await expect(dialog).toContainText('Due date is required');
  await expect(dialog).toContainText('Message must be at most 30 characters');
  // References fit real account numbers now (ADR 0005): 34 characters at most, IBANs verified.
  expect(tooLong).toHaveLength(35);
  await dialog.getByRole('textbox', { name: 'To account' }).fill(tooLong);
  await dialog.getByRole('textbox', { name: 'Amount' }).fill('0');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toContainText('To account must be at most 34 characters');
  await expect(dialog).toContainText('Amount must be greater than 0');
  await dialog.getByRole('textbox', { name: 'To account' }).fill(badIban);
  await expect(dialog).toContainText('To account is not a valid IBAN: the IBAN check digits do not match');
  await page.screenshot({ path: test.info().outputPath('validation.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await tableLoaded(page);
  await expect(rowTo(page, tooLong)).toHaveCount(0);
  await expect(rowTo(page, badIban)).toHaveCount(0);

  // A good payment from one of Tenant A's real accounts appears in the table, unconfirmed.
  await createPayment(page, {
    from: OPERATING,
    to,
    amount: '125.50',
    dueDate: '2030-01-15',
    message: 'Rent',
  });
  await expect(rowTo(page, to)).toHaveCount(1);
  await expect(rowTo(page, to)).toContainText('DK5000400440116243');
  await expect(rowTo(page, to)).toContainText('125.50');
  await expect(rowTo(page, to)).toContainText('Unconfirmed');
  await page.screenshot({ path: test.info().outputPath('created.png') });

  // Editing changes it.
  const edit = await openDialog(page, `Edit payment to ${to}`, 'Edit payment');
  await expect(edit.getByRole('textbox', { name: 'Amount' })).toHaveValue('125.5');
  await edit.getByRole('textbox', { name: 'Amount' }).fill('200.75');
  await edit.getByRole('textbox', { name: 'Message' }).fill('Rent, corrected');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toHaveCount(0);
  await expect(rowTo(page, to)).toContainText('200.75');
  await expect(rowTo(page, to)).not.toContainText('125.50');
  await page.screenshot({ path: test.info().outputPath('edited.png') });

  // The approver confirms it; the member may no longer edit it.
  const approver = await openPayments(browser, 'approverTenantA');
  await approver.getByRole('button', { name: `Confirm payment to ${to}` }).click();
  await expect(rowTo(approver, to)).toContainText('Confirmed');
  await expect(rowTo(approver, to)).not.toContainText('Unconfirmed');
  await expect(approver.getByRole('button', { name: `Confirm payment to ${to}` })).toHaveCount(0);
  await approver.screenshot({ path: test.info().outputPath('confirmed.png') });
  await approver.context().close();
  await page.reload();
  await tableLoaded(page);
  await expect(rowTo(page, to)).not.toContainText('Unconfirmed');
  await expect(page.getByRole('button', { name: `Edit payment to ${to}` })).toHaveCount(0);

  // Tenant B sees none of it.
  const other = await openPayments(browser, 'userTenantB');
  await expect(rowTo(other, to)).toHaveCount(0);
  await expect(other.getByRole('button', { name: /^Details of payment to / })).toHaveCount(0);
  await other.screenshot({ path: test.info().outputPath('tenant-b.png') });
  await other.context().close();
});

test('a payment created in one browser appears in another of the same tenant without reload', async ({
  browser,
}) => {
  const to = uniqueAccount('L');
  const watcherContext = await browser.newContext();
  const watcher = await watcherContext.newPage();
  // The live update needs the watcher's subscription in place before the payment is created.
  const subscribed = new Promise<void>((resolve) => {
    watcher.on('websocket', (socket) => {
      if (!socket.url().includes('/graphql')) return;
      socket.on('framesent', (frame) => {
        if (typeof frame.payload === 'string' && frame.payload.includes('"subscribe"')) resolve();
      });
    });
  });
  await loginAt(watcher, '/payments', 'userTenantA');
  await tableLoaded(watcher);
  await subscribed;
  let reloaded = false;
  watcher.on('framenavigated', (frame) => {
    if (frame === watcher.mainFrame()) reloaded = true;
  });

  const creator = await openPayments(browser, 'userTenantA');
  await createPayment(creator, { from: PAYROLL, to, amount: '10', dueDate: '2031-06-01' });
  await expect(rowTo(creator, to)).toHaveCount(1);

  await expect(rowTo(watcher, to)).toHaveCount(1);
  expect(reloaded).toBe(false);
  await watcher.screenshot({ path: test.info().outputPath('live-update.png') });
  await creator.context().close();
  await watcherContext.close();
});

test('the payments table and its dialog have no serious or critical accessibility violations', async ({
  page,
}) => {
  await loginAt(page, '/payments', 'userTenantA');
  await tableLoaded(page);
  await expectNoSeriousViolations(page);

  const dialog = await openDialog(page, 'New payment', 'New payment');
  await expectNoSeriousViolations(page);
  // With the validation messages showing, too.
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toContainText('To account is required');
  await expectNoSeriousViolations(page);
  await page.screenshot({ path: test.info().outputPath('dialog.png') });
});
