/**
 * Screening watchlist entries and recording what changed (DESIGN.md section 13).
 *
 * - On registration, an entry is screened against the full current index (ScreeningService), so a name that is
 *   already listed is reported at once.
 * - For a batch of the log, only the subjects the batch touched are re-screened: their segments form a small
 *   index, the candidate entries come from the key index (plus the entries already matching those subjects), and
 *   only matches with those subjects are compared. Only when something changed is the entry screened against the
 *   full index, for the receipt: a receipt must verify against the whole ledger (POST /screenings/verify).
 *
 * Each change becomes a notification row and moves the current match, in the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_CLOUDEVENT_SOURCE } from '../notifications/cloud-event';
import { MAX_LIMIT, ScreeningIndex, type ScreeningEntry, type ScreeningService } from '../screening';
import { queryOf, type WatchlistEntry } from './entry-codec';
import { diffMatches } from './match-diff';
import { toNotification, type Cause } from './notification';
import type { Located, WatchlistStore } from './watchlist-store';

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
   * Re-screens the candidate entries of the subjects a batch touched (their segments as now in the read models).
   * `causeOf` names the event that last touched each subject.
   */
  screenSubjects(segments: readonly ScreeningEntry[], subjectIds: ReadonlySet<string>, causeOf: (subjectId: string) => Cause): number {
    const candidates = new Map<string, Located>();
    for (const located of [...this.store.candidatesOf(segments), ...this.store.entriesMatching([...subjectIds])]) {
      candidates.set(`${located.watchlistId}/${located.entry.id}`, located);
    }
    if (candidates.size === 0) return 0;
    const local = new ScreeningIndex(segments);
    const now = this.now();
    const basis = { asOf: now.toISOString().slice(0, 10), knownAt: now.toISOString() };
    let recorded = 0;
    for (const located of candidates.values()) {
      const matches = local.screen(requestOf(located.entry), basis);
      const stored = this.store.storedMatches(located.watchlistId, located.entry.id);
      const changes = diffMatches(stored, matches, (s) => subjectIds.has(s));
      if (changes.length === 0) continue;
      recorded += this.rescreen(located, (s) => subjectIds.has(s), undefined, causeOf, now);
    }
    return recorded;
  }

  /** Screens one entry against the full index and records the changes among the subjects `inScope`. */
  private rescreen(located: Located, inScope: (subjectId: string) => boolean, cause: Cause | undefined, causeOf?: (subjectId: string) => Cause, at = this.now()): number {
    const { watchlistId, entry } = located;
    const receipt = this.screening.screen(requestOf(entry), at);
    const changes = diffMatches(this.store.storedMatches(watchlistId, entry.id), receipt.matches, inScope);
    const time = at.toISOString();
    for (const change of changes) {
      this.store.record(
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
    return changes.length;
  }
}
