import { render, type RenderResult } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { vi } from 'vitest';
import type { Registry, RegistryEntry } from '@atrium/contracts';
import type { RuntimeConfig } from '../config/runtime-config.ts';
import type { Session } from '../lib/auth/session.ts';
import { userFromClaims } from '../lib/auth/signed-in-user.ts';
import type { ElementLoader } from '../lib/element-loader.ts';
import { ShellProviders } from '../app/providers.tsx';
import { AppRoutes } from '../app/routes.tsx';
import type { ShellServices } from '../lib/shell-context.tsx';

/** Component-test fixtures: the shell with fake session, registry and element loader. */

export const config: RuntimeConfig = {
  productName: 'Atrium',
  oidc: { issuer: 'http://localhost:8080/auth', clientId: 'atrium-shell', scope: 'openid' },
  api: {
    paymentsGraphql: 'http://localhost:8080/graphql',
    paymentsGraphqlWs: 'ws://localhost:8080/graphql',
    accounts: 'http://localhost:8080/api/accounts',
    identityAdmin: 'http://localhost:8080/auth/admin',
  },
};

export function entry(name: string, overrides: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    name,
    title: name[0]?.toUpperCase() + name.slice(1),
    route: `/${name}`,
    element: `test-${name}-${Math.random().toString(36).slice(2, 8)}`,
    entry: `http://localhost:3000/mfe/${name}/1.0.0/main-ABC.js`,
    styles: [],
    integrity: 'sha384-AAAA',
    version: '1.0.0',
    roles: [],
    ...overrides,
  };
}

export const registryOf = (...entries: RegistryEntry[]): Registry => ({
  schemaVersion: 1,
  microFrontends: entries,
});

type Demo = 'member' | 'approver' | 'viewer' | 'admin' | 'operator';

export function fakeSession(
  role: Demo,
  tenant: 'A' | 'B' = 'A',
): Session & {
  signOut: ReturnType<typeof vi.fn>;
  signInAgain: ReturnType<typeof vi.fn>;
} {
  const username = role === 'operator' ? 'operator' : `${role === 'member' ? 'user' : role}Tenant${tenant}`;
  const claims: Record<string, unknown> = {
    sub: `sub-${username}`,
    'cognito:username': username,
    email: `${username}@example.test`,
    'cognito:groups': [role],
  };
  if (role !== 'operator') {
    claims['custom:tenantId'] = `Tenant${tenant}`;
    claims['custom:tenantName'] = `Tenant ${tenant}`;
  }
  return {
    user: userFromClaims(claims),
    getAccessToken: vi.fn(async () => `token-of-${username}`),
    signOut: vi.fn(async () => {}),
    signInAgain: vi.fn(async () => {}),
  };
}

/** A loader that defines a plain custom element for each entry, recording the calls. */
export function definingLoader(
  define: (entry: RegistryEntry) => CustomElementConstructor = () => class extends HTMLElement {},
): ElementLoader & { calls: { name: string; attempt: number }[] } {
  const calls: { name: string; attempt: number }[] = [];
  return {
    calls,
    async load(e, { attempt }) {
      calls.push({ name: e.name, attempt });
      if (customElements.get(e.element) === undefined) customElements.define(e.element, define(e));
    },
  };
}

export function LocationProbe() {
  const location = useLocation();
  return <output aria-label="location">{location.pathname + location.search}</output>;
}

export function renderShell(
  path: string,
  overrides: Partial<ShellServices> & { session?: Session } = {},
): RenderResult & { services: ShellServices } {
  const services: ShellServices = {
    config,
    session: fakeSession('member'),
    loader: definingLoader(),
    fetchRegistry: async () => overrides.initialRegistry ?? registryOf(entry('accounts'), entry('payments')),
    initialRegistry: registryOf(entry('accounts'), entry('payments')),
    elementTimeoutMs: 1000,
    ...overrides,
  };
  const result = render(
    <MemoryRouter initialEntries={[path]}>
      <ShellProviders services={services}>
        <AppRoutes />
        <LocationProbe />
      </ShellProviders>
    </MemoryRouter>,
  );
  return { ...result, services };
}
