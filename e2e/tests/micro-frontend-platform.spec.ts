// A third team's path through the platform, in the browser: a plain custom element (no framework)
// published through the host's HTTP API with the team's client-credentials token, seen by a page
// left open, rolled back and retired; the registry's governance; failures and updates handled in
// the route (render error → Retry, a version already defined → Reload); a shell redeploy under an
// open page.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { writeBuildManifest } from '@atrium/contracts/write-build-manifest';
import { loginAt, registrySettled, topology } from '../src/atrium.ts';
import { NODE, REPO_ROOT } from '../src/node-runtime.ts';
import { e2ePublisher } from '../src/publisher.ts';

const run = promisify(execFile);
const folders: string[] = [];

test.afterAll(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * A plain custom element as a team without a framework builds it: one script that defines
 * `team-reports` and renders the context it is given; `broken` reports a render error the way the
 * contract asks a plain element to (the kit does the same for Angular elements).
 */
async function reportsBuild(
  version: string,
  options: { broken?: boolean; route?: string; element?: string } = {},
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'atrium-e2e-reports-'));
  folders.push(root);
  const element = options.element ?? 'team-reports';
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'reports', version }));
  const script = options.broken
    ? `customElements.define(${JSON.stringify(element)}, class extends HTMLElement {
  connectedCallback() {
    Promise.resolve().then(() => { throw new Error('Reports ${version} cannot render'); }).catch((error) =>
      this.dispatchEvent(new CustomEvent('atrium:render-error', { detail: { message: error.message }, bubbles: true, composed: true })));
  }
});`
    : `customElements.define(${JSON.stringify(element)}, class extends HTMLElement {
  connectedCallback() {
    const heading = document.createElement('h1');
    heading.textContent = 'Reports';
    const line = document.createElement('p');
    line.textContent = 'Reports ${version} for ' + (this.context ? this.context.tenant.name : '?');
    this.replaceChildren(heading, line);
  }
});`;
  await mkdir(join(root, 'dist'), { recursive: true });
  await writeFile(join(root, 'dist', 'reports-element.js'), script);
  await writeFile(
    join(root, 'dist', 'icon.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>',
  );
  await writeBuildManifest(
    new URL(`file://${root}/`),
    {
      name: 'reports',
      title: 'Reports',
      route: options.route ?? '/reports',
      element,
      order: 5,
      icon: 'icon.svg',
    },
    { outDir: 'dist' },
  );
  return join(root, 'dist');
}

/** The host CLI as the team's CI runs it: through the publish API, with its client credentials. */
async function teamCli(
  request: APIRequestContext,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  const { oidc } = (await (await request.get('/config.json')).json()) as { oidc: { issuer: string } };
  const { clientId, secret } = await e2ePublisher(topology());
  const baseURL = test.info().project.use.baseURL ?? '';
  try {
    const { stdout } = await run(NODE, ['services/host/src/cli.ts', ...args], {
      cwd: REPO_ROOT,
      // No data folder of the host: whatever happens goes through HTTP.
      env: {
        ...process.env,
        ATRIUM_HOST_URL: baseURL,
        OIDC_ISSUER: oidc.issuer,
        ATRIUM_CLIENT_ID: clientId,
        ATRIUM_CLIENT_SECRET: secret,
        ATRIUM_DATA_DIR: join(tmpdir(), 'atrium-e2e-no-host-data'),
      },
    });
    // Every host serves the change before the scenario goes on (cluster: within its poll interval).
    if (['publish', 'rollback', 'retire', 'switch'].includes(args[0] ?? '')) await registrySettled();
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, out: failed.stderr };
  }
}

async function liveReports(request: APIRequestContext): Promise<string | undefined> {
  const registry = (await (await request.get('/registry.json')).json()) as {
    microFrontends: { name: string; version: string }[];
  };
  return registry.microFrontends.find((m) => m.name === 'reports')?.version;
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

test.describe.configure({ mode: 'serial' });

test("publishing over a shell route, another team's route or a taken tag is refused", async ({ request }) => {
  for (const [build, code] of [
    [await reportsBuild('1.0.0', { route: '/admin' }), 'route_reserved'],
    [await reportsBuild('1.0.0', { route: '/payments' }), 'route_taken'],
    [await reportsBuild('1.0.0', { element: 'atrium-payments' }), 'element_taken'],
  ] as const) {
    const refused = await teamCli(request, 'publish', 'reports', build);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toContain(code);
  }
  // A team may publish only its own names: payments belongs to another client.
  const foreign = await teamCli(request, 'rollback', 'payments');
  expect(foreign.out).toContain('not_permitted');
  expect(await liveReports(request)).toBeUndefined();
});

test('a plain element published with a team token appears in an open page after navigation, is rolled back and retired', async ({
  page,
  request,
}) => {
  await loginAt(page, '/accounts', 'userTenantA');
  await expect(nav(page).getByRole('link', { name: 'Accounts' })).toBeVisible();
  await expect(nav(page).getByRole('link', { name: 'Reports' })).toHaveCount(0);

  const published = await teamCli(request, 'publish', 'reports', await reportsBuild('1.0.0'));
  expect(published.code, published.out).toBe(0);
  expect(published.out).toMatch(/reports: \(none\) -> 1\.0\.0\+/);

  // The open page learns of it on its next navigation, without a reload.
  await nav(page).getByRole('link', { name: 'Payments' }).click();
  await nav(page).getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByText('Reports 1.0.0 for Tenant A')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('reports-published.png') });

  const second = await teamCli(request, 'publish', 'reports', await reportsBuild('2.0.0'));
  expect(second.out).toMatch(/1\.0\.0\+\w+ -> 2\.0\.0\+/);
  const back = await teamCli(request, 'rollback', 'reports');
  expect(back.out).toMatch(/2\.0\.0\+\w+ -> 1\.0\.0\+\w+ \(rolled back\)/);
  expect(await liveReports(request)).toMatch(/^1\.0\.0\+/);

  const retired = await teamCli(request, 'retire', 'reports');
  expect(retired.out).toMatch(/reports: 1\.0\.0\+\w+ -> \(retired\)/);
  await nav(page).getByRole('link', { name: 'Accounts' }).click();
  await expect(nav(page).getByRole('link', { name: 'Reports' })).toHaveCount(0);
  const audit = await teamCli(request, 'audit', 'reports');
  expect(audit.out).toMatch(/client:e2e-reports-ci\tretire\treports/);
});

