/**
 * The Ended notifications of an entry that is removed (DELETE of the entry, a replace that leaves it out, or the
 * deletion of its watchlist): one per current match, so a consumer that holds the match learns it is over
 * (DESIGN.md section 13). They keep ids only (watchlist, entry, subject, designation, the last score): the
 * match's reasons and the receipt quote the caller's name, and a removed entry's name must not stay in the
 * service's database. Pure.
 */
import type { StoredMatch } from './match-diff';
import { watchlistCloudEvent, type RemovalReason, type WatchlistCloudEvent } from './notification';

export interface RemovalContext {
  readonly watchlistId: string;
  readonly entryId: string;
  readonly reason: RemovalReason;
  readonly time: string;
  readonly newId: () => string;
  readonly source: string;
}

/** In a stable order (subject, designation), like the screener's changes, for reproducible outboxes. */
export function endedOnRemoval(stored: readonly StoredMatch[], context: RemovalContext): WatchlistCloudEvent[] {
  const ordered = [...stored].sort((a, b) => a.subjectId.localeCompare(b.subjectId) || a.designationId.localeCompare(b.designationId));
  return ordered.map((m) =>
    watchlistCloudEvent(
      'Ended',
      {
        watchlistId: context.watchlistId,
        entryId: context.entryId,
        subjectId: m.subjectId,
        designationId: m.designationId,
        score: null,
        previousScore: m.score,
        match: null,
        cause: { by: context.reason },
        receipt: null,
      },
      { id: context.newId(), time: context.time, source: context.source },
    ),
  );
}
