/**
 * Inserts the rows of an append into the events table, many rows per INSERT statement: a large append then
 * crosses from JavaScript into SQLite once per ROWS_PER_STATEMENT events instead of once per event, which was
 * about a sixth of what SQLite cost per event.
 */
import type Database from 'better-sqlite3';

/** The values of one row, in INSERT_COLUMNS order. */
export type EventInsertRow = [streamId: string, revision: number, eventId: string, type: string, data: string, envelope: string, recordedAt: string];

const INSERT_COLUMNS = '(stream_id, revision, event_id, type, data, envelope, recorded_at)';
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?)';
const VALUES_PER_ROW = 7;
/** Enough to amortise the call; more rows per statement gained nothing measurable. */
const ROWS_PER_STATEMENT = 32;

export class EventInserter {
  private readonly one: Database.Statement<unknown[]>;
  private readonly many: Database.Statement<unknown[]>;

  constructor(db: Database.Database) {
    this.one = db.prepare(`INSERT INTO events ${INSERT_COLUMNS} VALUES ${ROW_PLACEHOLDERS}`);
    this.many = db.prepare(`INSERT INTO events ${INSERT_COLUMNS} VALUES ${Array(ROWS_PER_STATEMENT).fill(ROW_PLACEHOLDERS).join(', ')}`);
  }

  /** Starts the rows of one append, inside its write transaction. */
  begin(): InsertBatch {
    return new InsertBatch(this.one, this.many);
  }
}

/**
 * Rows are inserted as soon as a statement's worth is ready rather than all at the end, so that the JSON of
 * thousands of events is not all kept alive (and copied by the GC) until the last one is sealed.
 */
export class InsertBatch {
  /** Bind values of the rows added and not inserted yet, row after row. */
  private readonly pending: unknown[] = [];
  private count = 0;
  private lastRowNumber = 0;

  constructor(
    private readonly one: Database.Statement<unknown[]>,
    private readonly many: Database.Statement<unknown[]>,
  ) {}

  add(row: EventInsertRow): void {
    for (const value of row) this.pending.push(value);
    this.count += 1;
    if (this.pending.length === ROWS_PER_STATEMENT * VALUES_PER_ROW) {
      this.lastRowNumber = Number(this.many.run(this.pending).lastInsertRowid);
      this.pending.length = 0;
    }
  }

  /**
   * Inserts the rows still pending and returns the row number (position) of the first row added. The rows of a
   * batch have consecutive row numbers: AUTOINCREMENT gives each new row one more than the largest row number ever
   * used, and nothing else can insert while this connection holds the write lock.
   */
  finish(): number {
    for (let at = 0; at < this.pending.length; at += VALUES_PER_ROW) {
      this.lastRowNumber = Number(this.one.run(this.pending.slice(at, at + VALUES_PER_ROW)).lastInsertRowid);
    }
    this.pending.length = 0;
    return this.lastRowNumber - this.count + 1;
  }
}
