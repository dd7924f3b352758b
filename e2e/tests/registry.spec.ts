import { cp, readFile, rm, writeFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { dataDir, hostCli, loginAt } from '../src/atrium.ts';

const repo = new URL('../../', import.meta.url).pathname;

/** The copies made by this run, removed at the end whatever happened. */
const copies: string[] = [];

/** A copy of the payments build with a changed entry: a new version without rebuilding anything. */
async function variantOfPayments(version: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atrium-e2e-build-'));
  copies.push(dir);
  await cp(join(repo, 'apps/payments/dist/browser'), dir, { recursive: true });
  const manifestPath = join(dir, 'atrium-manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { version: string; entry: string };
  await writeFile(
    join(dir, manifest.entry),
    `${await readFile(join(dir, manifest.entry), 'utf8')}\n// ${version}\n`,
  );
  await writeFile(manifestPath, JSON.stringify({ ...manifest, version }));
  return dir;
}

async function liveVersion(request: APIRequestContext): Promise<{ version: string; entry: string }> {
  const registry = (await (await request.get('/registry.json')).json()) as {
    microFrontends: { name: string; version: string; entry: string }[];
  };
  const payments = registry.microFrontends.find((m) => m.name === 'payments');
  if (!payments) throw new Error('payments is not in the registry');
  return payments;
}

test('a missing payments entry shows Retry there only; rollback and publish change what users get', async ({
  page,
  request,
}) => {
  const original = await liveVersion(request);
  // Whatever happens below, later scenarios get the original payments back.
  test.info().attach('original version', { body: original.version });
  try {
    await scenario(page, request, original);
  } finally {
    while ((await liveVersion(request)).version !== original.version) await hostCli('rollback', 'payments');
    await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
});

async function scenario(
  page: Page,
  request: APIRequestContext,
  original: { version: string },
): Promise<void> {
  // Publish a new version, then lose its entry file: the registry now points at a missing file.
  const broken = await variantOfPayments('9.9.9');
  await hostCli('publish', 'payments', broken);
  const brokenVersion = await liveVersion(request);
  expect(brokenVersion.version).toMatch(/^9\.9\.9\+/);
  const folder = join(dataDir(), 'host', 'mfe', 'payments', decodeURIComponent(brokenVersion.version));
  for (const file of await readdir(folder))
    if (file.startsWith(brokenVersion.entry.split('/').at(-1) ?? '-')) await rm(join(folder, file));

  await loginAt(page, '/payments', 'userTenantA');
  const panel = page.getByRole('alert');
  await expect(panel).toContainText('Payments is unavailable');
  await expect(panel.getByRole('button', { name: 'Retry' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('payments-missing.png') });

  // The shell and the other micro-frontend keep working.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
  await expect(page.locator('atrium-accounts')).toBeAttached();
  await expect(page.getByRole('alert').filter({ hasText: 'is unavailable' })).toHaveCount(0);

  // Roll back (no rebuild): the navigation back to Payments re-checks the registry, and the
  // rolled-back version loads without a Retry.
  await hostCli('rollback', 'payments');
  expect((await liveVersion(request)).version).toBe(original.version);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).click();
  await expect(page.locator('atrium-payments')).toBeAttached();
  await expect(page.getByRole('alert').filter({ hasText: 'unavailable' })).toHaveCount(0);

  // Publishing a working new version changes what the next page load gets.
  const good = await variantOfPayments('1.2.3');
  await hostCli('publish', 'payments', good);
  const next = await liveVersion(request);
  expect(next.version).toMatch(/^1\.2\.3\+/);
  const loaded = page.waitForResponse((response) => response.url().includes(next.entry));
  await page.reload();
  expect((await loaded).status()).toBe(200);
  await expect(page.locator('atrium-payments')).toBeAttached();
}
