/**
 * The evidence that a list file was imported (DESIGN.md section 11): the RecordListFileImport command every
 * import appends last in its batch, changes or not, and the reads of the list_imports read model the importer's
 * date rule rests on. Its command id is derived from list, date and the file set's digest: a re-run of the same
 * file appends nothing, a different file of the list that changes nothing appends exactly this one event.
 */
import type Database from 'better-sqlite3';
import { fileSetDigest } from '../../domain/list/file-digest';
import type { ListId, ListSnapshot } from '../listing';

export interface EvidenceCommand {
  readonly command: { readonly type: 'RecordListFileImport'; readonly data: Record<string, unknown> };
  readonly commandId: string;
}

export const evidenceCommandId = (list: string, publishedOn: string, sha256: string) => `import-file:${list}:${publishedOn}:${sha256}`;

export interface ImportCounts {
  readonly designated: number;
  readonly amended: number;
  readonly delisted: number;
}

/** The data holds only what the file says and what importing it changed, so racing importers issue one command. */
export function evidenceCommand(snapshot: Pick<ListSnapshot, 'list' | 'authority' | 'publishedOn' | 'files' | 'entries'>, changes: ImportCounts): EvidenceCommand {
  const sha256 = fileSetDigest(snapshot.files);
  return {
    command: {
      type: 'RecordListFileImport',
      data: {
        list: snapshot.list,
        authority: snapshot.authority,
        publishedOn: snapshot.publishedOn,
        sha256,
        files: snapshot.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })),
        entryCount: snapshot.entries.length,
        changes: { designated: changes.designated, amended: changes.amended, delisted: changes.delisted },
        documentRef: snapshot.files.map((f) => f.name).join(' + '),
      },
    },
    commandId: evidenceCommandId(snapshot.list, snapshot.publishedOn, sha256),
  };
}

/** True when this very file set of this date is already recorded (a re-run): nothing to record again. */
export function isFileRecorded(db: Database.Database, snapshot: Pick<ListSnapshot, 'list' | 'publishedOn' | 'files'>): boolean {
  const row = db
    .prepare<[string, string, string], { n: number }>(`SELECT 1 AS n FROM list_imports WHERE list = ? AND published_on = ? AND sha256 = ? AND evidence = 'ListFileImported'`)
    .get(snapshot.list, snapshot.publishedOn, fileSetDigest(snapshot.files));
  return row !== undefined;
}

/** The latest publication date of an import of `list` before `before` that still counts (not retracted). */
export function latestImportBefore(db: Database.Database, list: ListId, before: string): string | undefined {
  return db
    .prepare<[string, string], { p: string }>(
      `SELECT published_on AS p FROM list_imports WHERE list = ? AND published_on < ? AND retracted = 0 ORDER BY published_on DESC LIMIT 1`,
    )
    .get(list, before)?.p;
}

export interface LastImportedFile {
  readonly publishedOn: string;
  readonly sha256: string;
  readonly recordedAt: string;
  readonly entryCount?: number;
}

/** The list's last imported file that still counts, as the log recorded it (sync status and its sha256 check). */
export function lastImportedFile(db: Database.Database, list: ListId): LastImportedFile | undefined {
  const row = db
    .prepare<[string], { published_on: string; sha256: string; recorded_at: string; entry_count: number | null }>(
      `SELECT published_on, sha256, recorded_at, entry_count FROM list_imports WHERE list = ? AND retracted = 0 ORDER BY published_on DESC, position DESC LIMIT 1`,
    )
    .get(list);
  if (row === undefined) return undefined;
  return { publishedOn: row.published_on, sha256: row.sha256, recordedAt: row.recorded_at, ...(row.entry_count === null ? {} : { entryCount: row.entry_count }) };
}
