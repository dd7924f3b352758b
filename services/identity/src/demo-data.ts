import type { Role } from '@atrium/auth';
import type { Database } from '@atrium/postgres';
import type { UserDirectory } from './user-directory.ts';

/** The one documented demo password (embedded default only; production never seeds). */
export const DEMO_PASSWORD = 'demo-password';

export const DEMO_TENANTS = [
  { id: 'TenantA', name: 'Tenant A' },
  { id: 'TenantB', name: 'Tenant B' },
] as const;

/** The articles' users (`userTenantA` is a member) plus one per other role, and the operator. */
export function demoUsers(): Array<{ username: string; tenantId: string | null; roles: Role[] }> {
  const perTenant = DEMO_TENANTS.flatMap(({ id }) =>
    (['member', 'approver', 'viewer', 'admin'] as const).map((role) => ({
      username: `${role === 'member' ? 'user' : role}${id}`,
      tenantId: id as string | null,
      roles: [role] as Role[],
    })),
  );
  return [...perTenant, { username: 'operator', tenantId: null, roles: ['operator'] }];
}

/**
 * Seeds the demo tenants and users once: a marker row makes a second start (or a second instance)
 * leave everything as it is, even if an operator renamed or removed demo users since.
 */
export async function seedDemoIdentity(db: Database, users: UserDirectory): Promise<boolean> {
  const { rowCount } = await db.query(
    "insert into secrets (name, value) values ('demo-seeded', now()::text) on conflict do nothing",
  );
  if (rowCount === 0) return false;
  for (const tenant of DEMO_TENANTS) await users.createTenant(tenant);
  for (const user of demoUsers()) {
    await users.createUser({
      ...user,
      email: `${user.username.toLowerCase()}@example.com`,
      password: DEMO_PASSWORD,
    });
  }
  return true;
}

/**
 * Production refuses to start on a data folder first started in development while any demo user
 * can still sign in with the documented demo password: that password is public.
 */
export class DemoCredentialsError extends Error {
  readonly usernames: readonly string[];
  constructor(usernames: readonly string[]) {
    super(
      `identity: production mode refuses to start: these users still sign in with the demo password "${DEMO_PASSWORD}": ${usernames.join(', ')}.\n` +
        '  Give each a password of its own or disable it, with the same ATRIUM_DATA_DIR / DATABASE_URL as the server:\n' +
        '    npm run atrium -- user set-password --username <name>\n' +
        '    npm run atrium -- user disable --username <name>',
    );
    this.name = 'DemoCredentialsError';
    this.usernames = usernames;
  }
}

/** Throws DemoCredentialsError when a demo user (enabled) still has the demo password. */
export async function refuseDemoCredentials(users: UserDirectory): Promise<void> {
  const still: string[] = [];
  // One argon2 verification per demo name, at start only; an absent or disabled user passes.
  for (const { username } of demoUsers()) {
    if ((await users.authenticate(username, DEMO_PASSWORD)) !== undefined) still.push(username);
  }
  if (still.length > 0) throw new DemoCredentialsError(still);
}
