/**
 * Probes for orchestrators. `/health` is liveness: the process answers. `/ready` is readiness: the store
 * answers and the read models are within `maxLag` events of the log, so a fresh instance is not sent traffic
 * while it is still projecting. Both are public and cheap (one bounded page read).
 */
import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../../store/event-store';
import type { ReadSide } from '../read-side';

export interface HealthRouteOptions {
  readonly store: EventStore;
  readonly readSide: ReadSide;
  readonly maxLag: number;
  /** With sync on: sources with no successful check for longer than their staleness bound (src/sync). */
  readonly staleSources?: () => readonly { readonly name: string; readonly since: string }[];
}

const probe = (summary: string) => ({
  tags: ['operations'],
  summary,
  response: {
    200: { type: 'object', properties: { status: { type: 'string' } }, additionalProperties: true },
    503: { type: 'object', properties: { status: { type: 'string' } }, additionalProperties: true },
  },
});

export async function healthRoutes(app: FastifyInstance, options: HealthRouteOptions): Promise<void> {
  const { store, readSide, maxLag } = options;
  const open = { config: { access: 'public' as const } };

  app.get('/health', { ...open, schema: probe('liveness: the process is up') }, async () => ({ status: 'ok' }));

  app.get('/ready', { ...open, schema: probe(`readiness: store reachable and read models within ${maxLag} events of the log`) }, async (request, reply) => {
    const position = readSide.position();
    const failure = readSide.failure?.();
    if (failure !== undefined) {
      request.log.error({ err: failure }, 'readiness: the projector stopped');
      return reply.code(503).send({ status: 'projector-failed', position: position ?? null });
    }
    if (store.isSubscriptionDown?.() === true) {
      return reply.code(503).send({ status: 'subscription-down', store: store.kind, position: position ?? null });
    }
    let behind: number;
    try {
      behind = (await store.readAll({ ...(position === undefined ? {} : { after: position }), maxCount: maxLag + 1 })).length;
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: the event store did not answer');
      return reply.code(503).send({ status: 'unavailable', store: 'unreachable' });
    }
    if (behind > maxLag) return reply.code(503).send({ status: 'catching-up', position: position ?? null, lag: `more than ${maxLag} events` });
    // A ledger that stopped hearing from a publisher answers, but not with what is in force today: say which.
    const stale = options.staleSources?.() ?? [];
    if (stale.length > 0) {
      return reply.code(503).send({ status: 'source-stale', sources: stale, message: `no successful check of ${stale.map((s) => `${s.name} since ${s.since}`).join(', ')}` });
    }
    return { status: 'ready', store: store.kind, position: position ?? null, lag: behind };
  });
}
