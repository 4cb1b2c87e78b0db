/**
 * The publisher's own checkpoint: the position of the last event the broker acknowledged, in a small SQLite
 * file apart from the ledger (the ledger may be KurrentDB, and the publisher may run in its own process).
 *
 * Losing the last checkpoint write (an OS crash under synchronous=NORMAL) only makes the publisher send some
 * events again, which at-least-once delivery allows; it can never make it skip one.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Position } from '../store/event-store';

export interface Checkpoint {
  readonly position: Position;
  /**
   * The id of the first event of the log the position belongs to: a checkpoint must never be applied to
   * another ledger (a fresh store would otherwise have its first events silently skipped).
   */
  readonly logId: string;
  readonly updatedAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  name        TEXT PRIMARY KEY,
  position    TEXT NOT NULL,
  log_id      TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) WITHOUT ROWID;
`;

export class CheckpointStore {
  private readonly read;
  private readonly write;

  static open(path: string): CheckpointStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
    return new CheckpointStore(db);
  }

  private constructor(private readonly db: Database.Database) {
    this.read = db.prepare<[string], { position: string; log_id: string; updated_at: string }>(
      'SELECT position, log_id, updated_at FROM checkpoints WHERE name = ?',
    );
    this.write = db.prepare<[string, string, string, string]>(
      `INSERT INTO checkpoints (name, position, log_id, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, log_id = excluded.log_id, updated_at = excluded.updated_at`,
    );
  }

  get(name: string): Checkpoint | undefined {
    const row = this.read.get(name);
    return row === undefined ? undefined : { position: row.position as Position, logId: row.log_id, updatedAt: row.updated_at };
  }

  save(name: string, position: Position, logId: string): void {
    this.write.run(name, position, logId, new Date().toISOString());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
