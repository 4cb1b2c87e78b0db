/**
 * The audited way out of a bad import (a wrongly dated, wrongly chosen or tampered list file): every event that
 * import recorded is found in the history read model by its command ids (`import:<list>:<publishedOn>:...`,
 * optionally narrowed to the file's sha256) and compensated by one DesignationCorrected per designation touched,
 * recorded by an operator with a reason. Nothing in the log is edited:
 *
 *   designation the import created   -> { withdrawn: true }           never had effect, at any date
 *   delisting the import recorded    -> { delistingWithdrawn: true }  in force again, with no end
 *   amendments the import recorded   -> { amendmentsWithdrawn: [d] }  as if never amended by that file
 *
 * knownAt before the retraction still shows what was recorded then (the bitemporal index keeps it). The command
 * ids are derived from list, date and designation (retraction-ids.ts): running it again appends nothing. The
 * importer's view then ignores the retracted publication date, so the right file imports normally.
 *
 *   await retractImport({ ledger, projector }, { list: 'UN', publishedOn: '2026-12-01', reason: '...', actor });
 */
import * as E from 'fp-ts/Either';
import type { Actor } from '../../../events/envelope';
import { subjectStream } from '../../commands/command-catalogue';
import { describeFailure } from '../../commands/outcomes';
import type { ListId } from '../listing';
import { commandIdPrefix } from './command-builders';
import { ImportRefusedError } from './errors';
import { retractedPublicationDates, retractionCommandId } from './retraction-ids';
import type { ImportContext } from './run-import';
import { listPrefix, prefixRange } from './subject-ids';

export interface RetractOptions {
  readonly list: ListId;
  readonly publishedOn: string;
  /** Only the events recorded from this file (its sha256); default every import of that date. */
  readonly sha256?: string;
  readonly reason: string;
  readonly actor: Actor;
}

export interface RetractReport {
  readonly list: ListId;
  readonly publishedOn: string;
  /** Events of the retracted import found in the history. */
  readonly importEvents: number;
  readonly designations: { readonly withdrawn: number; readonly delistingsWithdrawn: number; readonly amendmentsWithdrawn: number };
  readonly appendedEvents: number;
  readonly duplicateCommands: number;
}

interface HistoryRow {
  subject_id: string;
  designation_id: string;
  type: string;
  data: string;
  source: string;
  command_id: string;
}

interface Withdrawal {
  subjectId: string;
  designationId: string;
  regime: string;
  designated: boolean;
  delisted: boolean;
  amended: boolean;
  fileName?: string;
  sha256?: string;
}

/**
 * A retraction's command ids are derived from list, date and designation, so running it again is idempotent only
 * with the same reason; under another one every command would be a reused id. Say what happened instead (and
 * how to complete a retraction a crash interrupted: re-run it with the recorded reason).
 */
function refuseAnotherReason(db: ImportContext['projector']['db'], list: ListId, publishedOn: string, reason: string, streams: { from: string; to: string }): void {
  const ids = prefixRange(retractionCommandId(list, publishedOn, '', '').slice(0, -1));
  const recorded = db
    .prepare<Record<string, string>, { source: string }>(
      `SELECT source FROM history WHERE stream_id >= @streamFrom AND stream_id < @streamTo AND command_id >= @idFrom AND command_id < @idTo LIMIT 1`,
    )
    .get({ streamFrom: streams.from, streamTo: streams.to, idFrom: ids.from, idTo: ids.to });
  if (recorded === undefined) return;
  const earlier = (JSON.parse(recorded.source) as { documentRef?: string }).documentRef;
  if (earlier === reason) return;
  throw new ImportRefusedError(
    `${list} retraction refused, nothing appended: the import of the list published ${publishedOn} is already retracted, ` +
      `with the reason ${JSON.stringify(earlier)}; to complete an interrupted retraction, run it again with that reason`,
  );
}

