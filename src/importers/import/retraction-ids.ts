/**
 * The command ids of a retraction (retract.ts): `retract:<list>:<publishedOn>:<subjectId>|<designationId>`,
 * one per designation the retracted import touched. Derived from what is retracted, so running the same
 * retraction again appends nothing; the publication date at a fixed place lets the importer's view tell which
 * imports no longer count without parsing event data.
 */
import type Database from 'better-sqlite3';
import { subjectStream } from '../../commands/command-catalogue';
import type { ListId } from '../listing';
import { listPrefix, prefixRange } from './subject-ids';

export const retractionIdPrefix = (list: string) => `retract:${list}:`;

export const retractionCommandId = (list: string, publishedOn: string, subjectId: string, designationId: string) =>
  `${retractionIdPrefix(list)}${publishedOn}:${subjectId}|${designationId}`;

/** Publication dates of the imports of `list` that a retraction withdrew (from the history read model). */
export function retractedPublicationDates(db: Database.Database, list: ListId): Set<string> {
  const streams = prefixRange(subjectStream(listPrefix(list)));
  const ids = prefixRange(retractionIdPrefix(list));
  const rows = db
    .prepare<Record<string, string | number>, { p: string }>(
      `SELECT DISTINCT substr(command_id, @at, 10) AS p FROM history
       WHERE stream_id >= @streamFrom AND stream_id < @streamTo AND command_id >= @idFrom AND command_id < @idTo AND type = 'DesignationCorrected'`,
    )
    .all({ at: ids.from.length + 1, streamFrom: streams.from, streamTo: streams.to, idFrom: ids.from, idTo: ids.to });
  return new Set(rows.map((r) => r.p));
}
