import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';

/**
 * The cluster's databases, one per service, each with its own login roles (least privilege): the
 * owner runs the migrations; where the schema has row-level security the service logs in as the
 * restricted role the migrations grant to (neither owner, superuser nor BYPASSRLS), so FORCE ROW
 * LEVEL SECURITY applies to every statement it runs.
 */
export const CLUSTER_DATABASES = {
  identity: { database: 'atrium_identity', owner: 'atrium_identity', serviceRole: undefined },
  accounts: { database: 'atrium_accounts', owner: 'atrium_accounts_owner', serviceRole: 'atrium_accounts' },
  payments: { database: 'atrium_payments', owner: 'atrium_payments_owner', serviceRole: 'atrium_payments' },
  host: { database: 'atrium_host', owner: 'atrium_host_owner', serviceRole: 'atrium_host' },
} as const;

export type ClusterDatabaseName = keyof typeof CLUSTER_DATABASES;

/** Every login role's password, by role name (`postgres` is the superuser). */
export type ClusterPasswords = Readonly<Record<string, string>>;

/** Connection URLs of one service's database. */
export interface DatabaseUrls {
  /** The owner: migrations, backups (pg_dump), the demo seed. */
  readonly owner: string;
  /** What the service's statements log in as (the owner where the schema has no restricted role). */
  readonly service: string;
}

function allRoles(): string[] {
  return [
    'postgres',
    ...Object.values(CLUSTER_DATABASES).flatMap((d) =>
      d.serviceRole === undefined ? [d.owner] : [d.owner, d.serviceRole],
    ),
  ];
}

/**
 * The passwords in `file` (JSON, 0600), created on the first start: the server's scram verifiers
 * are made from them, so a later start must find the same ones.
 */
export async function loadPasswords(file: string): Promise<ClusterPasswords> {
  let known: Record<string, string> = {};
  try {
    known = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const missing = allRoles().filter((role) => typeof known[role] !== 'string');
  if (missing.length === 0) return known;
  const passwords = { ...known };
  for (const role of missing) passwords[role] = randomBytes(24).toString('base64url');
  await writeFile(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  return passwords;
}

export function databaseUrl(port: number, role: string, password: string, database: string): string {
  return `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Each service's URLs on a server at `port`. */
export function databaseUrls(
  port: number,
  passwords: ClusterPasswords,
): Record<ClusterDatabaseName, DatabaseUrls> {
  const urls = (name: ClusterDatabaseName): DatabaseUrls => {
    const { database, owner, serviceRole } = CLUSTER_DATABASES[name];
    const login = serviceRole ?? owner;
    return {
      owner: databaseUrl(port, owner, passwords[owner] ?? '', database),
      service: databaseUrl(port, login, passwords[login] ?? '', database),
    };
  };
  return {
    identity: urls('identity'),
    accounts: urls('accounts'),
    payments: urls('payments'),
    host: urls('host'),
  };
}

const ident = (name: string) => pg.escapeIdentifier(name);
const literal = (value: string) => pg.escapeLiteral(value);

/**
 * Creates what is missing (roles, databases, grants) as the superuser, and sets every password to
 * the file's: safe on every start, and the only statements that need the superuser.
 */
export async function provisionDatabases(port: number, passwords: ClusterPasswords): Promise<void> {
  const client = new pg.Client({
    connectionString: databaseUrl(port, 'postgres', passwords['postgres'] ?? '', 'postgres'),
  });
  await client.connect();
  try {
    for (const { database, owner, serviceRole } of Object.values(CLUSTER_DATABASES)) {
      for (const role of serviceRole === undefined ? [owner] : [owner, serviceRole]) {
        const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
        // The restricted role must not inherit, create, or bypass anything: RLS is its second wall.
        const attributes = 'login nosuperuser nocreatedb nocreaterole nobypassrls noreplication';
        const verb = rowCount === 0 ? 'create' : 'alter';
        await client.query(
          `${verb} role ${ident(role)} ${attributes}${role === serviceRole ? ' noinherit' : ''} password ${literal(passwords[role] ?? '')}`,
        );
      }
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
      if (rowCount === 0)
        await client.query(`create database ${ident(database)} owner ${ident(owner)} encoding 'UTF8'`);
      // Nobody else connects; the public schema (PostgreSQL 15+) is the database owner's.
      await client.query(`revoke all on database ${ident(database)} from public`);
      await client.query(`grant connect, temporary on database ${ident(database)} to ${ident(owner)}`);
      if (serviceRole !== undefined) {
        await client.query(`grant connect on database ${ident(database)} to ${ident(serviceRole)}`);
        // The owner may act as the restricted role (SET LOCAL ROLE), as the services' own tools
        // do when given the owner's URL (the demo seed); the restricted role gains nothing by it.
        await client.query(`grant ${ident(serviceRole)} to ${ident(owner)}`);
      }
    }
  } finally {
    await client.end();
  }
}
