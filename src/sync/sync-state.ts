/**
 * What sync knows of each source, in its own small SQLite file (LEDGER_SYNC_STATE_DB, default ./data/sync.db),
 * apart from the ledger: it is operational state (when we looked, what the server said), not evidence. The
 * evidence is in the events' sources. Losing this file only costs one full download per source.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Validators } from './fetcher';

export type Outcome = 'imported' | 'unchanged' | 'not-modified' | 'failed' | 'refused';

export interface SourceState {
  readonly name: string;
  readonly lastCheckAt?: string;
  /** The last check that got an answer we could use (imported, unchanged or not modified). */
  readonly lastSuccessAt?: string;
  readonly lastChangeAt?: string;
  readonly lastOutcome?: Outcome;
  /** One line, no stack; cleared by the next successful check. */
  readonly lastError?: string;
  /** Per URL, from the last successful download. */
  readonly validators: Readonly<Record<string, Validators>>;
  /** sha256 of each file of the last imported set, in source order, and of its primary file. */
  readonly fileSha256s: readonly string[];
  readonly sha256?: string;
  readonly publishedOn?: string;
  readonly eventsAppended: number;
  readonly nextRunAt?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sync_sources (
  name             TEXT PRIMARY KEY,
  last_check_at    TEXT,
  last_success_at  TEXT,
  last_change_at   TEXT,
  last_outcome     TEXT,
  last_error       TEXT,
  validators       TEXT NOT NULL DEFAULT '{}',
  file_sha256s     TEXT NOT NULL DEFAULT '[]',
  published_on     TEXT,
  events_appended  INTEGER NOT NULL DEFAULT 0,
  next_run_at      TEXT
) WITHOUT ROWID;
`;

interface Row {
  name: string;
  last_check_at: string | null;
  last_success_at: string | null;
  last_change_at: string | null;
  last_outcome: string | null;
  last_error: string | null;
  validators: string;
  file_sha256s: string;
  published_on: string | null;
  events_appended: number;
  next_run_at: string | null;
}

const opt = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } => (value === null ? {} : ({ [key]: value } as { [P in K]: V }));

function fromRow(row: Row): SourceState {
  const fileSha256s = JSON.parse(row.file_sha256s) as string[];
  return {
    name: row.name,
    ...opt('lastCheckAt', row.last_check_at),
    ...opt('lastSuccessAt', row.last_success_at),
    ...opt('lastChangeAt', row.last_change_at),
    ...opt('lastOutcome', row.last_outcome as Outcome | null),
    ...opt('lastError', row.last_error),
    validators: JSON.parse(row.validators) as Record<string, Validators>,
    fileSha256s,
    ...opt('sha256', fileSha256s[0] ?? null),
    ...opt('publishedOn', row.published_on),
    eventsAppended: row.events_appended,
    ...opt('nextRunAt', row.next_run_at),
  };
}

export class SyncStateStore {
  static open(path: string): SyncStateStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
    return new SyncStateStore(db);
  }

  private constructor(private readonly db: Database.Database) {}

  get(name: string): SourceState {
    const row = this.db.prepare<[string], Row>('SELECT * FROM sync_sources WHERE name = ?').get(name);
    return row === undefined ? { name, validators: {}, fileSha256s: [], eventsAppended: 0 } : fromRow(row);
  }

  put(state: SourceState): void {
    this.db
      .prepare(
        `INSERT INTO sync_sources (name, last_check_at, last_success_at, last_change_at, last_outcome, last_error, validators, file_sha256s, published_on, events_appended, next_run_at)
         VALUES (@name, @lastCheckAt, @lastSuccessAt, @lastChangeAt, @lastOutcome, @lastError, @validators, @fileSha256s, @publishedOn, @eventsAppended, @nextRunAt)
         ON CONFLICT (name) DO UPDATE SET last_check_at = excluded.last_check_at, last_success_at = excluded.last_success_at,
           last_change_at = excluded.last_change_at, last_outcome = excluded.last_outcome, last_error = excluded.last_error,
           validators = excluded.validators, file_sha256s = excluded.file_sha256s, published_on = excluded.published_on,
           events_appended = excluded.events_appended, next_run_at = excluded.next_run_at`,
      )
      .run({
        name: state.name,
        lastCheckAt: state.lastCheckAt ?? null,
        lastSuccessAt: state.lastSuccessAt ?? null,
        lastChangeAt: state.lastChangeAt ?? null,
        lastOutcome: state.lastOutcome ?? null,
        lastError: state.lastError ?? null,
        validators: JSON.stringify(state.validators),
        fileSha256s: JSON.stringify(state.fileSha256s),
        publishedOn: state.publishedOn ?? null,
        eventsAppended: state.eventsAppended,
        nextRunAt: state.nextRunAt ?? null,
      });
  }

  close(): void {
    this.db.close();
  }
}
