/**
 * Read-model schemas (SQLite). Open ends are stored as sentinels rather than NULL so that every bitemporal
 * lookup is a plain range condition an index can serve.
 */

/** Effective time: a designation with no delisting is in force until this date (exclusive). */
export const OPEN_DATE = '9999-12-31';
/** Recorded time: a version of a designation not yet superseded is current until this instant. */
export const OPEN_INSTANT = '9999-12-31T23:59:59.999Z';

export const CHECKPOINTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  read_model TEXT PRIMARY KEY,
  position   TEXT,              -- NULL: nothing applied yet
  updated_at TEXT NOT NULL
) WITHOUT ROWID;`;

export interface ReadModelSchema {
  readonly name: string;
  readonly tables: readonly string[];
  readonly create: string;
  /** Secondary indexes, created after a bulk load rather than maintained row by row while loading. */
  readonly indexes: string;
}

export const designationsSchema: ReadModelSchema = {
  name: 'designations',
  tables: ['designation_states', 'designation_segments'],
  create: `
CREATE TABLE IF NOT EXISTS designation_states (          -- current knowledge: one row per designation
  designation_key  TEXT PRIMARY KEY,                     -- subjectId + '|' + designationId
  subject_id       TEXT NOT NULL,
  regime           TEXT NOT NULL,
  effective_from   TEXT NOT NULL,
  effective_to     TEXT NOT NULL,                        -- OPEN_DATE when not delisted
  recorded_at      TEXT NOT NULL,
  state            TEXT NOT NULL                         -- DesignationState JSON
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS designation_segments (        -- the bitemporal index
  designation_key     TEXT NOT NULL,
  subject_id          TEXT NOT NULL,
  designation_id      TEXT NOT NULL,
  subject_kind        TEXT NOT NULL,
  authority           TEXT NOT NULL,
  regime              TEXT NOT NULL,
  effective_from      TEXT NOT NULL,                     -- this segment, cut where amendments take effect
  effective_to        TEXT NOT NULL,
  designation_from    TEXT NOT NULL,                     -- the whole designation's interval
  designation_to      TEXT NOT NULL,
  recorded_from       TEXT NOT NULL,                     -- when the ledger learnt this version
  recorded_to         TEXT NOT NULL,                     -- when a later event superseded it
  primary_name        TEXT NOT NULL,
  measures            TEXT NOT NULL,                     -- JSON array
  legal_basis         TEXT NOT NULL,                     -- JSON array
  authority_reference TEXT,
  attributes          TEXT NOT NULL                      -- DesignationAttributes JSON
);`,
  indexes: `
-- The live projector closes a designation's open segments through this one; a subject's segments are the
-- designation keys starting with its id, so the subject query ranges over it too.
CREATE INDEX IF NOT EXISTS segments_open ON designation_segments (designation_key, recorded_to, effective_from);
-- Covering index of the state query (one regime; one authority is a range of regimes): seek the regime and the
-- open recorded_to sentinel, then range over the end of effective time, and answer from the index alone. Ordered
-- by the end, a late asOf scans only the segments still running then; an early one scans the regime's current
-- segments once (ordered by the start, late dates scanned nearly everything: twice as slow at the worst case).
CREATE INDEX IF NOT EXISTS segments_by_regime_end ON designation_segments (regime, recorded_to, effective_to, effective_from,
  recorded_from, subject_id, designation_id, subject_kind, authority, designation_from, designation_to, primary_name,
  measures, legal_basis, authority_reference);
-- Older views files had these; the queries no longer use them.
DROP INDEX IF EXISTS segments_by_regime;
DROP INDEX IF EXISTS segments_by_authority;
DROP INDEX IF EXISTS segments_by_time;
DROP INDEX IF EXISTS segments_by_subject;`,
};

export const subjectsSchema: ReadModelSchema = {
  name: 'subjects',
  tables: ['subjects', 'subject_names'],
  create: `
CREATE TABLE IF NOT EXISTS subjects (
  subject_id        TEXT PRIMARY KEY,
  kind              TEXT NOT NULL,
  primary_name      TEXT NOT NULL,
  identity          TEXT NOT NULL,                       -- latest recorded identity JSON
  first_recorded_at TEXT NOT NULL,
  last_recorded_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS subject_names (               -- the name index
  token       TEXT NOT NULL,                             -- normalised word of a name
  subject_id  TEXT NOT NULL,
  name        TEXT NOT NULL,
  quality     TEXT NOT NULL,
  PRIMARY KEY (token, subject_id, name)
) WITHOUT ROWID;`,
  indexes: '',
};

export const resolutionsSchema: ReadModelSchema = {
  name: 'resolutions',
  tables: ['resolutions'],
  create: `
CREATE TABLE IF NOT EXISTS resolutions (
  resolution_id TEXT PRIMARY KEY,
  authority     TEXT NOT NULL,
  regimes       TEXT NOT NULL,                           -- JSON array
  state         TEXT NOT NULL                            -- ResolutionView JSON
) WITHOUT ROWID;`,
  indexes: '',
};

export const historySchema: ReadModelSchema = {
  name: 'history',
  tables: ['history'],
  create: `
CREATE TABLE IF NOT EXISTS history (
  position        TEXT PRIMARY KEY,
  stream_id       TEXT NOT NULL,
  revision        INTEGER NOT NULL,
  subject_id      TEXT,
  designation_id  TEXT,
  resolution_id   TEXT,
  type            TEXT NOT NULL,
  effective_date  TEXT,
  recorded_at     TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  command_id      TEXT NOT NULL,
  actor           TEXT NOT NULL,                         -- JSON
  source          TEXT NOT NULL,                         -- JSON
  hash            TEXT NOT NULL,
  data            TEXT NOT NULL                          -- JSON, upcast to the current version
) WITHOUT ROWID;`,
  indexes: `
CREATE INDEX IF NOT EXISTS history_by_stream ON history (stream_id, revision);`,
};

/**
 * The imports of each list file (the evidence of DESIGN.md section 11), from ListFileImported events and, for logs
 * written before that event existed, from the import command ids of designation events (src/projector/read-models/list-imports.ts).
 */
export const listImportsSchema: ReadModelSchema = {
  name: 'list-imports',
  tables: ['list_imports'],
  create: `
CREATE TABLE IF NOT EXISTS list_imports (
  list           TEXT NOT NULL,
  published_on   TEXT NOT NULL,
  primary_sha256 TEXT NOT NULL,                          -- the first file's (what every import event's source names)
  sha256         TEXT NOT NULL,                          -- the file set's digest (src/domain/list/file-digest.ts)
  position       TEXT NOT NULL,                          -- the first event of the import
  recorded_at    TEXT NOT NULL,
  evidence       TEXT NOT NULL,                          -- 'ListFileImported', or 'import-events' (older logs)
  entry_count    INTEGER,                                -- NULL for rows from older logs
  changes        TEXT,                                   -- JSON {designated, amended, delisted}; NULL likewise
  retracted      INTEGER NOT NULL DEFAULT 0,             -- 1 once retract-import withdrew the import
  PRIMARY KEY (list, published_on, primary_sha256)
) WITHOUT ROWID;`,
  indexes: '',
};

export const READ_MODELS = [designationsSchema, subjectsSchema, resolutionsSchema, historySchema, listImportsSchema] as const;
export type ReadModelName = (typeof READ_MODELS)[number]['name'];
