import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How long the socket of an upgrade request may stay idle before it is a WebSocket. */
export const STRAY_UPGRADE_IDLE_MS = 10_000;

/**
 * Bounds the sockets of upgrade requests that never become WebSockets. Node hands an upgrade's
 * socket over without its HTTP care (no idle timeout; paused, so it never even sees its client
 * leave), and @fastify/websocket destroys one answered with plain HTTP only inside the context it
 * is registered in: an upgrade to any other path (a 404, another service's route in the embedded
 * server) stayed open for ever, a file descriptor per request and a server that never finished
 * closing. Here such a socket is destroyed after `idleMs` of silence, and at once when the server
 * closes. `ws` turns the timeout off on each socket it takes (`socket.timeout` is then 0), which is
 * how a WebSocket is told from a stray one.
 */
export function boundStrayUpgrades(app: FastifyInstance, idleMs = STRAY_UPGRADE_IDLE_MS): void {
  const upgrades = new Set<Socket>();
  app.server.on('upgrade', (_request, socket: Socket) => {
    upgrades.add(socket);
    socket.once('close', () => upgrades.delete(socket));
    socket.setTimeout(idleMs, () => socket.destroy());
  });
  app.addHook('preClose', (done) => {
    for (const socket of upgrades) if (socket.timeout === idleMs) socket.destroy();
    done();
  });
}
