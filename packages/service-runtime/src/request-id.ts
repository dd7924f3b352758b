import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id arrives in, is echoed in, and is passed on to sibling services in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** The longest incoming request id taken over (a UUID is 36; tracing ids up to 64 fit comfortably). */
export const MAX_REQUEST_ID_LENGTH = 128;

// Letters, digits and . _ - : @ only: the id goes into every log line and back into a response
// header, so nothing that could forge a log field, split a header or hide in a terminal is taken over.
const SAFE_REQUEST_ID = new RegExp(`^[A-Za-z0-9._:@-]{1,${MAX_REQUEST_ID_LENGTH}}$`);

/** `value` when it is acceptable as a request id (bounded length, safe characters), else undefined. */
export function acceptedRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value) ? value : undefined;
}

/**
 * A request's id: the caller's `X-Request-Id` when acceptable (nginx, a sibling service or a client
 * correlating its own logs), otherwise a new UUID, which no other instance of any service will also
 * generate (Fastify's default, `req-1`, `req-2`…, repeats in every process).
 */
export function requestIdOf(request: IncomingMessage): string {
  return acceptedRequestId(request.headers[REQUEST_ID_HEADER]) ?? randomUUID();
}

/** The headers that pass a request's id on to a sibling service's call it causes. */
export function requestIdHeaders(requestId: string | undefined): Record<string, string> {
  const accepted = acceptedRequestId(requestId);
  return accepted === undefined ? {} : { [REQUEST_ID_HEADER]: accepted };
}

// The id of the request whose work is running, set by the observability plugin for each request:
// a shared client (the token verifier's JWKS fetch) cannot be handed the request that caused a call.
const current = new AsyncLocalStorage<string>();

/** Runs `work` (and everything it starts) as part of the request `requestId`. */
export function runForRequest<T>(requestId: string, work: () => T): T {
  return current.run(requestId, work);
}

/** The id of the request whose work this is, or undefined outside one (a timer, a poll). */
export function currentRequestId(): string | undefined {
  return current.getStore();
}

/** The headers that pass the current request's id on to the sibling call it causes, if any. */
export function outgoingRequestIdHeaders(): Record<string, string> {
  return requestIdHeaders(currentRequestId());
}
