import { expect, test, type Page } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';

const TENANT_A = ['Operating account', 'Payroll', 'Tax reserve'];
const TENANT_B = ['Main account', 'Savings', 'Norway branch'];

async function treeText(page: Page): Promise<string> {
  const tree = page.getByRole('tree', { name: 'Accounts' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible();
  // Expand every collapsed group so that every leaf is rendered.
  for (const item of await tree.locator('[role="treeitem"][aria-expanded="false"]').all()) await item.click();
  return tree.innerText();
}

test("the accounts tree shows only the signed-in tenant's accounts", async ({ page, browser }) => {
  await loginAt(page, '/accounts', 'userTenantA');
  const a = await treeText(page);
  for (const name of TENANT_A) expect(a).toContain(name);
  for (const name of TENANT_B) expect(a).not.toContain(name);
  await page.screenshot({ path: test.info().outputPath('tenant-a-accounts.png') });

  const other = await browser.newContext();
  const pageB = await other.newPage();
  await loginAt(pageB, '/accounts', 'userTenantB');
  const b = await treeText(pageB);
  for (const name of TENANT_B) expect(b).toContain(name);
  for (const name of TENANT_A) expect(b).not.toContain(name);
  await pageB.screenshot({ path: test.info().outputPath('tenant-b-accounts.png') });
  await other.close();
});
