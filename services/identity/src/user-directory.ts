import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ROLES, type Role } from '@atrium/auth';
import type { Database, Queryable } from '@atrium/postgres';
import { IdentityError } from './errors.ts';
import { revokeAccount } from './oidc-adapter.ts';
import { passwordProblem } from './password-policy.ts';
import { recordRevocation } from './token-revocations.ts';

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface User {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly tenantId: string | null;
  readonly tenantName: string | null;
  readonly roles: readonly Role[];
  readonly disabled: boolean;
  readonly createdAt: string;
  /** The user's own locale (a BCP 47 tag, the OIDC `locale` claim); null: the browser decides. */
  readonly locale: string | null;
}

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly tenantId: string | null;
  readonly roles: readonly string[];
}

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const TENANT_ID = /^[A-Za-z][A-Za-z0-9_-]{1,62}$/;
/** The users table's username rule (its check constraint says the same). */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{2,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface UserRow {
  id: string;
  username: string;
  email: string;
  tenant_id: string | null;
  tenant_name: string | null;
  roles: Role[];
  disabled: boolean;
  created_at: Date;
  password_hash: string;
  locale: string | null;
}

const USER_SELECT = `select u.id, u.username, u.email, u.tenant_id, t.name as tenant_name, u.roles, u.disabled,
  u.created_at, u.password_hash, u.locale from users u left join tenants t on t.id = u.tenant_id`;

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    roles: row.roles,
    disabled: row.disabled,
    createdAt: new Date(row.created_at).toISOString(),
    locale: row.locale,
  };
}

/** Longest locale tag stored (the column's check says the same); BCP 47 suggests 35. */
const LOCALE_MAX_LENGTH = 35;

/** A well-formed language tag in its canonical form ('da-dk' → 'da-DK'), else undefined. */
function canonicalLocale(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 2 || value.length > LOCALE_MAX_LENGTH) return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }
}

/** Tenants and users: every write validated first, so a refused request changes nothing. */
export class UserDirectory {
  readonly #db: Database;
  // A real hash to verify against for unknown usernames, so both answers take the same time.
  #decoyHash: Promise<string> | undefined;

  constructor(db: Database) {
    this.#db = db;
  }

