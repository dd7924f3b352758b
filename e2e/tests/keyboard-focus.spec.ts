import { expect, test, type Browser, type Page } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';

// A keyboard user always sees where they are (the shell's 3 px ring, inside the elements too) and
// keeps their place: closing a dialog, or an action that re-renders the list, gives the focus back
// to the control they came from, never to <body> (issue 15).

const OPERATING = 'Operating account (DK5000400440116243)';

const reference = (prefix: string): string => `${prefix}${Date.now().toString(36).slice(-6)}`.toUpperCase();

/** The focused element, looked up through open shadow roots: its name, tag and focus ring. */
async function focused(page: Page): Promise<{ name: string; tag: string; outline: string; color: string }> {
  return page.evaluate(() => {
    let element: Element | null = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!element) return { name: '', tag: 'none', outline: '', color: '' };
    const style = getComputedStyle(element);
    return {
      name: element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '',
      tag: element.localName,
      outline: `${style.outlineWidth} ${style.outlineStyle}`,
      color: style.outlineColor,
    };
  });
}

/** Presses Tab until the control named `name` has the focus (as a keyboard user would). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let presses = 0; presses < 80; presses += 1) {
    if ((await focused(page)).name === name) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}; focus is on ${JSON.stringify(await focused(page))}`);
}

async function openPayments(browser: Browser, user: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await loginAt(page, '/payments', user);
  await expect(page.getByRole('table', { name: 'Payments' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Loading payments' })).toHaveCount(0);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`) });

test("buttons inside the elements show the shell's focus ring", async ({ page }) => {
  await loginAt(page, '/payments', 'userTenantA');
  await expect(page.getByRole('button', { name: 'New payment' })).toBeVisible();
  await tabTo(page, 'Payments');
  const shellRing = await focused(page);
  expect(shellRing.tag).toBe('a');
  expect(shellRing.outline).toBe('3px solid');
  await tabTo(page, 'New payment');
  const elementRing = await focused(page);
  expect(elementRing.tag).toBe('button');
  expect(elementRing.outline).toBe('3px solid');
  expect(elementRing.color).toBe(shellRing.color);
  await shot(page, 'element-focus-ring');
  // Inside a dialog too.
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New payment' });
  await expect(dialog.getByRole('combobox', { name: 'From account' })).toBeFocused();
  await tabTo(page, 'Cancel');
  expect(await focused(page)).toMatchObject({ outline: '3px solid', color: shellRing.color });
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  // Closing the dialog gives the focus back to the button that opened it.
  expect((await focused(page)).name).toBe('New payment');
});

test('focus goes back to where the keyboard user was after a dialog, a Confirm and a Delete', async ({
  browser,
}) => {
  const member = await openPayments(browser, 'userTenantA');
  const to = reference('F');
  const other = reference('G');
  for (const account of [to, other]) {
    await member.getByRole('button', { name: 'New payment' }).click();
    const dialog = member.getByRole('dialog', { name: 'New payment' });
    await dialog.getByRole('combobox', { name: 'From account' }).click();
    await member.getByRole('option', { name: OPERATING }).click();
    await dialog.getByRole('textbox', { name: 'To account' }).fill(account);
    await dialog.getByRole('textbox', { name: 'Amount' }).fill('3.25');
    await dialog.getByRole('textbox', { name: 'Currency' }).fill('DKK');
    await dialog.getByLabel('Due date').fill('2032-04-05');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(member.getByRole('row').filter({ hasText: account })).toHaveCount(1);
  }

  // Edit, saved with the keyboard: the list reloads and the Edit button has the focus again.
  await tabTo(member, `Edit payment to ${to}`);
  await member.keyboard.press('Enter');
  const edit = member.getByRole('dialog', { name: 'Edit payment' });
  await expect(edit.getByRole('textbox', { name: 'Amount' })).toBeVisible();
  await edit.getByRole('textbox', { name: 'Amount' }).fill('4.50');
  await edit.getByRole('textbox', { name: 'Amount' }).press('Enter');
  await expect(edit).toHaveCount(0);
  await expect(member.getByRole('row').filter({ hasText: to })).toContainText('4.50');
  await expect.poll(async () => (await focused(member)).name).toBe(`Edit payment to ${to}`);

  // Delete, agreed to with the keyboard: the row is gone, focus stays in the table.
  await tabTo(member, `Delete payment to ${other}`);
  await member.keyboard.press('Enter');
  const question = member.getByRole('dialog', { name: 'Delete payment?' });
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await member.keyboard.press('Tab');
  await member.keyboard.press('Enter');
  await expect(member.getByRole('row').filter({ hasText: other })).toHaveCount(0);
  await expect.poll(async () => (await focused(member)).name).toMatch(/^Details of payment to /);
  await shot(member, 'after-delete');
  await member.context().close();

  // The approver confirms with the keyboard: the Confirm button is gone, its row keeps the focus.
  const approver = await openPayments(browser, 'approverTenantA');
  await tabTo(approver, `Confirm payment to ${to}`);
  await approver.keyboard.press('Enter');
  await expect(approver.getByRole('row').filter({ hasText: to })).not.toContainText('Unconfirmed');
  await expect.poll(async () => (await focused(approver)).name).toBe(`Details of payment to ${to}`);
  await shot(approver, 'after-confirm');
  // Details and back: Escape closes the dialog, focus is on Details again.
  await approver.keyboard.press('Enter');
  await expect(approver.getByRole('dialog', { name: 'Payment details' })).toContainText(to);
  await approver.keyboard.press('Escape');
  await expect(approver.getByRole('dialog')).toHaveCount(0);
  await expect.poll(async () => (await focused(approver)).name).toBe(`Details of payment to ${to}`);
  await approver.context().close();
});
