/**
 * `GET /watchlists/{id}/feed`: one watchlist's match notifications as Server-Sent Events (DESIGN.md sections 9
 * and 13), `id:` the notification sequence, `event:` the CloudEvents type, `data:` the CloudEvent JSON.
 *
 * No stream polls: each catches up in pages of PAGE_SIZE (backpressure: it waits for the socket to drain, and a
 * client that does not read for LEDGER_FEED_SLOW_CLIENT_MS is disconnected), and once a read finds nothing it
 * waits on the watchlist store's one notifier, which every commit of notifications wakes (watchlist-store.ts).
 * Open streams are capped per token and in total with the ledger's /feed settings and answers (429 / 503).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { feedLimits, type FeedLimits } from '../config';
import { badParameter } from '../http/errors';
import { FeedConnections } from '../notifications/feed-connections';
import { feedScheduler } from '../notifications/feed-scheduler';
import { writeOrDrop } from '../notifications/slow-client';
import { openEventStream } from '../notifications/sse-stream';
import type { WatchlistStore } from './watchlist-store';

/** Notifications read per page: a stream far behind reads the file in slices and lets other requests run between. */
export const PAGE_SIZE = 200;

export interface WatchlistFeedOptions {
  /** Comment lines keep proxies from closing an idle stream; default 15 s. */
  readonly heartbeatMs?: number;
  /** Defaults from LEDGER_FEED_MAX_CONNECTIONS, LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN and LEDGER_FEED_SLOW_CLIENT_MS. */
  readonly limits?: Partial<FeedLimits>;
}

/**
 * Where a stream starts: after Last-Event-ID (it wins: it is where a reconnecting client really is), else after
 * `?after`, else from the first notification. A sequence past the highest one given is refused: that client
 * would wait, silently, for notifications of another database.
 */
export function feedStart(store: WatchlistStore, lastEventId: string | undefined, after: string | undefined): number {
  const fromHeader = lastEventId !== undefined && lastEventId !== '';
  const [parameter, raw] = fromHeader ? ['Last-Event-ID', lastEventId] : ['after', after];
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw)) throw badParameter(parameter, `${parameter} must be a notification sequence number (the id: of an event of this feed), not "${raw.slice(0, 60)}"`);
  const head = store.headSeq();
  const seq = Number(raw);
  if (seq > head) {
    const where = head === 0 ? 'no notification has been recorded yet (start without it)' : `the last notification is ${head}`;
    throw badParameter(parameter, `${parameter} "${raw}" is past the last watchlist notification: ${where}`);
  }
  return seq;
}

export class WatchlistFeed {
  private readonly limits: FeedLimits;
  private readonly connections: FeedConnections;

  constructor(
    private readonly store: WatchlistStore,
    private readonly options: WatchlistFeedOptions = {},
  ) {
    this.limits = { ...feedLimits(), ...options.limits };
    this.connections = new FeedConnections(this.limits, 'watchlist feeds');
  }

  /** Serves the stream of a watchlist the caller has checked exists. */
  async serve(watchlistId: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    // The route declares `after`; the watchlist routes' hook has refused any other parameter and a repeated one.
    const query = (request.query ?? {}) as { after?: string };
    const lastEventId = request.headers['last-event-id'];
    const after = feedStart(this.store, typeof lastEventId === 'string' ? lastEventId : undefined, query.after);
    const holder = request.principal?.id ?? 'anonymous';
    const refused = this.connections.refusal(holder);
    // Beyond the caps, say when to come back (the same answer as /feed's).
    if (refused !== undefined) return reply.code(refused.status).header('retry-after', '5').send({ error: refused.error, message: refused.message });
    const release = this.connections.take(holder);
    reply.hijack();
    try {
      await this.stream(watchlistId, after, reply, request);
    } finally {
      release();
    }
    return undefined;
  }

  private async stream(watchlistId: string, from: number, reply: FastifyReply, request: FastifyRequest): Promise<void> {
    const res = reply.raw;
    const sse = openEventStream(res, 'sanctions-ledger watchlist feed', this.options.heartbeatMs ?? 15_000);
    const { signal } = sse;
    let after = from;
    try {
      while (!signal.aborted && this.store.db.open) {
        const page = this.store.notificationsAfter(after, { watchlistId, limit: PAGE_SIZE });
        if (page.length === 0) {
          // A deleted watchlist's stream ends after its last (Ended) notifications; reconnecting answers 404.
          if (!this.store.exists(watchlistId)) break;
          // Nothing awaited since the read above: a commit cannot slip between it and the wait unseen.
          await this.store.notifier.wait(signal);
          continue;
        }
        for (const n of page) {
          const kept = await writeOrDrop(res, `id: ${n.seq}\nevent: ${n.event.type}\ndata: ${JSON.stringify(n.event)}\n\n`, this.limits.slowClientMs, signal);
          if (!kept) {
            request.log.warn({ seq: n.seq, waitedMs: this.limits.slowClientMs }, 'watchlist feed closed: the client did not read for too long (LEDGER_FEED_SLOW_CLIENT_MS)');
            return;
          }
          after = n.seq;
          if (signal.aborted) return;
        }
        // Between pages, share the loop with the other feeds and requests (feed-scheduler.ts).
        const pause = feedScheduler.pause();
        if (pause !== undefined) await pause;
      }
    } catch (error) {
      request.log.error({ err: error }, 'watchlist feed failed');
      sse.fail('the watchlist feed failed; reconnect to resume');
    } finally {
      sse.close();
    }
  }
}
