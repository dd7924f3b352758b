import { describe, expect, it } from 'vitest';
import type { Registry } from '@atrium/contracts';
import {
  applyDevOverrides,
  DEV_OVERRIDE_VERSION,
  OVERRIDES_KEY,
  readDevOverrides,
  takeDevOverrideFromUrl,
} from './dev-overrides.ts';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

const registry: Registry = {
  schemaVersion: 1,
  microFrontends: [
    {
      name: 'reports',
      title: 'Reports',
      route: '/reports',
      element: 'team-reports',
      entry: '/mfe/reports/1.0.0/reports-A.js',
      styles: [{ url: '/mfe/reports/1.0.0/x.css', integrity: 'sha384-x' }],
      integrity: 'sha384-AAAA',
      version: '1.0.0',
      roles: [],
    },
  ],
};

describe('development overrides', () => {
  it('take ?mfe-override=<name>=<dev server URL> into storage and the CSP cookie, and give the address without it', () => {
    const storage = memoryStorage();
    const cookies: string[] = [];
    const clean = takeDevOverrideFromUrl(
      'http://localhost:8080/reports/r1?mfe-override=reports=http://localhost:5173/src/reports-element.ts&tab=2',
      storage,
      (cookie) => cookies.push(cookie),
    );
    expect(clean).toBe('/reports/r1?tab=2');
    expect(readDevOverrides(storage).get('reports')).toBe('http://localhost:5173/src/reports-element.ts');
    expect(cookies).toEqual(['atrium-mfe-overrides=http%3A%2F%2Flocalhost%3A5173; Path=/; SameSite=Strict']);
    // An empty target removes it, and the cookie goes with the last one.
    takeDevOverrideFromUrl('http://localhost:8080/?mfe-override=reports=', storage, (cookie) =>
      cookies.push(cookie),
    );
    expect(readDevOverrides(storage).size).toBe(0);
    expect(cookies.at(-1)).toMatch(/Max-Age=0/);
  });

  it('accept only a dev server on this machine', () => {
    const storage = memoryStorage();
    takeDevOverrideFromUrl(
      'http://localhost:8080/?mfe-override=reports=https://evil.example/x.js',
      storage,
      () => {},
    );
    expect(readDevOverrides(storage).size).toBe(0);
    storage.setItem(
      OVERRIDES_KEY,
      JSON.stringify({ reports: 'https://evil.example/x.js', ledger: 'http://127.0.0.1:4300/main.js' }),
    );
    expect([...readDevOverrides(storage).keys()]).toEqual(['ledger']);
  });

  it('point the overridden entry at the dev server, without integrity or stylesheets, and leave the others', () => {
    const [entry] = applyDevOverrides(
      registry,
      new Map([['reports', 'http://localhost:5173/src/reports-element.ts']]),
    ).microFrontends;
    expect(entry).toMatchObject({
      entry: 'http://localhost:5173/src/reports-element.ts',
      integrity: '',
      styles: [],
      version: DEV_OVERRIDE_VERSION,
    });
    expect(applyDevOverrides(registry, new Map([['other', 'http://localhost:1/x.js']]))).toEqual(registry);
    expect(
      takeDevOverrideFromUrl('http://localhost:8080/reports', memoryStorage(), () => {}),
    ).toBeUndefined();
  });
});
