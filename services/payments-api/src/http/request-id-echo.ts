import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/**
 * Every answer names its request id (the one an INTERNAL error quotes), also where the service
 * runs without the observability plugin, which echoes it first when registered.
 */
async function requestIdEcho(app: FastifyInstance): Promise<void> {
  // Callback style: nothing to wait for, so no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    if (!reply.hasHeader('x-request-id')) reply.header('x-request-id', request.id);
    done();
  });
}

export default fastifyPlugin(requestIdEcho, { name: 'payments-request-id-echo' });
