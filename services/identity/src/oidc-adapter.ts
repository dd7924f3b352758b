import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Database, Queryable } from '@atrium/postgres';

interface PayloadRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
  expires_at: Date | null;
}

/**
 * oidc-provider's storage (sessions, interactions, grants, codes, tokens) in PostgreSQL, so that a
 * restart logs nobody out and several instances on one database share every session.
 */
export function postgresAdapter(db: Database): new (model: string) => Adapter {
  return class PostgresAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      // PostgreSQL text and jsonb cannot hold U+0000, and only a request parameter can bring one
      // (an interaction keeps its authorization request): refuse that request, not fail as a 500.
      let nul = false;
      const json = JSON.stringify(payload, (key, value: unknown) => {
        if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) nul = true;
        return value;
      });
      if (nul) throw new errors.InvalidRequest('parameters must not contain NUL characters');
      await db.query(
        `insert into oidc_payloads (model, id, payload, grant_id, user_code, uid, account_id, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
           user_code = excluded.user_code, uid = excluded.uid, account_id = excluded.account_id,
           expires_at = excluded.expires_at`,
        [
          this.model,
          id,
          json,
          payload.grantId ?? null,
          payload.userCode ?? null,
          payload.uid ?? null,
          payload.accountId ?? null,
          expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
        ],
      );
    }

    async #findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      // No stored id holds U+0000 (PostgreSQL text cannot): a parameter with one finds nothing.
      if (value.includes('\0')) return undefined;
      const { rows } = await db.query<PayloadRow>(
        `select payload, consumed_at, expires_at from oidc_payloads
         where model = $1 and ${column} = $2 and (expires_at is null or expires_at > now())`,
        [this.model, value],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
      return row.consumed_at === null
        ? payload
        : { ...payload, consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) };
    }

    find(id: string): Promise<AdapterPayload | undefined> {
      return this.#findWhere('id', id);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.#findWhere('uid', uid);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.#findWhere('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db.query('update oidc_payloads set consumed_at = now() where model = $1 and id = $2', [
        this.model,
        id,
      ]);
    }

    async destroy(id: string): Promise<void> {
      await db.query('delete from oidc_payloads where model = $1 and id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.query('delete from oidc_payloads where grant_id = $1', [grantId]);
    }
  };
}

/**
 * Ends everything an account holds: sessions, grants, codes and tokens (when a user is disabled or
 * their password is reset); `db` may be the transaction that makes that change.
 */
export async function revokeAccount(db: Queryable, accountId: string): Promise<number> {
  const { rowCount } = await db.query('delete from oidc_payloads where account_id = $1', [accountId]);
  return rowCount;
}

/** Deletes expired provider state; safe to run on every instance. */
export async function sweepExpired(db: Database): Promise<number> {
  const { rowCount } = await db.query(
    "delete from oidc_payloads where expires_at < now() - interval '1 hour'",
  );
  return rowCount;
}