/** Refused retractions are ImportRefusedError (nothing appended), like a refused import. */
export async function retractImport(ctx: ImportContext, options: RetractOptions): Promise<RetractReport> {
  const { list, publishedOn } = options;
  await ctx.projector.catchUp();
  const db = ctx.projector.db;
  const streams = prefixRange(subjectStream(listPrefix(list)));
  const imports = prefixRange(commandIdPrefix(list));
  const at = imports.from.length + 1;
  const retracted = retractedPublicationDates(db, list);

  const ofDate = prefixRange(`${commandIdPrefix(list)}${publishedOn}:`);
  const rows = db
    .prepare<Record<string, string>, HistoryRow>(
      `SELECT subject_id, designation_id, type, data, source, command_id FROM history
       WHERE stream_id >= @streamFrom AND stream_id < @streamTo AND command_id >= @idFrom AND command_id < @idTo
       ORDER BY position`,
    )
    .all({ streamFrom: streams.from, streamTo: streams.to, idFrom: ofDate.from, idTo: ofDate.to })
    .filter((r) => options.sha256 === undefined || (JSON.parse(r.source) as { sha256?: string }).sha256 === options.sha256);
  if (rows.length === 0) {
    const which = options.sha256 === undefined ? '' : ` from the file with sha256 ${options.sha256}`;
    throw new ImportRefusedError(`${list} retraction refused, nothing appended: no import of the list published ${publishedOn}${which} is recorded`);
  }

  const later = db
    .prepare<Record<string, string | number>, { p: string }>(
      `SELECT DISTINCT substr(command_id, @at, 10) AS p FROM history
       WHERE stream_id >= @streamFrom AND stream_id < @streamTo AND command_id >= @idFrom AND command_id < @idTo AND substr(command_id, @at, 10) > @date`,
    )
    .all({ at, streamFrom: streams.from, streamTo: streams.to, idFrom: imports.from, idTo: imports.to, date: publishedOn })
    .map((r) => r.p)
    .filter((p) => /^\d{4}-\d\d-\d\d$/.test(p) && !retracted.has(p));
  if (later.length > 0) {
    throw new ImportRefusedError(`${list} retraction refused, nothing appended: the import of the list published ${later.sort().at(-1)} came after the one published ${publishedOn}; retract the later one first`);
  }

  refuseAnotherReason(db, list, publishedOn, options.reason, streams);

  const withdrawals = new Map<string, Withdrawal>();
  for (const row of rows) {
    const key = `${row.subject_id}|${row.designation_id}`;
    const data = JSON.parse(row.data) as { regime: string };
    const source = JSON.parse(row.source) as { fileName?: string; sha256?: string };
    let w = withdrawals.get(key);
    if (w === undefined) {
      w = { subjectId: row.subject_id, designationId: row.designation_id, regime: data.regime, designated: false, delisted: false, amended: false };
      if (source.fileName !== undefined) w.fileName = source.fileName;
      if (source.sha256 !== undefined) w.sha256 = source.sha256;
      withdrawals.set(key, w);
    }
    if (row.type === 'SubjectDesignated') w.designated = true;
    else if (row.type === 'SubjectDelisted') w.delisted = true;
    else if (row.type === 'DesignationAmended') w.amended = true;
  }

  const commands = [...withdrawals.values()].map((w) => {
    // A designation the import created goes whole: its amendments and delisting by the same file go with it.
    const corrections = w.designated
      ? { withdrawn: true }
      : { ...(w.delisted ? { delistingWithdrawn: true } : {}), ...(w.amended ? { amendmentsWithdrawn: [publishedOn] } : {}) };
    const file = w.fileName === undefined ? '' : ` (${w.fileName}${w.sha256 === undefined ? '' : `, sha256 ${w.sha256}`})`;
    return {
      command: {
        type: 'CorrectDesignation' as const,
        data: { subjectId: w.subjectId, regime: w.regime, designationId: w.designationId, corrections, reason: `Import of the ${list} list published ${publishedOn}${file} retracted: ${options.reason}` },
      },
      metadata: {
        actor: options.actor,
        source: { publisher: `retraction of the ${list} import published ${publishedOn}`, documentRef: options.reason, ...(w.sha256 === undefined ? {} : { sha256: w.sha256 }) },
        commandId: retractionCommandId(list, publishedOn, w.subjectId, w.designationId),
        correlationId: `retract:${list}:${publishedOn}`,
      },
    };
  });

  const result = await ctx.ledger.commands.handleAll(commands);
  if (E.isLeft(result)) {
    const { index, failure } = result.left;
    const c = commands[index]!.command.data;
    throw new ImportRefusedError(`${list} retraction stopped at ${c.subjectId} (${c.designationId}): ${describeFailure(failure)}`);
  }
  let appendedEvents = 0;
  let duplicateCommands = 0;
  for (const accepted of result.right) {
    if (accepted.status === 'duplicate') duplicateCommands++;
    else appendedEvents += accepted.events.length;
  }
  if (appendedEvents > 0) await ctx.projector.catchUp();
  const all = [...withdrawals.values()];
  return {
    list,
    publishedOn,
    importEvents: rows.length,
    designations: {
      withdrawn: all.filter((w) => w.designated).length,
      delistingsWithdrawn: all.filter((w) => !w.designated && w.delisted).length,
      amendmentsWithdrawn: all.filter((w) => !w.designated && w.amended).length,
    },
    appendedEvents,
    duplicateCommands,
  };
}
