/**
 * `GET /feed` as Server-Sent Events (DESIGN.md section 9), a Fastify plugin for the HTTP server to register:
 *
 *   app.register(sseFeedRoute, { store: ledger.store });
 *
 * Each notification is one SSE event: `id:` the log position, `event:` the CloudEvents type, `data:` the
 * structured-mode CloudEvent JSON (one line). A browser's EventSource reconnects with `Last-Event-ID`, so the
 * feed resumes exactly after the last event it delivered; `?after=<position>` does the same for other clients.
 * Filters: `?authority=EU&regime=EU:RUS&type=SubjectDesignated` (repeatable, or comma-separated).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { feedLimits, type FeedLimits } from '../config';
import type { EventStore } from '../store/event-store';
import { badParameter, HttpError } from '../http/errors';
import { checkKnownParameters, textParam } from '../http/query-params';
import { changeFeed, checkPosition, FeedRequestError, parseFeedFilter } from './feed';
import { FeedConnections } from './feed-connections';
import { MappedEvents } from './mapped-events';
import { writeOrDrop } from './slow-client';
import { openEventStream } from './sse-stream';

export interface SseFeedOptions {
  readonly store: EventStore;
  /** CloudEvents `source`. */
  readonly source?: string;
  /** Comment lines keep proxies from closing an idle stream; default 15 s. */
  readonly heartbeatMs?: number;
  /**
   * Open streams in total (503 beyond) and per token (429 beyond), and how long a stream may wait for a client
   * that does not read before it is closed; defaults from LEDGER_FEED_MAX_CONNECTIONS* and LEDGER_FEED_SLOW_CLIENT_MS.
   */
  readonly limits?: Partial<FeedLimits>;
}

type FeedQuery = Record<string, string | string[] | undefined>;

/** `after` is single-valued (refused when repeated); the filters are repeatable or comma-separated. */
const FEED_PARAMETERS = ['after', 'authority', 'regime', 'type'] as const;

export const sseFeedRoute: FastifyPluginAsync<SseFeedOptions> = async (app, options) => {
  const { store } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const limits = { ...feedLimits(), ...options.limits };
  const connections = new FeedConnections(limits, 'change feeds');
  // One mapping for all streams: clients catching up over the same range build each CloudEvent once.
  const mapped = new MappedEvents(store, options.source);

  // Declared for the OpenAPI document (the filters repeat, so arrays); the handler parses and checks them and
  // checkKnownParameters refuses the rest.
  const querystring = {
    type: 'object',
    properties: {
      after: { description: 'the log position to start after (or the Last-Event-ID header)' },
      authority: { type: 'array', items: { type: 'string' }, description: 'only events of these authorities (UN, EU, OFAC, UK): repeated or comma-separated' },
      regime: { type: 'array', items: { type: 'string' }, description: 'only events of these regimes, e.g. EU:RUS: repeated or comma-separated' },
      type: { type: 'array', items: { type: 'string' }, description: 'only events of these types, e.g. SubjectDesignated: repeated or comma-separated' },
    },
  } satisfies { properties: Record<(typeof FEED_PARAMETERS)[number], unknown> } & Record<string, unknown>;
  app.get('/feed', { schema: { querystring } }, async (request: FastifyRequest<{ Querystring: FeedQuery }>, reply: FastifyReply) => {
    const query = request.query ?? {};
    let filter;
    let after;
    try {
      // A typo such as `regim=` would otherwise answer with the unfiltered feed, silently.
      checkKnownParameters(query, FEED_PARAMETERS);
      filter = parseFeedFilter({ authority: query.authority, regime: query.regime, type: query.type });
      const lastEventId = request.headers['last-event-id'];
      // Last-Event-ID wins: it is where a reconnecting client really is, `?after` where it first started.
      const fromHeader = typeof lastEventId === 'string' && lastEventId !== '';
      after = await checkPosition(store, fromHeader ? lastEventId : textParam(query, 'after', 100), fromHeader ? 'Last-Event-ID' : 'after');
    } catch (error) {
      // The same body as every other route's 400, written here because the plugin may run without the server's handler.
      if (error instanceof HttpError) return reply.code(error.statusCode).send(error.body);
      if (error instanceof FeedRequestError) return reply.code(400).send(badParameter(error.parameter, error.message).body);
      throw error;
    }

    const holder = request.principal?.id ?? 'anonymous';
    const refused = connections.refusal(holder);
    if (refused !== undefined) {
      // Each stream holds a socket and a subscription: beyond the caps, say when to come back instead of degrading everyone.
      return reply.code(refused.status).header('retry-after', '5').send({ error: refused.error, message: refused.message });
    }
    const release = connections.take(holder);

    // From here the route writes the stream itself.
    reply.hijack();
    const res = reply.raw;
    const sse = openEventStream(res, 'sanctions-ledger change feed', heartbeatMs);
    try {
      const feed = changeFeed(store, {
        after,
        follow: true,
        filter,
        signal: sse.signal,
        mapped,
      });
      for await (const { position, frame } of feed) {
        const kept = await writeOrDrop(res, frame, limits.slowClientMs, sse.signal);
        if (!kept) {
          request.log.warn({ position, waitedMs: limits.slowClientMs }, 'change feed closed: the client did not read for too long (LEDGER_FEED_SLOW_CLIENT_MS)');
          break;
        }
        if (sse.signal.aborted) break;
      }
    } catch (error) {
      request.log.error({ err: error }, 'change feed failed');
      sse.fail('the change feed failed; reconnect to resume');
    } finally {
      release();
      sse.close();
    }
  });
};

export default sseFeedRoute;
