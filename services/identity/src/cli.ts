// `npm run atrium -- <command>`: administration of tenants, users and signing keys.
import { parseArgs } from 'node:util';
import { PRIVATE_UMASK, securePrivateFolder } from '@atrium/service-runtime';
import { ConfigError, loadConfig } from './config.ts';
import { openIdentityDatabase } from './app.ts';
import { IdentityError } from './errors.ts';
import { PASSWORD_POLICY } from './password-policy.ts';
import { rotateSigningKey } from './signing-keys.ts';
import { UserDirectory, type User } from './user-directory.ts';
import { grantPublisher, listPublishers, revokePublisher } from './publish-clients.ts';

const USAGE = `Usage: npm run atrium -- <command> [options]

  tenant create --id <TenantId> --name <name>
  tenant list
  user create --tenant <TenantId> --username <name> --email <address> --role <role> [--role <role>…]
              [--password <password>]      (operators: --role operator and no --tenant)
  user list [--tenant <TenantId>]
  user disable --username <name>          (also ends the user's sessions and refresh tokens)
  user enable --username <name>
  user set-password --username <name> [--password <password>]   (also ends sessions and tokens)
  keys rotate                             (new signing key: published at once, signing after KEY_PUBLISH_WINDOW_SECONDS
                                          on every instance, no restart; the old one stays published until its tokens expire)
  publisher grant --client <id> --mfe <name> [--mfe <name>…]   (a team CI's client-credentials client,
                                          scoped mfe:publish:<name>; prints its new secret once)
  publisher revoke --client <id>          (no new tokens; issued ones expire with their TTL)
  publisher list

Roles: viewer, member, approver, admin, operator. Passwords: ${PASSWORD_POLICY}.
Without --password the password is read from ATRIUM_PASSWORD or, failing that, from standard input.
The data is the one the server uses (ATRIUM_DATA_DIR, or DATABASE_URL for a PostgreSQL server).`;

class UsageError extends Error {}

// The CLI writes the same database as the server (keys, password hashes): private from the start.
process.umask(PRIVATE_UMASK);

async function readPassword(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (process.env['ATRIUM_PASSWORD'] !== undefined) return process.env['ATRIUM_PASSWORD'];
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '')
    throw new UsageError('a password is required (--password, ATRIUM_PASSWORD or standard input)');
  return password;
}

function table(users: User[]): string {
  const rows = users.map((u) => [
    u.username,
    u.tenantId ?? '(platform)',
    u.roles.join(','),
    u.disabled ? 'disabled' : 'active',
    u.email,
  ]);
  const head = ['USERNAME', 'TENANT', 'ROLES', 'STATUS', 'EMAIL'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      tenant: { type: 'string' },
      username: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string', multiple: true },
      password: { type: 'string' },
      client: { type: 'string' },
      mfe: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help === true || command === '') {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  const required = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '')
      throw new UsageError(`--${name} is required for "${command}"`);
    return value;
  };
  const known = [
    'tenant create',
    'tenant list',
    'user create',
    'user list',
    'user disable',
    'user enable',
    'user set-password',
    'keys rotate',
    'publisher grant',
    'publisher revoke',
    'publisher list',
  ];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}"`);

  const config = loadConfig(process.env);
  const db = await openIdentityDatabase(config);
  try {
    const users = new UserDirectory(db);
    const findUser = async () => {
      const user = await users.findByUsername(required('username'));
      if (user === undefined) throw new IdentityError('unknown_user', `No user named "${values.username}".`);
      return user;
    };
    switch (command) {
      case 'tenant create': {
        const tenant = await users.createTenant({ id: required('id'), name: required('name') });
        console.log(`created tenant ${tenant.id} ("${tenant.name}")`);
        break;
      }
      case 'tenant list':
        for (const tenant of await users.listTenants()) console.log(`${tenant.id}\t${tenant.name}`);
        break;
      case 'user create': {
        const roles = values.role ?? [];
        const user = await users.createUser({
          username: required('username'),
          email: required('email'),
          tenantId: values.tenant ?? null,
          roles,
          password: await readPassword(values.password),
        });
        console.log(
          `created user ${user.username} (${user.roles.join(', ')}) in ${user.tenantId ?? 'the platform'}`,
        );
        break;
      }
      case 'user list':
        console.log(table(await users.listUsers(values.tenant)));
        break;
      case 'user disable': {
        const user = await findUser();
        const revoked = await users.disable(user.id);
        console.log(
          `disabled ${user.username}; ended ${revoked} session(s), grant(s) and token(s); the APIs refuse their access tokens within their revocation poll`,
        );
        break;
      }
      case 'user enable': {
        const user = await findUser();
        await users.setDisabled(user.id, false);
        console.log(`enabled ${user.username}`);
        break;
      }
      case 'user set-password': {
        const user = await findUser();
        const revoked = await users.setPassword(user.id, await readPassword(values.password));
        console.log(
          `password changed for ${user.username}; ended ${revoked} session(s), grant(s) and token(s)`,
        );
        break;
      }
      case 'publisher grant': {
        const clientId = required('client');
        const secret = await grantPublisher(db, clientId, values.mfe ?? [], [config.shellClientId]);
        console.log(
          `client ${clientId} may publish ${(values.mfe ?? []).join(', ')}; its secret (shown once):`,
        );
        console.log(secret);
        break;
      }
      case 'publisher revoke': {
        const clientId = required('client');
        if (!(await revokePublisher(db, clientId))) throw new UsageError(`no publisher client "${clientId}"`);
        console.log(`revoked ${clientId}`);
        break;
      }
      case 'publisher list':
        for (const publisher of await listPublishers(db))
          console.log(`${publisher.clientId}\t${publisher.microFrontends.join(',')}`);
        break;
      case 'keys rotate':
        console.log(
          `new signing key ${await rotateSigningKey(db)}: every instance publishes it at its next key reload ` +
            '(KEY_RELOAD_MS) and signs with it once it has been published for KEY_PUBLISH_WINDOW_SECONDS; no restart needed',
        );
        break;
    }
    return 0;
  } finally {
    await db.close();
    // PGlite sets the modes of the files it creates itself (0666), whatever the umask.
    if (config.databaseUrl === undefined) await securePrivateFolder(config.dataDir);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof IdentityError) {
    const fields =
      error.fields === undefined
        ? ''
        : ` (${Object.entries(error.fields)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')})`;
    console.error(`error [${error.code}]: ${error.message}${fields}`);
  } else if (
    error instanceof UsageError ||
    (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    console.error(`error [usage]: ${error.message}\n\n${USAGE}`);
  } else if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = 2;
}
