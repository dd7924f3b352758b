import { expect, test, type APIRequestContext, type Response } from '@playwright/test';
import { fillLogin, topology } from '../src/atrium.ts';

interface RuntimeConfig {
  oidc: { issuer: string };
  api: { paymentsGraphql: string; paymentsGraphqlWs: string; accounts: string; identityAdmin: string };
}
interface Registry {
  microFrontends: { name: string; entry: string }[];
}

async function documents(request: APIRequestContext): Promise<{ config: RuntimeConfig; registry: Registry }> {
  const config = (await (await request.get('/config.json')).json()) as RuntimeConfig;
  const registry = (await (await request.get('/registry.json')).json()) as Registry;
  return { config, registry };
}

const entryOf = (registry: Registry, name: string): string => {
  const entry = registry.microFrontends.find((m) => m.name === name)?.entry;
  if (entry === undefined) throw new Error(`${name} is not in the registry`);
  return entry;
};

test('the shell, identity, both APIs and each micro-frontend are on the origins of the topology', async ({
  request,
}) => {
  const run = topology();
  const { config, registry } = await documents(request);
  const shell = new URL(run.baseURL).origin;
  const origins = {
    shell,
    identity: new URL(config.oidc.issuer).origin,
    paymentsApi: new URL(config.api.paymentsGraphql).origin,
    accountsApi: new URL(config.api.accounts).origin,
    accounts: new URL(entryOf(registry, 'accounts'), shell).origin,
    payments: new URL(entryOf(registry, 'payments'), shell).origin,
  };
  test.info().attach('origins', { body: JSON.stringify(origins, null, 2), contentType: 'application/json' });
  // Embedded and cluster: all of it on one origin. Split: each on its own origin, within the ports it was given.
  expect(new Set(Object.values(origins)).size).toBe(run.origins);
  for (const origin of Object.values(origins)) {
    const port = Number(new URL(origin).port);
    expect(port).toBeGreaterThanOrEqual(run.port);
    expect(port).toBeLessThan(run.port + run.ports);
  }
  expect(new URL(config.api.paymentsGraphqlWs).host).toBe(new URL(config.api.paymentsGraphql).host);
  expect(new URL(config.api.identityAdmin).origin).toBe(origins.identity);
});

test('login, accounts, payments and live updates load from their origins without a CSP or CORS refusal', async ({
  page,
  request,
}) => {
  const { config, registry } = await documents(request);
  const shell = new URL(topology().baseURL).origin;
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|CORS policy/i.test(message.text())) refused.push(message.text());
  });
  const responses: Response[] = [];
  page.on('response', (response) => responses.push(response));
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));

  await page.goto('/accounts');
  await page.waitForURL(/\/auth\//);
  // The login page is the identity service's own, on its origin.
  expect(new URL(page.url()).origin).toBe(new URL(config.oidc.issuer).origin);
  await page.screenshot({ path: test.info().outputPath('login.png') });
  await fillLogin(page, 'userTenantA');
  await page.waitForURL((url) => url.origin === shell && url.pathname === '/accounts');
  await expect(page.getByRole('tree', { name: 'Accounts' }).getByRole('treeitem').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('accounts.png') });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments' }).click();
  await expect(page.getByRole('table', { name: 'Payments' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Loading payments' })).toHaveCount(0);
  await expect.poll(() => sockets).toContain(config.api.paymentsGraphqlWs);
  await page.screenshot({ path: test.info().outputPath('payments.png') });

  // Each element's entry came from the origin the registry names, intact (integrity is checked).
  for (const name of ['accounts', 'payments']) {
    const entry = new URL(entryOf(registry, name), shell).href;
    expect(responses.find((r) => r.url() === entry)?.status(), entry).toBe(200);
  }
  // The accounts API answered the shell's origin, across origins where the topology splits them.
  const accounts = responses.find(
    (r) => r.url().startsWith(config.api.accounts) && r.request().method() === 'GET',
  );
  expect(accounts?.status()).toBe(200);
  if (new URL(config.api.accounts).origin !== shell)
    expect((await accounts?.allHeaders())?.['access-control-allow-origin']).toBe(shell);
  expect(refused).toEqual([]);
});
