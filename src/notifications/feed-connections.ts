/**
 * Counts open SSE streams, in total and per token, against the caps of LEDGER_FEED_MAX_CONNECTIONS and
 * LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN. Each stream holds a socket and a place in its source: beyond the caps a
 * route answers 429 (this token) or 503 (the service) with Retry-After, instead of degrading every stream.
 * Each feed route (the ledger's /feed, a watchlist's /watchlists/{id}/feed) keeps its own counts.
 */
import type { FeedLimits } from '../config';

export interface FeedRefusal {
  readonly status: 429 | 503;
  readonly error: string;
  readonly message: string;
}

export class FeedConnections {
  private total = 0;
  private readonly perHolder = new Map<string, number>();

  constructor(
    private readonly limits: Pick<FeedLimits, 'maxConnections' | 'maxConnectionsPerToken'>,
    /** What the route serves, for the messages: "change feeds", "watchlist feeds". */
    private readonly what: string,
  ) {}

  refusal(holder: string): FeedRefusal | undefined {
    if ((this.perHolder.get(holder) ?? 0) >= this.limits.maxConnectionsPerToken) {
      return {
        status: 429,
        error: 'too-many-feeds',
        message: `this token already has ${this.limits.maxConnectionsPerToken} open ${this.what} (LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN); close one or retry later`,
      };
    }
    if (this.total >= this.limits.maxConnections) {
      return {
        status: 503,
        error: 'feed-capacity',
        message: `the service already serves ${this.limits.maxConnections} ${this.what} (LEDGER_FEED_MAX_CONNECTIONS); retry later`,
      };
    }
    return undefined;
  }

  /** Takes a slot; the returned function frees it (once). */
  take(holder: string): () => void {
    this.total += 1;
    this.perHolder.set(holder, (this.perHolder.get(holder) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perHolder.get(holder) ?? 1) - 1;
      if (left === 0) this.perHolder.delete(holder);
      else this.perHolder.set(holder, left);
    };
  }
}
