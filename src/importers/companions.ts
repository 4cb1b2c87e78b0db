/**
 * The OFAC CSV set's companion files (add/alt/comments) carry the aliases, addresses and remark continuations of
 * the primary file's entries. Importing the primary file without a companion the list was LAST imported with
 * would read as "every alias (or address) removed" and amend thousands of designations, so it is refused.
 *
 * What the last import consisted of is derived from the log (via the history read model), not a side file: every
 * event an import appends names the whole set in its source's documentRef ("sdn.csv + add.csv + alt.csv"), so
 * the latest imported event of the list tells which files it came from, and survives restarts and rebuilds.
 */
import { basename } from 'node:path';
import type Database from 'better-sqlite3';
import { subjectStream } from '../commands/command-catalogue';
import { commandIdPrefix } from './import/command-builders';
import { listPrefix, prefixRange } from './import/subject-ids';
import { OFAC_CSV_FILES } from './formats/ofac-csv';
import type { Format } from './listing';

/** Refused: the upload lacks companion files of the set the list was last imported with (nothing appended). */
export class MissingCompanionFilesError extends Error {
  constructor(
    readonly list: string,
    readonly missingFiles: readonly string[],
    readonly lastImportFiles: readonly string[],
  ) {
    super(
      `${list} import refused, nothing appended: the set lacks ${missingFiles.join(', ')}, which the last import of ${list} ` +
        `(${lastImportFiles.join(' + ')}) had; send the whole set, or its aliases and addresses would read as removed`,
    );
    this.name = 'MissingCompanionFilesError';
  }
}

/** The file names of the latest import of the list that recorded anything, from its events' documentRef. */
export function lastImportFiles(db: Database.Database, list: string): string[] | undefined {
  const streams = prefixRange(subjectStream(listPrefix(list as never)));
  const ids = prefixRange(commandIdPrefix(list));
  const row = db
    .prepare<Record<string, string>, { source: string }>(
      `SELECT source FROM history
       WHERE +stream_id >= @streamFrom AND +stream_id < @streamTo AND command_id >= @idFrom AND command_id < @idTo
       ORDER BY position DESC LIMIT 1`,
    )
    .get({ streamFrom: streams.from, streamTo: streams.to, idFrom: ids.from, idTo: ids.to });
  if (row === undefined) return undefined;
  const documentRef = (JSON.parse(row.source) as { documentRef?: string }).documentRef;
  return documentRef === undefined ? undefined : documentRef.split(' + ').map((name) => name.trim().toLowerCase());
}

/**
 * Throws MissingCompanionFilesError when an ofac-csv set lacks a file the list's last import had. Other formats
 * are one file each and pass. Call after the projector has caught up with the log.
 */
export function refuseMissingCompanions(db: Database.Database, format: Format, files: readonly string[]): void {
  if (format !== 'ofac-csv') return;
  const names = files.map((f) => basename(f).toLowerCase());
  const list = names.map((n) => OFAC_CSV_FILES[n]?.list).find((l) => l !== undefined);
  if (list === undefined) return; // the parser names the unknown file
  const previous = lastImportFiles(db, list);
  if (previous === undefined) return;
  const missing = previous.filter((name) => OFAC_CSV_FILES[name]?.list === list && !names.includes(name));
  if (missing.length > 0) throw new MissingCompanionFilesError(list, missing, previous);
}
