import { expect, test, type Page, type Response } from '@playwright/test';
import { loginAt } from '../src/atrium.ts';

// The provider's pages load what they name and nothing else: a stylesheet sent compressed and cached
// as immutable, and an icon, so the browser no longer asks for a missing /favicon.ico (issue 15).

/** Every answer the page's loads got, recorded from now on. */
function answers(page: Page): Response[] {
  const seen: Response[] = [];
  page.on('response', (response) => seen.push(response));
  return seen;
}

const failures = (seen: Response[]): string[] =>
  seen.filter((response) => response.status() >= 400).map((r) => `${r.status()} ${r.url()}`);

/** Waits until the browser asked for the page's icon (it does so after the page has loaded). */
async function iconLoaded(seen: Response[]): Promise<void> {
  await expect
    .poll(() =>
      seen.filter((r) => /\/assets\/favicon-[0-9a-f]{12}\.svg$/.test(r.url())).map((r) => r.status()),
    )
    .toContain(200);
}

test('the login page loads a compressed, immutable stylesheet and its icon, and nothing is missing', async ({
  page,
}) => {
  const seen = answers(page);
  await page.goto('/');
  await page.waitForURL(/\/auth\//);
  await expect(page.getByLabel('Username')).toBeVisible();
  const stylesheet = seen.find((r) => /\/assets\/login-[0-9a-f]{12}\.css$/.test(r.url()));
  expect(stylesheet, seen.map((r) => r.url()).join('\n')).toBeDefined();
  const headers = await stylesheet!.allHeaders();
  expect(headers['content-encoding']).toBe('br');
  expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
  await iconLoaded(seen);
  expect(seen.some((r) => new URL(r.url()).pathname === '/favicon.ico')).toBe(false);
  expect(failures(seen)).toEqual([]);
});

test('the sign-out pages load their icon too, and nothing is missing', async ({ page }) => {
  await loginAt(page, '/', 'userTenantA');
  const seen = answers(page);
  await page.getByRole('button', { name: /userTenantA/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/auth\//);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await iconLoaded(seen);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Username')).toBeVisible();
  expect(seen.some((r) => new URL(r.url()).pathname === '/favicon.ico')).toBe(false);
  expect(failures(seen)).toEqual([]);
});
