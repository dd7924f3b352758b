import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import type { Database } from '@atrium/postgres';
import { postgresAdapter } from './oidc-adapter.ts';

/**
 * A team's CI publishes its micro-frontends to the host with a client-credentials client that an
 * operator grants here; each micro-frontend name becomes one scope, `mfe:publish:<name>`, which
 * the host's publish API requires (the same spelling as @atrium/host's `publishScope`).
 */
export const PUBLISH_SCOPE_PREFIX = 'mfe:publish:';

const CLIENT_ID = /^[a-z][a-z0-9-]{2,63}$/;
const MFE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** A granted publisher: its client id and the micro-frontends it may change. */
export interface Publisher {
  readonly clientId: string;
  readonly microFrontends: readonly string[];
}

/** The client metadata property that lists a publisher's micro-frontend names. */
export const PUBLISHER_METADATA = 'atrium_micro_frontends';

/** The names a client's metadata grants (none for the shell). */
function namesOf(metadata: Record<string, unknown> | undefined): string[] {
  const names = metadata?.[PUBLISHER_METADATA];
  return Array.isArray(names)
    ? names.filter((name): name is string => typeof name === 'string' && MFE_NAME.test(name))
    : [];
}

/** The scopes a client's tokens may carry for the Atrium APIs beside `atrium`: one per granted name. */
export function publishScopesOf(metadata: Record<string, unknown> | undefined): string[] {
  return namesOf(metadata).map((name) => PUBLISH_SCOPE_PREFIX + name);
}

/**
 * Grants (or re-grants, with a new secret) a client-credentials client for `names`. The client
 * lives in oidc-provider's client store (PostgreSQL), so the running provider finds it without a
 * restart. Returns the secret: shown once, to hand to the team's CI.
 */
export async function grantPublisher(
  db: Database,
  clientId: string,
  names: readonly string[],
  reservedClientIds: readonly string[],
): Promise<string> {
  if (!CLIENT_ID.test(clientId) || reservedClientIds.includes(clientId))
    throw new Error(`client id "${clientId}": 3-64 lower-case letters, digits, -, not a built-in client`);
  const bad = names.filter((name) => !MFE_NAME.test(name));
  if (names.length === 0 || bad.length > 0)
    throw new Error(
      `micro-frontend names: lower-case letters, digits, - (bad: ${bad.join(', ') || 'none given'})`,
    );
  const secret = randomBytes(32).toString('base64url');
  const metadata: AdapterPayload = {
    client_id: clientId,
    client_secret: secret,
    client_name: `Publisher of ${names.join(', ')}`,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    [PUBLISHER_METADATA]: [...new Set(names)],
  };
  const Adapter = postgresAdapter(db);
  await new Adapter('Client').upsert(clientId, metadata, 0);
  return secret;
}

/** Removes a publisher: it gets no new tokens; tokens issued before expire with their TTL. */
export async function revokePublisher(db: Database, clientId: string): Promise<boolean> {
  const Adapter = postgresAdapter(db);
  const adapter = new Adapter('Client');
  if ((await adapter.find(clientId)) === undefined) return false;
  await adapter.destroy(clientId);
  return true;
}

/** Every granted publisher. */
export async function listPublishers(db: Database): Promise<Publisher[]> {
  const { rows } = await db.query<{ id: string; payload: AdapterPayload | string }>(
    `select id, payload from oidc_payloads where model = 'Client' order by id`,
  );
  return rows.map((row) => {
    const payload =
      typeof row.payload === 'string' ? (JSON.parse(row.payload) as AdapterPayload) : row.payload;
    return {
      clientId: row.id,
      microFrontends: namesOf(payload),
    };
  });
}
