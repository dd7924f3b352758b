import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { CallerContext } from '@atrium/auth';
import { PaymentsError, type PaymentsErrorCode } from '../errors.ts';
import { documentErrors, exceedsTokens, type GraphqlLimits } from './document-limits.ts';
import type { SubscriptionTicket } from './model-resolvers.ts';

/** How many subscriptions a graphql-ws connection, and a tenant on one instance, may hold at once. */
export interface SubscriptionLimits {
  readonly perConnection: number;
  readonly perTenant: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { perConnection: 20, perTenant: 1000 };

/** graphql-ws' close code for a `subscribe` reusing the id of an operation in progress. */
export const DUPLICATE_ID_CLOSE_CODE = 4409;

/** One operation a connection has started and not yet ended. */
interface Operation {
  readonly variables: unknown;
  readonly operationName: unknown;
  /** Set while the operation holds one of its tenant's slots. */
  tenantId?: string | undefined;
}

/** The parts of a `ws` socket this module uses. */
interface BudgetSocket {
  once(event: 'close', listener: () => void): void;
}

/** graphql-ws ids are strings; anything else is keyed by its JSON so it is still told apart. */
const keyOf = (id: unknown): string => (typeof id === 'string' ? id : JSON.stringify(id ?? null));

/**
 * The subscriptions in progress, per connection and per tenant on this instance. A connection's
 * count is of the operations it has started and not ended (refused ones included until the client
 * completes them), which also bounds what mercurius itself keeps per connection; a tenant's count
 * is of the subscriptions actually live. Everything a connection holds is given back when it closes.
 */
export class SubscriptionBudget {
  readonly limits: SubscriptionLimits;
  readonly #connections = new WeakMap<object, Map<string, Operation>>();
  readonly #tenants = new Map<string, number>();

  constructor(limits: SubscriptionLimits) {
    this.limits = limits;
  }

  /** The subscriptions live on this instance, all tenants together (for the metrics). */
  get live(): number {
    let live = 0;
    for (const held of this.#tenants.values()) live += held;
    return live;
  }

  /** Starts counting a connection's operations; they all end when it closes. */
  open(socket: BudgetSocket): void {
    const operations = new Map<string, Operation>();
    this.#connections.set(socket, operations);
    socket.once('close', () => {
      for (const key of [...operations.keys()]) this.end(socket, key);
    });
  }

  /** Claims `id` for a new operation on the connection; says why not when it cannot. */
  claim(socket: object, id: unknown, payload: unknown): 'claimed' | 'in use' | 'full' {
    const operations = this.#connections.get(socket);
    if (operations === undefined) return 'claimed';
    const key = keyOf(id);
    if (operations.has(key)) return 'in use';
    if (operations.size >= this.limits.perConnection) return 'full';
    const { variables, operationName } = (payload ?? {}) as { variables?: unknown; operationName?: unknown };
    operations.set(key, { variables, operationName });
    return 'claimed';
  }

  /** Whether `id` is an operation in progress on the connection. */
  inUse(socket: object, id: unknown): boolean {
    return this.#connections.get(socket)?.has(keyOf(id)) === true;
  }

  operation(socket: object, id: unknown): Operation | undefined {
    return this.#connections.get(socket)?.get(keyOf(id));
  }

  /** Takes one of the tenant's slots for the operation, or throws SUBSCRIPTION_LIMIT. */
  takeTenantSlot(socket: object, id: unknown, tenantId: string): void {
    const operation = this.operation(socket, id);
    if (operation === undefined || operation.tenantId !== undefined) return;
    const held = this.#tenants.get(tenantId) ?? 0;
    if (held >= this.limits.perTenant)
      throw new PaymentsError('SUBSCRIPTION_LIMIT', {
        message: `This tenant has ${this.limits.perTenant} subscriptions on this server, the most it may hold; close one or retry later.`,
      });
    this.#tenants.set(tenantId, held + 1);
    operation.tenantId = tenantId;
  }

  #dropTenantSlot(operation: Operation): void {
    const tenantId = operation.tenantId;
    if (tenantId === undefined) return;
    operation.tenantId = undefined;
    const held = (this.#tenants.get(tenantId) ?? 1) - 1;
    if (held > 0) this.#tenants.set(tenantId, held);
    else this.#tenants.delete(tenantId);
  }

  /** Ends the connection's operation `id`: its tenant slot and its id are free again (idempotent). */
  end(socket: object, id: unknown): void {
    const operations = this.#connections.get(socket);
    const operation = operations?.get(keyOf(id));
    if (operations === undefined || operation === undefined) return;
    this.#dropTenantSlot(operation);
    operations.delete(keyOf(id));
  }

  /**
   * The subscribe resolver's hold on its operation. Bound to the operation itself, not to its id:
   * a client may complete an id and start it again before the old subscription is torn down.
   */
  track(context: { readonly wsSocket?: object; readonly id?: unknown }): SubscriptionTicket {
    const operations = context.wsSocket === undefined ? undefined : this.#connections.get(context.wsSocket);
    const key = keyOf(context.id);
    const operation = operations?.get(key);
    if (operations === undefined || operation === undefined) return { refused: () => {}, ended: () => {} };
    return {
      // The id stays taken until the client completes it or the connection closes: mercurius keeps
      // its record of a refused operation until then, and the connection's bound must cover it.
      refused: () => this.#dropTenantSlot(operation),
      ended: () => {
        this.#dropTenantSlot(operation);
        if (operations.get(key) === operation) operations.delete(key);
      },
    };
  }
}

/** The parts of a `ws` socket and server the admission uses. */
interface AdmittedSocket extends BudgetSocket {
  emit(event: string | symbol, ...args: unknown[]): boolean;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
interface AdmittingServer {
  on(
    event: 'connection',
    listener: (socket: AdmittedSocket, request: { url?: string | undefined }) => void,
  ): void;
}

function bytesOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return Buffer.from(data as ArrayBuffer);
}

/**
 * Judges each graphql-ws `subscribe` message before mercurius reads it, because mercurius parses a
 * message's query before any of its hooks runs (measured: a 900 KB document, 1.8 s and 160 MB):
 * a message over `maxBodyBytes`, a query over `maxTokens` or one that is not text is answered with
 * an error message and never parsed, an id already in progress closes the connection (4409, as graphql-ws specifies),
 * and a connection at its subscription bound is answered with SUBSCRIPTION_LIMIT. The socket's
 * `emit` is wrapped (at `connection`, before any message) since `ws` offers no way to keep a
 * message from the listeners mercurius attaches.
 */
export function admitSubscriptions(options: {
  readonly server: AdmittingServer;
  /** The full path of the graphql-ws route (other WebSocket routes are left alone). */
  readonly path: string;
  readonly budget: SubscriptionBudget;
  readonly limits: GraphqlLimits;
}): void {
  const { budget, limits } = options;
  options.server.on('connection', (socket, request) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== options.path) return;
    budget.open(socket);
    const refuse = (id: unknown, code: PaymentsErrorCode, message: string): false => {
      socket.send(JSON.stringify({ type: 'error', id, payload: [{ message, extensions: { code } }] }));
      return false;
    };
    const admit = (data: unknown): boolean => {
      const bytes = bytesOf(data);
      let message: unknown;
      try {
        message = JSON.parse(bytes.toString('utf8'));
      } catch {
        return true; // mercurius answers a message that is not JSON itself
      }
      if (typeof message !== 'object' || message === null) return true;
      const { type, id, payload } = message as { type?: unknown; id?: unknown; payload?: unknown };
      // `complete` (graphql-transport-ws) and `stop` (the older protocol) end an operation.
      if (type === 'complete' || type === 'stop') budget.end(socket, id);
      if (type !== 'subscribe' && type !== 'start') return true;
      if (budget.inUse(socket, id)) {
        socket.close(DUPLICATE_ID_CLOSE_CODE, `Subscriber for ${keyOf(id)} already exists`);
        return false;
      }
      if (bytes.length > limits.maxBodyBytes)
        return refuse(id, 'BODY_TOO_LARGE', `A subscribe message has at most ${limits.maxBodyBytes} bytes.`);
      const query = (payload as { query?: unknown } | null | undefined)?.query;
      // mercurius takes any other query as an already parsed document and runs no hook on it.
      if (typeof query !== 'string')
        return refuse(id, 'GRAPHQL_VALIDATION_FAILED', 'The query must be GraphQL text (a string).');
      if (exceedsTokens(query, limits.maxTokens))
        return refuse(id, 'QUERY_TOO_COMPLEX', `The query has more than ${limits.maxTokens} tokens.`);
      if (budget.claim(socket, id, payload) === 'full')
        return refuse(
          id,
          'SUBSCRIPTION_LIMIT',
          `At most ${budget.limits.perConnection} subscriptions per connection; complete one first.`,
        );
      return true;
    };
    const emit = socket.emit.bind(socket);
    socket.emit = (event, ...args) => (event === 'message' && !admit(args[0]) ? false : emit(event, ...args));
  });
}

