import type { Database } from '@atrium/postgres';
import { SERVICE_ROLE } from './postgres-store.ts';

/**
 * Records `value` under `name` in payments_service_settings (migration 002) unless a value is there,
 * and answers the recorded one: the first of several instances starting together wins, and every
 * instance reads the same answer. As the service role, which may insert but never update.
 */
export async function recordSettingOnce(db: Database, name: string, value: string): Promise<string> {
  return db.transaction(
    async (tx) => {
      await tx.query(
        'insert into payments_service_settings (name, value) values ($1, $2) on conflict (name) do nothing',
        [name, value],
      );
      const { rows } = await tx.query<{ value: string }>(
        'select value from payments_service_settings where name = $1',
        [name],
      );
      return (rows[0] as { value: string }).value;
    },
    { role: SERVICE_ROLE },
  );
}
