// Test fixtures for component and element tests of any Atrium element (not part of a bundle).
import type { ElementContext, Role } from '@atrium/contracts';

/** A context as the shell builds it, for a demo user of Tenant A with the given roles. */
export function testElementContext(options: {
  readonly roles: Role[];
  readonly username: string;
  /** The shell route the element is mounted under, e.g. `/payments`. */
  readonly basePath: string;
}): ElementContext {
  const { roles, username, basePath } = options;
  let issued = 0;
  return {
    user: { id: `sub-${username}`, username, email: undefined, roles },
    tenant: { id: 'TenantA', name: 'Tenant A' },
    // A new token each call: the tests check the element never reuses one.
    getAccessToken: async () => `token-${++issued}`,
    api: {
      paymentsGraphql: 'http://api.test/graphql',
      paymentsGraphqlWs: 'ws://api.test/graphql',
      accounts: 'http://api.test/api/accounts',
    },
    basePath,
    initialPath: '',
    colorScheme: 'light',
  };
}

/** Lets the element's zoneless change detection, timers and fetches run to rest. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}
