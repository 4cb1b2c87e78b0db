/**
 * A match change -> a CloudEvents 1.0 notification (DESIGN.md sections 9 and 13). The type follows the ledger's
 * naming (src/notifications/cloud-event.ts): `org.sanctions-ledger.WatchlistMatchCreated.v1`, ...Changed, ...Ended.
 * The subject and the Kafka key are `<watchlist id>/<entry id>` (ids cannot contain "/"), so one entry's
 * notifications stay in order on one partition. Pure.
 */
import type { Message } from 'kafkajs';
import { cloudEventType, type JsonCloudEventAttributes } from '../notifications/cloud-event';
import type { Receipt } from '../screening';
import type { ChangeKind, MatchChange } from './match-diff';

export const notificationType = (kind: ChangeKind) => cloudEventType(`WatchlistMatch${kind}`, 1);

/** What caused a screening: the registration of the entry, or an event of the log. */
export type Cause = { readonly by: 'registration' } | { readonly by: 'event'; readonly eventId: string; readonly position: string; readonly eventType: string };

/** Why matches ended without a screening: the caller removed the entry (or replaced it away) or deleted its watchlist. */
export type RemovalReason = 'entry-removed' | 'watchlist-deleted';

export interface WatchlistMatchData {
  readonly watchlistId: string;
  readonly entryId: string;
  readonly subjectId: string;
  readonly designationId: string;
  readonly score: number | null;
  readonly previousScore: number | null;
  /** Null when the entry was removed: the match's reasons quote the caller's name, which must not outlive it. */
  readonly match: MatchChange['match'] | null;
  readonly cause: Cause | { readonly by: RemovalReason };
  /** Null when the entry was removed: a receipt quotes the query (the caller's name). */
  readonly receipt: Receipt | null;
}

export interface WatchlistCloudEvent extends JsonCloudEventAttributes<WatchlistMatchData> {
  readonly specversion: '1.0';
  readonly watchlistid: string;
  readonly partitionkey: string;
}

export const entryKey = (watchlistId: string, entryId: string) => `${watchlistId}/${entryId}`;

/**
 * The CloudEvent around a notification's data: subject and partition key `<watchlist>/<entry>`. `source` has no
 * default here: every kind of notification (screened, or ended by a removal) must carry the one configured source.
 */
export function watchlistCloudEvent(kind: ChangeKind, data: WatchlistMatchData, context: { id: string; time: string; source: string }): WatchlistCloudEvent {
  const key = entryKey(data.watchlistId, data.entryId);
  return {
    specversion: '1.0',
    id: context.id,
    source: context.source,
    type: notificationType(kind),
    subject: key,
    time: context.time,
    datacontenttype: 'application/json',
    watchlistid: data.watchlistId,
    partitionkey: key,
    data,
  };
}

export function toNotification(
  change: MatchChange,
  context: { watchlistId: string; entryId: string; receipt: Receipt; cause: Cause; id: string; time: string; source: string },
): WatchlistCloudEvent {
  const data: WatchlistMatchData = {
    watchlistId: context.watchlistId,
    entryId: context.entryId,
    subjectId: change.subjectId,
    designationId: change.designationId,
    score: change.kind === 'Ended' ? null : change.match.score,
    previousScore: change.previousScore ?? null,
    match: change.match,
    cause: context.cause,
    receipt: context.receipt,
  };
  return watchlistCloudEvent(change.kind, data, context);
}

/** Kafka binary mode: `ce_*` headers, the data as the value, the entry as the key. */
export function toKafkaMessage(event: WatchlistCloudEvent): Message {
  return {
    key: event.partitionkey,
    value: JSON.stringify(event.data),
    headers: {
      'content-type': event.datacontenttype,
      ce_id: event.id,
      ce_time: event.time,
      ce_type: event.type,
      ce_source: event.source,
      ce_specversion: event.specversion,
      ce_datacontenttype: event.datacontenttype,
      ce_subject: event.subject,
      ce_watchlistid: event.watchlistid,
      ce_partitionkey: event.partitionkey,
    },
    timestamp: String(Date.parse(event.time)),
  };
}
