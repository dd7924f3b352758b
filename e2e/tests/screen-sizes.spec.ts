import { expect, test, type Browser, type Page } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';
import { expectFullyShown, horizontalOverflow } from '../src/layout-fit.ts';

// A phone and a tablet held upright, and a laptop: nothing may stick out sideways, and every action
// is on screen without scrolling a frame sideways (issue 15).
const SCREENS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'laptop', width: 1280, height: 800 },
] as const;

/** The longest reference the service takes (34 characters, not an IBAN): the widest a cell gets. */
const longReference = (prefix: string): string =>
  `${prefix}${Date.now().toString(36).slice(-6)}`.toUpperCase().padEnd(34, '7');

const OPERATING = 'Operating account (DK5000400440116243)';

async function signedIn(browser: Browser, screen: (typeof SCREENS)[number], path: string, user: string) {
  const context = await browser.newContext({ viewport: { width: screen.width, height: screen.height } });
  const page = await context.newPage();
  await loginAt(page, path, user);
  return page;
}

async function paymentsLoaded(page: Page): Promise<void> {
  await expect(page.getByRole('table', { name: 'Payments' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Loading payments' })).toHaveCount(0);
}

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`) });

for (const screen of SCREENS) {
  const size = `${screen.width}×${screen.height}`;

  test(`${screen.name} ${size}: the top bar, the navigation and the accounts tree fit`, async ({
    browser,
  }) => {
    const page = await signedIn(browser, screen, '/accounts', 'adminTenantA');
    const tree = page.getByRole('tree', { name: 'Accounts' });
    await expect(tree.getByRole('treeitem').first()).toBeVisible();
    await expect.poll(() => horizontalOverflow(page)).toEqual([]);
    const banner = page.getByRole('banner');
    await expectFullyShown(banner.getByRole('button', { name: /adminTenantA/ }));
    await expectFullyShown(banner.getByLabel('Tenant'));
    // Every group opened: every account's balance and actions are on screen.
    for (const group of await tree.getByRole('treeitem', { expanded: false }).all()) await group.click();
    await expect(tree.getByRole('treeitem', { expanded: false })).toHaveCount(0);
    await expectFullyShown(page.getByRole('button', { name: 'Add account' }));
    for (const name of ['Operating account', 'Payroll']) {
      const leaf = tree.getByRole('treeitem', { name: new RegExp(name) }).first();
      await expectFullyShown(leaf.getByText(/DKK/));
      await expectFullyShown(leaf.getByRole('button', { name: `Rename ${name}` }));
      await expectFullyShown(leaf.getByRole('button', { name: `Delete ${name}` }));
    }
    await expectFullyShown(page.getByRole('region', { name: 'Totals by currency' }).getByText(/DKK/));
    await expect.poll(() => horizontalOverflow(page)).toEqual([]);
    await shot(page, 'accounts');
    // The account dialogs fit too, their buttons on screen.
    await page.getByRole('button', { name: 'Add account' }).click();
    const add = page.getByRole('dialog', { name: 'Add account' });
    await expect(add.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect.poll(() => horizontalOverflow(page)).toEqual([]);
    await expectFullyShown(add.getByRole('button', { name: 'Cancel' }));
    await shot(page, 'add-account');
    await add.getByRole('button', { name: 'Cancel' }).click();
    await expect(add).toHaveCount(0);
    await tree.getByRole('button', { name: 'Delete Payroll' }).click();
    const question = page.getByRole('dialog', { name: 'Delete account?' });
    await expect(question.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect.poll(() => horizontalOverflow(page)).toEqual([]);
    await expectFullyShown(question.getByRole('button', { name: 'Delete' }));
    await question.getByRole('button', { name: 'Cancel' }).click();
    await expect(question).toHaveCount(0);

    const navigation = page.getByRole('navigation', { name: 'Main' });
    const toggle = banner.getByRole('button', { name: 'Navigation' });
    if (screen.width < 800) {
      // Below the breakpoint the drawer is a modal menu: opened by its button, focus inside, Escape
      // closes it and gives the focus back to the button.
      await expect(navigation).toBeHidden();
      await toggle.click();
      await expect(navigation.getByRole('link', { name: 'Accounts' })).toBeFocused();
      await expect(page.locator('main')).toHaveAttribute('inert', '');
      await shot(page, 'navigation-open');
      await page.keyboard.press('Escape');
      await expect(navigation).toBeHidden();
      await expect(toggle).toBeFocused();
      await toggle.click();
      await navigation.getByRole('link', { name: 'Administration' }).click();
      await expect(page).toHaveURL(/\/admin/);
      await expect(navigation).toBeHidden();
    } else {
      await expect(toggle).toBeHidden();
      await navigation.getByRole('link', { name: 'Administration' }).click();
    }
    await expect(page.getByRole('heading', { name: 'Users of Tenant A' })).toBeVisible();
    await expect.poll(() => horizontalOverflow(page)).toEqual([]);
    await shot(page, 'administration');
    await page.context().close();
  });

  test(`${screen.name} ${size}: the payments table and its dialog fit, every action is reachable`, async ({
    browser,
  }) => {
    const to = longReference(screen.name.slice(0, 1));
    const member = await signedIn(browser, screen, '/payments', 'userTenantA');
    await paymentsLoaded(member);
    await member.getByRole('button', { name: 'New payment' }).click();
    const dialog = member.getByRole('dialog', { name: 'New payment' });
    await expect(dialog.getByRole('combobox', { name: 'From account' })).toBeFocused();
    await expect.poll(() => horizontalOverflow(member)).toEqual([]);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toContainText('To account is required');
    await expect.poll(() => horizontalOverflow(member)).toEqual([]);
    await shot(member, 'dialog-with-errors');
    await dialog.getByRole('combobox', { name: 'From account' }).click();
    await member.getByRole('option', { name: OPERATING }).click();
    await dialog.getByRole('textbox', { name: 'To account' }).fill(to);
    await dialog.getByRole('textbox', { name: 'Amount' }).fill('12.50');
    await dialog.getByRole('textbox', { name: 'Currency' }).fill('DKK');
    await dialog.getByLabel('Due date').fill('2031-02-03');
    await expectFullyShown(dialog.getByRole('button', { name: 'Cancel' }));
    await expectFullyShown(dialog.getByRole('button', { name: 'Create' }));
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toHaveCount(0);

    const row = member.getByRole('row').filter({ hasText: to });
    await expect(row).toHaveCount(1);
    await expect.poll(() => horizontalOverflow(member)).toEqual([]);
    await expectFullyShown(row.getByText('12.50'));
    await expectFullyShown(row.getByText('Unconfirmed'));
    for (const action of ['Details', 'Edit', 'Delete'])
      await expectFullyShown(
        member.getByRole('button', {
          name: `${action} ${action === 'Details' ? 'of ' : ''}payment to ${to}`,
        }),
      );
    await expectFullyShown(member.getByRole('button', { name: /next page/i }));
    await shot(member, 'payments-member');

    await member.getByRole('button', { name: `Details of payment to ${to}` }).click();
    const details = member.getByRole('dialog');
    await expect(details).toContainText(to);
    await expect.poll(() => horizontalOverflow(member)).toEqual([]);
    await shot(member, 'details');
    await member.keyboard.press('Escape');
    await expect(details).toHaveCount(0);
    await member.context().close();

    const approver = await signedIn(browser, screen, '/payments', 'approverTenantA');
    await paymentsLoaded(approver);
    await expect.poll(() => horizontalOverflow(approver)).toEqual([]);
    const confirm = approver.getByRole('button', { name: `Confirm payment to ${to}` });
    await expectFullyShown(confirm);
    await shot(approver, 'payments-approver');
    await confirm.click();
    await expect(approver.getByRole('row').filter({ hasText: to })).not.toContainText('Unconfirmed');
    await approver.context().close();
  });
}