/** A validation or coercion error with the code clients read, as the HTTP path's formatter gives it. */
function coded(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code: error.extensions['code'] ?? 'GRAPHQL_VALIDATION_FAILED' },
  });
}

/** What the subscription hook needs from mercurius' connection context. */
interface HookContext {
  readonly wsSocket?: object;
  readonly caller?: CallerContext;
}

/**
 * mercurius' `preSubscriptionParsing` hook: validates the document (mercurius' graphql-ws path does
 * not) with GraphQL's rules and the limits, coerces its variables, and takes a tenant slot. It runs
 * before mercurius registers the operation, so a refusal here leaves nothing behind and frees the
 * id. The document is parsed again: at most `maxTokens` tokens (admission), so cheaply.
 */
export function subscriptionCheck(options: {
  readonly budget: SubscriptionBudget;
  readonly limits: GraphqlLimits;
  readonly listMaximum: number;
}): (schema: GraphQLSchema, source: string, context: HookContext, id: unknown) => void {
  const { budget, limits, listMaximum } = options;
  return (schema, source, context, id) => {
    const socket = context.wsSocket ?? {};
    try {
      const document: DocumentNode = parse(source);
      const errors = documentErrors(schema, document, limits, listMaximum);
      if (errors[0] !== undefined) throw coded(errors[0]);
      const operation = budget.operation(socket, id);
      const name = operation?.operationName;
      const definition = getOperationAST(document, typeof name === 'string' ? name : undefined);
      const variables = operation?.variables;
      const coerced = getVariableValues(
        schema,
        definition?.variableDefinitions ?? [],
        (typeof variables === 'object' && variables !== null ? variables : {}) as Record<string, unknown>,
        { hideSuggestions: !limits.suggestions },
      );
      if (coerced.errors?.[0] !== undefined) throw coded(coerced.errors[0]);
      if (context.caller !== undefined) budget.takeTenantSlot(socket, id, context.caller.tenantId);
    } catch (error) {
      budget.end(socket, id);
      throw error;
    }
  };
}
