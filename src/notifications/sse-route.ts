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
import { once } from 'node:events';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { EventStore } from '../store/event-store';
import { changeFeed, checkPosition, FeedRequestError, parseFeedFilter } from './feed';

export interface SseFeedOptions {
  readonly store: EventStore;
  /** CloudEvents `source`. */
  readonly source?: string;
  /** Comment lines keep proxies from closing an idle stream; default 15 s. */
  readonly heartbeatMs?: number;
}

type FeedQuery = Record<string, string | string[] | undefined>;

export const sseFeedRoute: FastifyPluginAsync<SseFeedOptions> = async (app, options) => {
  const { store } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;

  app.get('/feed', async (request: FastifyRequest<{ Querystring: FeedQuery }>, reply: FastifyReply) => {
    const query = request.query ?? {};
    let filter;
    let after;
    try {
      filter = parseFeedFilter({ authority: query.authority, regime: query.regime, type: query.type });
      const lastEventId = request.headers['last-event-id'];
      // Last-Event-ID wins: it is where a reconnecting client really is, `?after` where it first started.
      const from = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : single(query.after);
      after = await checkPosition(store, from);
    } catch (error) {
      if (error instanceof FeedRequestError) return reply.code(400).send({ error: 'Bad Request', message: error.message });
      throw error;
    }

    // From here the route writes the stream itself.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(': sanctions-ledger change feed\n\n');

    const disconnected = new AbortController();
    const onClose = () => disconnected.abort();
    res.on('close', onClose);
    const heartbeat = setInterval(() => {
      if (!res.writableEnded && !res.destroyed) res.write(': heartbeat\n\n');
    }, heartbeatMs);

    try {
      const feed = changeFeed(store, {
        after,
        follow: true,
        filter,
        signal: disconnected.signal,
        ...(options.source === undefined ? {} : { source: options.source }),
      });
      for await (const { position, cloudEvent } of feed) {
        // JSON.stringify escapes line breaks inside strings, so the data is one SSE line.
        const written = res.write(`id: ${position}\nevent: ${cloudEvent.type}\ndata: ${JSON.stringify(cloudEvent)}\n\n`);
        if (!written && !disconnected.signal.aborted) {
          // A slow client: wait for the socket to drain instead of buffering the log in memory.
          await once(res, 'drain', { signal: disconnected.signal }).catch(() => {});
        }
        if (disconnected.signal.aborted) break;
      }
    } catch (error) {
      request.log.error({ err: error }, 'change feed failed');
      if (!res.destroyed) res.write(`event: feed-error\ndata: ${JSON.stringify({ message: 'the change feed failed; reconnect to resume' })}\n\n`);
    } finally {
      clearInterval(heartbeat);
      res.off('close', onClose);
      if (!res.writableEnded) res.end();
    }
  });
};

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export default sseFeedRoute;
