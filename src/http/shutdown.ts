/**
 * Graceful close of the HTTP side. `app.close()` stops accepting connections, answers 503 to new requests on
 * kept-alive ones, closes idle sockets and waits for in-flight requests. Three things would keep it waiting,
 * so they are handled here: change-feed streams (they never finish by themselves; their clients resume
 * elsewhere with Last-Event-ID) are cut at once; a request that finishes during the close answers with
 * `Connection: close`, or its kept-alive socket would hold the close open until the keep-alive timeout; and any
 * request still running after the grace period is cut.
 */
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';

const STREAMING_ROUTES = new Set(['/feed', '/watchlists/:id/feed']);

/** Prepares an app for closeServer: streaming sockets are remembered, answers during the close end their socket. */
export function prepareForClose(app: FastifyInstance): void {
  const streams = new Set<Socket>();
  let closing = false;
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onRequest', async (request) => {
    if (!STREAMING_ROUTES.has(request.routeOptions.url ?? '')) return;
    const socket = request.raw.socket;
    // An injected request (tests, light-my-request) has a stand-in socket that cannot be destroyed: nothing to cut.
    if (typeof socket?.destroy !== 'function') return;
    // Once per socket: a kept-alive connection carries many requests, and each would add another listener.
    if (streams.has(socket)) return;
    streams.add(socket);
    socket.once('close', () => streams.delete(socket));
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const socket of streams) socket.destroy();
  });
}

/** Resolves when the server is closed; after `graceMs` the remaining connections are destroyed. */
export async function closeServer(app: FastifyInstance, graceMs = 10_000): Promise<void> {
  const timer = setTimeout(() => {
    app.log.warn({ graceMs }, 'requests still running after the grace period: closing their connections');
    app.server.closeAllConnections();
  }, graceMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
