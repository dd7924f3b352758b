import { errors } from 'oidc-provider';
import { isDatabaseUnavailable, type Database, type Queryable } from '@atrium/postgres';
import { renderPage } from './login-page.ts';

/** `Retry-After` seconds of every answer given while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * "The database cannot be reached", as oidc-provider answers it: 503 `temporarily_unavailable`
 * (RFC 6749), shown to the client. Any other error thrown inside the provider is masked as
 * `500 server_error`, which tells a client to give up rather than retry.
 */
export class IdentityUnavailableError extends errors.OIDCProviderError {
  constructor(cause: unknown) {
    super(503, 'temporarily_unavailable', { cause });
    this.expose = true;
    this.error_description = 'The sign-in service is temporarily unavailable. Try again in a few seconds.';
  }
}

const asOutage = (error: unknown): never => {
  throw isDatabaseUnavailable(error) && !(error instanceof IdentityUnavailableError)
    ? new IdentityUnavailableError(error)
    : error;
};

function queryable(on: Queryable): Queryable {
  return {
    query: <R>(text: string, params?: readonly unknown[]) => on.query<R>(text, params).catch(asOutage),
    exec: (sql) => on.exec(sql).catch(asOutage),
  };
}

/**
 * The database with its "unavailable" failures (refused, lost, past the deadline) raised as
 * IdentityUnavailableError, so the provider, the login pages and the admin API answer 503 alike.
 */
export function reportingOutages(db: Database): Database {
  return {
    kind: db.kind,
    ...queryable(db),
    transaction: (fn, options) => db.transaction((tx) => fn(queryable(tx)), options).catch(asOutage),
    ping: () => db.ping().catch(asOutage),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
  };
}

/** For a lookup whose failure means "absent" (an expired interaction): an outage still throws. */
export function absentUnlessOutage(error: unknown): undefined {
  if (isDatabaseUnavailable(error)) throw error;
  return undefined;
}

/** The page a person sees instead of a sign-in page while the database is unavailable. */
export function outagePage(basePath: string): string {
  return renderPage(basePath, {
    title: 'Sign-in unavailable',
    body: `<h1>Sign-in is temporarily unavailable</h1>
      <p role="alert">We cannot reach the sign-in records right now. Try again in a few seconds.</p>`,
  });
}
