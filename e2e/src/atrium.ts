import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { NODE, REPO_ROOT } from './node-runtime.ts';
import type { TopologyRun } from './topology.ts';

const run = promisify(execFile);

/** The topology the running test's project drives (set by playwright.config.ts). */
export const topology = (): TopologyRun => test.info().project.metadata as TopologyRun;

/** The data folder of the server under test (the host's store lives in it). */
export const dataDir = (): string => topology().dataDir;

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

/** The host's publish/rollback CLI against the data folder of the server under test. */
export async function hostCli(...args: string[]): Promise<string> {
  const { stdout } = await run(NODE, ['services/host/src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ATRIUM_DATA_DIR: dataDir() },
  });
  return stdout;
}

/**
 * Waits until every host of the topology answers the same `/registry.json`: after a change through
 * one cluster host, the others see it within HOST_REGISTRY_POLL_MS (one host elsewhere: at once).
 */
export async function registrySettled(): Promise<void> {
  const hosts = topology().hosts;
  await expect
    .poll(
      async () => {
        const bodies = await Promise.all(
          hosts.map(async (host) => (await fetch(`${host}/registry.json`)).text()),
        );
        return new Set(bodies).size;
      },
      { message: `the registry is the same on ${hosts.join(', ')}`, timeout: 30_000 },
    )
    .toBe(1);
}
