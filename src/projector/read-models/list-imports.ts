/**
 * The list_imports read model: one row per imported list file, the evidence the importer's date rule reads
 * (DESIGN.md section 11). Sources, in log order:
 *   ListFileImported                          -> the row, with the file set's digest, entry count and changes
 *   an import's designation event             -> the row of its file, for logs written before ListFileImported
 *     (command id `import:<list>:<date>:...`)     existed: a rebuild (or the first open of this read model,
 *                                                 which bulk-loads it) reads those logs as the importer did
 *   a retraction's DesignationCorrected       -> retracted = 1 for that list, date and file
 *     (command id `retract:<list>:<date>:...`)
 */
import type Database from 'better-sqlite3';
import { listImportsSchema } from '../../../projections/schema';
import type { ProjectedEvent, ReadModel, ReadModelWriter } from './read-model';

const IMPORT_ID = /^import:([A-Z][A-Z-]*):(\d{4}-\d\d-\d\d):/;
const RETRACTION_ID = /^retract:([A-Z][A-Z-]*):(\d{4}-\d\d-\d\d):/;

interface ImportRow {
  list: string;
  published_on: string;
  primary_sha256: string;
  sha256: string;
  position: string;
  recorded_at: string;
  evidence: 'ListFileImported' | 'import-events';
  entry_count: number | null;
  changes: string | null;
  retracted: number;
}

type Change =
  | { readonly kind: 'row'; readonly row: ImportRow }
  | { readonly kind: 'retraction'; readonly list: string; readonly publishedOn: string; readonly primarySha256: string | undefined };

/** What one event means for the read model, if anything. */
function changeOf({ recorded, event }: ProjectedEvent): Change | undefined {
  const { envelope } = recorded;
  const base = { position: recorded.position, recorded_at: envelope.recordedAt, retracted: 0 };
  if (event.type === 'ListFileImported') {
    const d = event.data;
    return {
      kind: 'row',
      row: { ...base, list: d.list, published_on: d.publishedOn, primary_sha256: d.files[0]!.sha256, sha256: d.sha256, evidence: 'ListFileImported', entry_count: d.entryCount, changes: JSON.stringify(d.changes) },
    };
  }
  if (event.type === 'DesignationCorrected') {
    const retraction = RETRACTION_ID.exec(envelope.commandId);
    return retraction === null ? undefined : { kind: 'retraction', list: retraction[1]!, publishedOn: retraction[2]!, primarySha256: envelope.source.sha256 };
  }
  const imported = IMPORT_ID.exec(envelope.commandId);
  const sha256 = envelope.source.sha256;
  if (imported === null || sha256 === undefined) return undefined;
  return { kind: 'row', row: { ...base, list: imported[1]!, published_on: imported[2]!, primary_sha256: sha256, sha256, evidence: 'import-events', entry_count: null, changes: null } };
}

const keyOf = (list: string, publishedOn: string, primarySha256: string) => `${list}\u0000${publishedOn}\u0000${primarySha256}`;

function writer(db: Database.Database): ReadModelWriter {
  // The first event of an import makes the row; its ListFileImported (last in the batch) fills in the evidence.
  const upsert = db.prepare<ImportRow>(
    `INSERT INTO list_imports (list, published_on, primary_sha256, sha256, position, recorded_at, evidence, entry_count, changes, retracted)
     VALUES (@list, @published_on, @primary_sha256, @sha256, @position, @recorded_at, @evidence, @entry_count, @changes, @retracted)
     ON CONFLICT (list, published_on, primary_sha256) DO UPDATE SET sha256 = excluded.sha256, evidence = excluded.evidence,
       entry_count = excluded.entry_count, changes = excluded.changes WHERE excluded.evidence = 'ListFileImported'`,
  );
  const retract = db.prepare<Record<string, string | null>>(
    `UPDATE list_imports SET retracted = 1 WHERE list = @list AND published_on = @publishedOn AND (@sha IS NULL OR primary_sha256 = @sha)`,
  );
  return {
    apply(projected) {
      const change = changeOf(projected);
      if (change === undefined) return;
      if (change.kind === 'row') upsert.run(change.row);
      else retract.run({ list: change.list, publishedOn: change.publishedOn, sha: change.primarySha256 ?? null });
    },
  };
}

/** The same rows as the writer, kept in memory and inserted once at the end (bulk loaders only insert). */
function bulkLoader(db: Database.Database) {
  const rows = new Map<string, ImportRow>();
  return {
    apply(projected: ProjectedEvent) {
      const change = changeOf(projected);
      if (change === undefined) return;
      if (change.kind === 'row') {
        const { row } = change;
        const key = keyOf(row.list, row.published_on, row.primary_sha256);
        const earlier = rows.get(key);
        if (earlier === undefined) rows.set(key, row);
        else if (row.evidence === 'ListFileImported') rows.set(key, { ...earlier, sha256: row.sha256, evidence: row.evidence, entry_count: row.entry_count, changes: row.changes });
        return;
      }
      for (const row of rows.values()) {
        if (row.list === change.list && row.published_on === change.publishedOn && (change.primarySha256 === undefined || row.primary_sha256 === change.primarySha256)) row.retracted = 1;
      }
    },
    finish() {
      const insert = db.prepare<ImportRow>(
        `INSERT INTO list_imports (list, published_on, primary_sha256, sha256, position, recorded_at, evidence, entry_count, changes, retracted)
         VALUES (@list, @published_on, @primary_sha256, @sha256, @position, @recorded_at, @evidence, @entry_count, @changes, @retracted)`,
      );
      for (const row of rows.values()) insert.run(row);
    },
  };
}

export const listImportsReadModel: ReadModel = { schema: listImportsSchema, writer, bulkLoader };
