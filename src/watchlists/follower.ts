/**
 * The watchlist follower (DESIGN.md section 13): reads the global log from ITS OWN checkpoint, and for each batch
 * re-screens the subjects its designation events touched (designated, amended, corrected, delisted) against the
 * watchlists. The matches, the notifications (the outbox) and the checkpoint are written in ONE transaction of
 * the watchlist database, like the projector's batches: a kill -9 at any point neither loses nor repeats a
 * batch's results. It screens the read models' state, so it first waits for the projector to include the batch.
 * The screening itself is planned before that transaction, in time slices (screener.ts), and checked in it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadScreeningEntries, ScreeningService } from '../screening';
import type { EventStore, Position, RecordedEvent } from '../store/event-store';
import type { Cause } from './notification';
import { runInSlices } from '../scheduling/steps';
import { WatchlistScreener, type ScreenerOptions, type SubjectsPlan } from './screener';
import type { WatchlistStore } from './watchlist-store';

/** The event types that designate a subject, change its names or identifiers, or end a designation. */
export const SCREENED_EVENT_TYPES: ReadonlySet<string> = new Set(['SubjectDesignated', 'DesignationAmended', 'DesignationCorrected', 'SubjectDelisted']);

export interface FollowerReadSide {
  readonly db: import('better-sqlite3').Database;
  position(): Position | undefined;
  waitFor(position: Position, timeoutMs?: number): Promise<void>;
}

export interface FollowerOptions extends ScreenerOptions {
  readonly batchSize?: number;
  /** How long to wait before reading the log again once caught up. */
  readonly pollMs?: number;
  readonly log?: (line: string) => void;
  /**
   * The screening over the same read side that receipts come from; default one of its own. The service passes the
   * one HTTP `POST /screenings` answers with, so the process keeps one index (about 44 MB on the real lists), not two.
   */
  readonly screening?: ScreeningService;
}

export const FOLLOWER_CHECKPOINT = 'watchlist-follower';

export class WatchlistFollower {
  /** What registrations and receipts are screened with: the full index, kept current with the read models. */
  readonly screening: ScreeningService;
  private readonly screener: WatchlistScreener;
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private failure: unknown;
  private logId: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly readSide: FollowerReadSide,
    private readonly watchlists: WatchlistStore,
    private readonly options: FollowerOptions = {},
  ) {
    this.screening = options.screening ?? new ScreeningService(readSide);
    this.screener = new WatchlistScreener(watchlists, this.screening, options);
  }

  /** The screener on the same state, for screening entries on registration. */
  get registration(): WatchlistScreener {
    return this.screener;
  }

  checkpoint(): Position | undefined {
    return this.watchlists.checkpoint(FOLLOWER_CHECKPOINT)?.position;
  }

  error(): unknown {
    return this.failure;
  }

  /** Processes everything appended so far; returns how many events it read. */
  async catchUp(signal?: AbortSignal): Promise<number> {
    let count = 0;
    for (;;) {
      if (signal?.aborted) return count;
      const read = await this.step();
      if (read === 0) return count;
      count += read;
    }
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.controller = new AbortController();
    const { signal } = this.controller;
    this.loop = (async () => {
      while (!signal.aborted) {
        const read = await this.step();
        if (read === 0) await sleep(this.options.pollMs ?? 20, undefined, { signal }).catch(() => undefined);
      }
    })().catch((error: unknown) => {
      this.failure = error;
      this.options.log?.(`watchlist follower stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** One batch: read, wait for the projector, screen, commit results and checkpoint together. */
  private async step(): Promise<number> {
    const logId = await this.currentLogId();
    if (logId === undefined) return 0;
    const saved = this.watchlists.checkpoint(FOLLOWER_CHECKPOINT);
    if (saved !== undefined && saved.logId !== logId) {
      throw new Error(`the watchlist checkpoint belongs to another ledger (first event ${saved.logId}, this one ${logId}): use another LEDGER_WATCHLISTS_DB`);
    }
    const page = await this.store.readAll({ ...(saved === undefined ? {} : { after: saved.position }), maxCount: this.options.batchSize ?? 500 });
    if (page.length === 0) return 0;
    const last = page[page.length - 1]!.position;
    const causes = causesOf(page);
    let plan: SubjectsPlan | undefined;
    if (causes.size > 0) {
      await this.readSide.waitFor(last, 60_000);
      const subjects = [...causes.keys()];
      // Off the transaction and in slices: the service answers meanwhile; commitPlan re-checks what moved.
      plan = await runInSlices(this.screener.planSubjects(loadScreeningEntries(this.readSide.db, subjects), new Set(subjects), (s) => causes.get(s)!));
    }
    this.watchlists.transaction(() => {
      // Another follower on the same file (the service and `watch`) may have committed this batch meanwhile.
      if (this.watchlists.checkpoint(FOLLOWER_CHECKPOINT)?.position !== saved?.position) return;
      if (plan !== undefined) this.screener.commitPlan(plan);
      this.watchlists.saveCheckpoint(FOLLOWER_CHECKPOINT, last, logId);
    });
    return page.length;
  }

  private async currentLogId(): Promise<string | undefined> {
    if (this.logId === undefined) {
      const [first] = await this.store.readAll({ maxCount: 1 });
      this.logId = first?.envelope.eventId;
    }
    return this.logId;
  }
}

/** The subjects a batch touched, each with the last event that touched it. */
function causesOf(page: readonly RecordedEvent[]): Map<string, Cause> {
  const causes = new Map<string, Cause>();
  for (const recorded of page) {
    if (!SCREENED_EVENT_TYPES.has(recorded.type)) continue;
    const subjectId = (recorded.data as { subjectId?: unknown }).subjectId;
    if (typeof subjectId !== 'string') continue;
    causes.set(subjectId, { by: 'event', eventId: recorded.envelope.eventId, position: recorded.position, eventType: recorded.type });
  }
  return causes;
}
