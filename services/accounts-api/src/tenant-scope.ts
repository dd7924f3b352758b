import type { Database, Queryable } from '@atrium/postgres';

/**
 * The role every service query runs as: neither superuser nor BYPASSRLS, so the row-level security
 * policies of migration 001 apply even if the connection itself is privileged (PGlite is always a
 * superuser; a server URL may be the owner's). Created by migration 001; see the README to provision it.
 */
export const SERVICE_ROLE = 'atrium_accounts';

/** The setting the RLS policies read: `tenant_id = current_setting('app.tenant_id', true)`. */
export const TENANT_SETTING = 'app.tenant_id';

/**
 * Runs `fn` in one transaction as the service role with the caller's tenant set transaction-locally.
 * This is the second isolation layer; every query inside still filters by tenant itself (the first).
 */
export function inTenant<T>(db: Database, tenantId: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(fn, { role: SERVICE_ROLE, settings: { [TENANT_SETTING]: tenantId } });
}

/** Refuses to serve when the service role could bypass row-level security. */
export async function assertServiceRoleIsolated(db: Database): Promise<void> {
  const { rows } = await db.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
    'select rolsuper, rolbypassrls from pg_roles where rolname = $1',
    [SERVICE_ROLE],
  );
  const role = rows[0];
  if (role === undefined)
    throw new Error(`accounts: database role ${SERVICE_ROLE} does not exist (run the migrations)`);
  if (role.rolsuper || role.rolbypassrls) {
    throw new Error(
      `accounts: database role ${SERVICE_ROLE} is superuser or BYPASSRLS: row-level security would not apply`,
    );
  }
}