  async createTenant(input: { id: unknown; name: unknown }): Promise<Tenant> {
    const fields: Record<string, string> = {};
    if (typeof input.id !== 'string' || !TENANT_ID.test(input.id))
      fields['id'] = 'letters, digits, _ or -, starting with a letter, 2 to 63 characters';
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100)
      fields['name'] = 'required, at most 100 characters';
    if (Object.keys(fields).length > 0) throw new IdentityError('validation_failed', undefined, fields);
    const { rows } = await this.#db.query<{ id: string; name: string; created_at: Date }>(
      'insert into tenants (id, name) values ($1, $2) on conflict do nothing returning id, name, created_at',
      [input.id, (input.name as string).trim()],
    );
    const row = rows[0];
    if (row === undefined)
      throw new IdentityError('duplicate_tenant', `Tenant "${String(input.id)}" already exists.`);
    return { id: row.id, name: row.name, createdAt: new Date(row.created_at).toISOString() };
  }

  async listTenants(): Promise<Tenant[]> {
    const { rows } = await this.#db.query<{ id: string; name: string; created_at: Date }>(
      'select id, name, created_at from tenants order by id',
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }

  async findTenant(id: string): Promise<Tenant | undefined> {
    return (await this.listTenants()).find((tenant) => tenant.id === id);
  }

  /** Validates everything before writing; returns the new user. */
  async createUser(input: NewUser): Promise<User> {
    const fields: Record<string, string> = {};
    if (typeof input.username !== 'string' || !USERNAME.test(input.username))
      fields['username'] = '3 to 64 characters: letters, digits and . _ @ + -';
    if (typeof input.email !== 'string' || !EMAIL.test(input.email) || input.email.length > 254)
      fields['email'] = 'a valid email address';
    if (!Array.isArray(input.roles) || input.roles.length === 0) fields['roles'] = 'at least one role';
    if (Object.keys(fields).length > 0) throw new IdentityError('validation_failed', undefined, fields);
    const unknown = input.roles.filter((role) => !ROLES.includes(role as Role));
    if (unknown.length > 0)
      throw new IdentityError('unknown_role', `Unknown role(s): ${unknown.join(', ')}.`);
    const roles = [...new Set(input.roles)] as Role[];
    const operator = roles.includes('operator');
    if (operator && input.tenantId !== null)
      throw new IdentityError('validation_failed', 'An operator belongs to no tenant.', {
        tenantId: 'must be empty for an operator',
      });
    if (!operator && (input.tenantId === null || typeof input.tenantId !== 'string'))
      throw new IdentityError('validation_failed', 'A user belongs to a tenant.', { tenantId: 'required' });
    const weak = passwordProblem(input.password, input.username);
    if (weak !== undefined)
      throw new IdentityError('weak_password', `The password ${weak}.`, { password: weak });
    if (input.tenantId !== null && (await this.findTenant(input.tenantId)) === undefined)
      throw new IdentityError('unknown_tenant', `No tenant "${input.tenantId}".`);

    const passwordHash = await hash(input.password, ARGON2);
    const { rows } = await this.#db.query<{ id: string }>(
      `insert into users (id, tenant_id, username, email, password_hash, roles)
       values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning id`,
      [randomUUID(), input.tenantId, input.username, input.email.toLowerCase(), passwordHash, roles],
    );
    if (rows[0] === undefined)
      throw new IdentityError('duplicate_username', `A user named "${input.username}" already exists.`);
    return (await this.findById(rows[0].id)) as User;
  }

  async listUsers(tenantId: string | undefined): Promise<User[]> {
    const { rows } =
      tenantId === undefined
        ? await this.#db.query<UserRow>(`${USER_SELECT} order by u.tenant_id nulls first, lower(u.username)`)
        : await this.#db.query<UserRow>(`${USER_SELECT} where u.tenant_id = $1 order by lower(u.username)`, [
            tenantId,
          ]);
    return rows.map(toUser);
  }

  async findById(id: string): Promise<User | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.#db.query<UserRow>(`${USER_SELECT} where u.id = $1`, [id]);
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const { rows } = await this.#db.query<UserRow>(`${USER_SELECT} where lower(u.username) = lower($1)`, [
      username,
    ]);
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }

  /**
   * Checks a username and password. Answers the same way (and in about the same time) for an
   * unknown user, a wrong password and a disabled user, so sign-in reveals nothing.
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const { rows } = await this.#db.query<UserRow>(`${USER_SELECT} where lower(u.username) = lower($1)`, [
      username,
    ]);
    const row = rows[0];
    if (row === undefined) {
      this.#decoyHash ??= hash('decoy-password-for-timing', ARGON2);
      await verify(await this.#decoyHash, password);
      return undefined;
    }
    const ok = await verify(row.password_hash, password);
    return ok && !row.disabled ? toUser(row) : undefined;
  }

  /** Sets (or, with null, clears) the user's locale; refuses a value that is no language tag. */
  async setLocale(id: string, locale: unknown): Promise<User> {
    const canonical = locale === null ? null : canonicalLocale(locale);
    if (canonical === undefined)
      throw new IdentityError('validation_failed', 'The locale is not a language tag.', {
        locale: 'a BCP 47 language tag such as da-DK or en-GB, or null',
      });
    const { rowCount } = await this.#db.query(
      'update users set locale = $2, updated_at = now() where id = $1',
      [id, canonical],
    );
    if (rowCount === 0) throw new IdentityError('unknown_user');
    return (await this.findById(id)) as User;
  }

  async setDisabled(id: string, disabled: boolean, tx: Queryable = this.#db): Promise<void> {
    const { rowCount } = await tx.query('update users set disabled = $2, updated_at = now() where id = $1', [
      id,
      disabled,
    ]);
    if (rowCount === 0) throw new IdentityError('unknown_user');
  }

  /**
   * Disables the account and, in the same transaction, revokes its tokens (the APIs refuse them
   * within their revocation poll) and ends its sessions, grants and refresh tokens. Returns how many
   * provider records ended.
   */
  async disable(id: string): Promise<number> {
    return this.#db.transaction(async (tx) => {
      await this.setDisabled(id, true, tx);
      await recordRevocation(tx, id);
      return revokeAccount(tx, id);
    });
  }

  /**
   * Sets a new password and, in the same transaction, revokes the account's tokens and ends its
   * sessions, grants and refresh tokens: whoever held the old password keeps nothing it gave them.
   * Returns how many provider records ended.
   */
  async setPassword(id: string, password: string): Promise<number> {
    const user = await this.findById(id);
    if (user === undefined) throw new IdentityError('unknown_user');
    const weak = passwordProblem(password, user.username);
    if (weak !== undefined)
      throw new IdentityError('weak_password', `The password ${weak}.`, { password: weak });
    const passwordHash = await hash(password, ARGON2);
    return this.#db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        'update users set password_hash = $2, updated_at = now() where id = $1',
        [id, passwordHash],
      );
      if (rowCount === 0) throw new IdentityError('unknown_user');
      await recordRevocation(tx, id);
      return revokeAccount(tx, id);
    });
  }

  /**
   * The account behind a token and the latest revocation of its tokens, in one lookup by primary
   * key: the admin API judges its caller by these, not by the token's claims alone.
   */
  async findWithRevocation(id: string): Promise<{ user: User; revokedAt: Date | undefined } | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.#db.query<UserRow & { revoked_at: Date | null }>(
      `select u.id, u.username, u.email, u.tenant_id, t.name as tenant_name, u.roles, u.disabled,
         u.created_at, u.password_hash, r.revoked_at
       from users u left join tenants t on t.id = u.tenant_id
         left join token_revocations r on r.user_id = u.id
       where u.id = $1`,
      [id],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { user: toUser(row), revokedAt: row.revoked_at === null ? undefined : new Date(row.revoked_at) };
  }
}
