import type { FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { WebSocketServer } from 'ws';
import type { RevocationList } from '@atrium/auth';
import type { CallerAuthentication } from '../http/caller-authentication.ts';
import type { GraphqlLimits } from './document-limits.ts';
import { guardConnections, type ConnectionGuard } from './live-updates.ts';
import { admitSubscriptions, type SubscriptionBudget } from './subscription-limits.ts';
import { boundStrayUpgrades } from './stray-upgrades.ts';

/** The largest WebSocket message taken (bytes); an operation is held to `maxBodyBytes` besides. */
const MAX_WEBSOCKET_PAYLOAD = 1_048_576;

/**
 * The WebSocket server graphql-ws runs on, registered here rather than inside mercurius (which
 * reuses one it finds) so that every connection, subscribing or not, is guarded: closed when its
 * token expires or is revoked, and held to the subscription budget.
 */
export async function serveLiveConnections(
  app: FastifyInstance,
  options: {
    /** The graphql-ws route as the server sees it (with the mount prefix). */
    readonly path: string;
    readonly authentication: CallerAuthentication;
    readonly revocations: RevocationList | undefined;
    readonly budget: SubscriptionBudget;
    readonly limits: GraphqlLimits;
  },
): Promise<{ readonly server: WebSocketServer; readonly guard: ConnectionGuard }> {
  const sockets = app as unknown as { websocketServer?: WebSocketServer };
  if (sockets.websocketServer === undefined)
    await app.register(fastifyWebsocket, {
      options: { maxPayload: MAX_WEBSOCKET_PAYLOAD },
      // The plugin's default closes without a code (1005): 1001 tells clients the server is going
      // away, so they reconnect (to another instance) instead of reporting an error.
      preClose(this: FastifyInstance, done: () => void) {
        const server = (this as unknown as { websocketServer: WebSocketServer }).websocketServer;
        for (const client of server.clients) client.close(1001, 'server shutting down');
        server.close(() => done());
      },
    });
  const server = sockets.websocketServer;
  // An upgrade no WebSocket route takes (a 404 outside this plugin's hooks) kept its socket for ever.
  boundStrayUpgrades(app);
  if (server === undefined) throw new Error('payments: no WebSocket server registered');
  const guard = guardConnections({
    server: server as unknown as Parameters<typeof guardConnections>[0]['server'],
    path: options.path,
    verify: async (payload) => options.authentication.connectionInit(payload),
    revocations: options.revocations,
    log: app.log,
  });
  admitSubscriptions({
    server: server as unknown as Parameters<typeof admitSubscriptions>[0]['server'],
    path: options.path,
    budget: options.budget,
    limits: options.limits,
  });
  app.addHook('onClose', async () => guard.close());
  return { server, guard };
}
