/**
 * Screening watchlist entries and recording what changed (DESIGN.md section 13).
 *
 * - On registration, an entry is screened against the full current index (ScreeningService), so a name that is
 *   already listed is reported at once.
 * - For a batch of the log, only the subjects the batch touched are re-screened: their segments form a small
 *   index, the candidate entries come from the key index (plus the entries already matching those subjects), and
 *   only matches with those subjects are compared. Only when something changed is the entry screened against the
 *   full index, for the receipt: a receipt must verify against the whole ledger (POST /screenings/verify). That
 *   work is planned off the transaction, in time slices (at 1,000,000 entries one batch of a large import took
 *   12 s, and held the service's event loop and the file's write lock that long), and committed in one short
 *   transaction that re-checks each planned entry.
 *
 * Each change becomes a notification row and moves the current match, in the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_CLOUDEVENT_SOURCE } from '../notifications/cloud-event';
import { MAX_LIMIT, ScreeningIndex, type ScreeningEntry, type ScreeningService } from '../screening';
import { queryOf, type WatchlistEntry } from './entry-codec';
import { diffMatches } from './match-diff';
import { toNotification, type Cause, type WatchlistCloudEvent } from './notification';
import type { Steps } from '../scheduling/steps';
import type { Located, WatchlistStore } from './watchlist-store';

/** One entry's notifications worked out off the transaction, with the stored matches they were worked out from. */
export interface PlannedEntry {
  readonly located: Located;
  /** The entry's stored matches when planned (WatchlistStore.matchesState): at commit they must still be these. */
  readonly matchesAs: string;
  readonly events: readonly WatchlistCloudEvent[];
}

/** What re-screening a batch's subjects would record (WatchlistScreener.planSubjects). */
export interface SubjectsPlan {
  readonly at: Date;
  readonly subjectIds: ReadonlySet<string>;
  readonly causeOf: (subjectId: string) => Cause;
  readonly entries: readonly PlannedEntry[];
}

export interface ScreenerOptions {
  /** The CloudEvents `source` of the notifications (watchlistConfig().source; default the ledger's default). */
  readonly source?: string;
  readonly now?: () => Date;
}

/** Match as many subjects as screening allows: a watchlist entry must not lose a match to the default limit of 10. */
const requestOf = (entry: WatchlistEntry) => ({ ...queryOf(entry), limit: MAX_LIMIT });

export class WatchlistScreener {
  /** Also the source of the Ended notifications of removals (watchlists.ts), so every notification has one source. */
  readonly source: string;

  constructor(
    private readonly store: WatchlistStore,
    private readonly screening: ScreeningService,
    private readonly options: ScreenerOptions = {},
  ) {
    this.source = options.source ?? DEFAULT_CLOUDEVENT_SOURCE;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Screens entries just written against the whole current state; returns how many notifications it recorded. */
  screenRegistered(watchlistId: string, entries: readonly WatchlistEntry[]): number {
    let recorded = 0;
    for (const entry of entries) recorded += this.rescreen({ watchlistId, entry }, () => true, { by: 'registration' });
    return recorded;
  }

  /**
   * Works out, off any transaction, what re-screening the candidate entries of the subjects a batch touched (their
   * segments as now in the read models) would record: pauses between entries (run it with runInSlices), writes
   * nothing. `causeOf` names the event that last touched each subject. `commitPlan` records it.
   */
  *planSubjects(segments: readonly ScreeningEntry[], subjectIds: ReadonlySet<string>, causeOf: (subjectId: string) => Cause): Steps<SubjectsPlan> {
    const at = this.now();
    const candidates = new Map<string, Located>();
    const found = yield* this.store.candidateSteps(segments);
    const matching = this.store.entriesMatching([...subjectIds]);
    for (const located of [...found, ...matching]) candidates.set(`${located.watchlistId}/${located.entry.id}`, located);
    // An entry with no stored match among these subjects changes only if it matches one of them now: most
    // candidates match none, and their stored matches need not be read (one statement each).
    const matched = new Set(matching.map((located) => `${located.watchlistId}/${located.entry.id}`));
    const planned: PlannedEntry[] = [];
    if (candidates.size === 0) return { at, subjectIds, causeOf, entries: planned };
    const local = new ScreeningIndex(segments);
    const basis = { asOf: at.toISOString().slice(0, 10), knownAt: at.toISOString() };
    const inScope = (s: string) => subjectIds.has(s);
    for (const [key, located] of candidates) {
      yield;
      const matches = local.screen(requestOf(located.entry), basis);
      if (matches.length === 0 && !matched.has(key)) continue;
      const { watchlistId, entry } = located;
      if (diffMatches(this.store.storedMatches(watchlistId, entry.id), matches, inScope).length === 0) continue;
      const matchesAs = this.store.matchesState(watchlistId, entry.id);
      planned.push({ located, matchesAs, events: this.changeEvents(located, inScope, undefined, causeOf, at) });
    }
    return { at, subjectIds, causeOf, entries: planned };
  }

  /**
   * Records a plan, inside the caller's transaction; returns how many notifications it recorded. An entry changed,
   * removed or re-screened since it was planned (a registration, a bulk load's screening) is not recorded as
   * planned: a removed one is skipped (its removal ended its matches), a changed one is screened again here, from
   * what the file holds now. Entries registered meanwhile were screened against a state that held the batch.
   */
  commitPlan(plan: SubjectsPlan): number {
    const inScope = (s: string) => plan.subjectIds.has(s);
    let recorded = 0;
    for (const { located, matchesAs, events } of plan.entries) {
      const { watchlistId, entry } = located;
      const current = this.store.entry(watchlistId, entry.id);
      if (current === undefined) continue;
      if (JSON.stringify(current) !== JSON.stringify(entry) || this.store.matchesState(watchlistId, entry.id) !== matchesAs) {
        recorded += this.rescreen({ watchlistId, entry: current }, inScope, undefined, plan.causeOf, plan.at);
        continue;
      }
      for (const event of events) this.store.record(event);
      recorded += events.length;
    }
    return recorded;
  }

  /** Screens one entry against the full index and records the changes among the subjects `inScope`. */
  private rescreen(located: Located, inScope: (subjectId: string) => boolean, cause: Cause | undefined, causeOf?: (subjectId: string) => Cause, at = this.now()): number {
    const events = this.changeEvents(located, inScope, cause, causeOf, at);
    for (const event of events) this.store.record(event);
    return events.length;
  }

  /** The notifications screening one entry against the full index gives, among the subjects `inScope`; writes nothing. */
  private changeEvents(located: Located, inScope: (subjectId: string) => boolean, cause: Cause | undefined, causeOf: ((subjectId: string) => Cause) | undefined, at: Date): WatchlistCloudEvent[] {
    const { watchlistId, entry } = located;
    const receipt = this.screening.screen(requestOf(entry), at);
    const time = at.toISOString();
    return diffMatches(this.store.storedMatches(watchlistId, entry.id), receipt.matches, inScope).map((change) =>
      toNotification(change, {
        watchlistId,
        entryId: entry.id,
        receipt,
        cause: cause ?? causeOf!(change.subjectId),
        id: randomUUID(),
        time,
        source: this.source,
      }),
    );
  }
}
