import { openDatabase } from '@atrium/postgres';
import { seedDemoIdentity } from '@atrium/identity/demo-data';
import { UserDirectory } from '@atrium/identity/user-directory';
import { seedDemoAccounts } from '@atrium/accounts-api/demo-data';
import type { ClusterDatabaseName, DatabaseUrls } from './cluster-databases.ts';

/**
 * The demo tenants, users (password `demo-password`) and accounts, written once by the cluster as
 * the databases' owners after the services migrated them. The services themselves seed only their
 * embedded databases; N instances seeding one server would race, and the marker row in identity's
 * secrets table makes this a first-start-only step.
 */
export async function seedClusterDemo(
  databases: Readonly<Record<ClusterDatabaseName, DatabaseUrls>>,
  log: (line: string) => void,
): Promise<void> {
  const identity = await openDatabase({ url: databases.identity.owner, applicationName: 'atrium-cluster' });
  let seeded: boolean;
  try {
    seeded = await seedDemoIdentity(identity, new UserDirectory(identity));
  } finally {
    await identity.close();
  }
  if (!seeded) return;
  const accounts = await openDatabase({ url: databases.accounts.owner, applicationName: 'atrium-cluster' });
  try {
    const count = await seedDemoAccounts(accounts);
    log(`cluster: demo tenants, users and ${count} accounts seeded`);
  } finally {
    await accounts.close();
  }
}
