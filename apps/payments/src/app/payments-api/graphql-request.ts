import { Injectable, inject } from '@angular/core';
import { ElementHost, FETCH } from '@atrium/element-kit';
import { toJsonWithDecimals } from './json-decimal';

/** One GraphQL error as the API returns it (AppSync shape, plus `extensions.code`). */
export interface GraphqlErrorItem {
  readonly message: string;
  readonly errorType?: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: {
    readonly code?: string;
    readonly field?: string;
    /** One entry per refused field of a write. */
    readonly problems?: readonly {
      readonly field: string;
      readonly code: string;
      readonly message: string;
    }[];
    readonly [key: string]: unknown;
  };
}

/** A request that failed: transport, HTTP status or GraphQL errors. */
export class GraphqlRequestError extends Error {
  readonly errors: readonly GraphqlErrorItem[];
  readonly status: number;
  constructor(message: string, status: number, errors: readonly GraphqlErrorItem[] = []) {
    super(message);
    this.name = 'GraphqlRequestError';
    this.status = status;
    this.errors = errors;
  }

  /** True when the server refused a stale `_version` (AppSync's ConflictUnhandled). */
  get isConflict(): boolean {
    return this.errors.some((e) => e.errorType === 'ConflictUnhandled' || e.extensions?.code === 'CONFLICT');
  }
}

/** Posts GraphQL operations with a fresh bearer token each time. */
@Injectable({ providedIn: 'root' })
export class GraphqlRequest {
  private readonly host = inject(ElementHost);
  private readonly fetch = inject(FETCH);

  async run<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const context = this.host.context();
    if (!context) throw new GraphqlRequestError('Not connected to the shell yet.', 0);
    const token = await this.host.accessToken();
    let response: Response;
    try {
      response = await this.fetch(context.api.paymentsGraphql, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: toJsonWithDecimals({ query, variables }),
      });
    } catch {
      throw new GraphqlRequestError('The payments service cannot be reached.', 0);
    }
    if (response.status === 401) {
      this.host.sessionExpired();
      throw new GraphqlRequestError('Your session has expired.', 401);
    }
    const body = (await response.json().catch(() => undefined)) as
      { data?: T | null; errors?: GraphqlErrorItem[] } | undefined;
    if (!body)
      throw new GraphqlRequestError(`The payments service answered ${response.status}.`, response.status);
    if (body.errors?.length) {
      throw new GraphqlRequestError(body.errors[0]!.message, response.status, body.errors);
    }
    if (!response.ok || body.data == null) {
      throw new GraphqlRequestError(`The payments service answered ${response.status}.`, response.status);
    }
    return body.data;
  }
}
