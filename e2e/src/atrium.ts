import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, type Page } from '@playwright/test';

const run = promisify(execFile);

/** The server under test (set by playwright.config.ts). */
export const baseURL = (): string => process.env['ATRIUM_E2E_URL'] ?? 'http://localhost:8080';
export const dataDir = (): string => process.env['ATRIUM_E2E_DATA_DIR'] ?? '.atrium';

export const DEMO_PASSWORD = 'demo-password';

/** Fills the identity service's login form and submits it. */
export async function fillLogin(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await expect(page.getByLabel('Username')).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

/** Opens `path` signed out, logs in, and waits until the shell shows that path again. */
export async function loginAt(page: Page, path: string, username: string): Promise<void> {
  await page.goto(path);
  await page.waitForURL(/\/auth\//);
  await fillLogin(page, username);
  await page.waitForURL((url) => url.pathname + url.search === path);
  await expect(page.getByRole('banner')).toContainText(username);
}

/** The host's publish/rollback CLI against the server's data folder. */
export async function hostCli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['services/host/src/cli.ts', ...args], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: { ...process.env, ATRIUM_DATA_DIR: dataDir() },
  });
  return stdout;
}