test('a render error shows the panel with Retry; after a rollback the defined broken version offers Reload', async ({
  page,
  request,
}) => {
  expect((await teamCli(request, 'publish', 'reports', await reportsBuild('1.0.0'))).code).toBe(0);
  expect(
    (await teamCli(request, 'publish', 'reports', await reportsBuild('3.0.0', { broken: true }))).code,
  ).toBe(0);
  try {
    await loginAt(page, '/reports', 'userTenantA');
    const panel = page.getByRole('alert').filter({ hasText: 'Reports is unavailable' });
    await expect(panel).toContainText('Reports 3.0.0 cannot render');
    await expect(panel.getByRole('button', { name: 'Retry' })).toBeVisible();
    // The shell around it keeps working.
    await expect(nav(page).getByRole('link', { name: 'Payments' })).toBeVisible();

    expect((await teamCli(request, 'rollback', 'reports')).code).toBe(0);
    await panel.getByRole('button', { name: 'Retry' }).click();
    // The page holds version 3 under the tag: only a reload can bring version 1.
    const reload = page.getByRole('alert').getByRole('button', { name: 'Reload' });
    await expect(reload).toBeVisible();
    await expect(page.getByRole('alert').getByRole('button', { name: 'Retry' })).toHaveCount(0);
    await reload.click();
    await expect(page.getByText('Reports 1.0.0 for Tenant A')).toBeVisible();
  } finally {
    await teamCli(request, 'retire', 'reports');
  }
});

test('a page open across a shell redeploy still opens Administration (its old lazy chunk)', async ({
  page,
}) => {
  await loginAt(page, '/', 'adminTenantA');
  // The redeploy, as far as this page can tell: its build's Administration chunk is gone from the
  // shell's folder (a new build has other hashes). Put back afterwards: the folder is shared.
  const assets = join(REPO_ROOT, 'apps/shell/dist/assets');
  const moved = (await readdir(assets)).filter((file) => file.startsWith('admin-page-'));
  expect(moved.length).toBeGreaterThan(0);
  const aside = await mkdtemp(join(tmpdir(), 'atrium-e2e-shell-chunks-'));
  folders.push(aside);
  for (const file of moved) await rename(join(assets, file), join(aside, file));
  try {
    const chunk = page.waitForResponse((response) => /\/assets\/admin-page-/.test(response.url()));
    await nav(page).getByRole('link', { name: 'Administration' }).click();
    expect((await chunk).status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
  } finally {
    for (const file of moved) await rename(join(aside, file), join(assets, file));
  }
});

test('a developer points one element at a dev server on their machine, in their browser only', async ({
  page,
  browser,
  request,
}) => {
  expect((await teamCli(request, 'publish', 'reports', await reportsBuild('1.0.0'))).code).toBe(0);
  // The developer's dev server (Vite's, say): a module script answered with CORS, on loopback.
  const devServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' });
    res.end(`customElements.define('team-reports', class extends HTMLElement {
      connectedCallback() { this.textContent = 'Reports from the dev server for ' + this.context.tenant.name; }
    });`);
  });
  await new Promise<void>((resolve) => devServer.listen(0, '127.0.0.1', resolve));
  const address = devServer.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  try {
    await loginAt(page, '/accounts', 'userTenantA');
    await page.goto(`/reports?mfe-override=reports=${origin}/src/reports-element.ts`);
    await expect(page).toHaveURL(/\/reports$/);
    await expect(page.getByText('Reports from the dev server for Tenant A')).toBeVisible();
    await expect(
      page.getByRole('status').filter({ hasText: 'comes from your development server' }),
    ).toContainText(origin);
    // Another browser gets the published version and the shared policy.
    const other = await browser.newContext();
    try {
      const otherPage = await other.newPage();
      await loginAt(otherPage, '/reports', 'userTenantA');
      await expect(otherPage.getByText('Reports 1.0.0 for Tenant A')).toBeVisible();
      const response = await otherPage.request.get('/reports');
      expect(response.headers()['content-security-policy']).not.toContain(origin);
    } finally {
      await other.close();
    }
    // Ending the override brings the published version back.
    await page.goto('/reports?mfe-override=reports=');
    await expect(page.getByText('Reports 1.0.0 for Tenant A')).toBeVisible();
  } finally {
    await new Promise((resolve) => devServer.close(resolve));
    await teamCli(request, 'retire', 'reports');
  }
});
