/**
 * Ties a views file to the log it was built from (issue 10 item 3): the store id, and the position and hash of
 * the last applied event together with the position before it (positions are opaque, so that is how the event
 * is found again). Written in the same transaction as the checkpoints; checked before the projector reads.
 */
import type Database from 'better-sqlite3';
import type { EventStore, Position, RecordedEvent } from '../store/event-store';

export const VIEWS_BINDING_SCHEMA = `
CREATE TABLE IF NOT EXISTS views_binding (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  store_id    TEXT NOT NULL,
  position    TEXT,             -- the last applied event (NULL: nothing applied yet)
  hash        TEXT,             -- its hash, from its envelope
  before_pos  TEXT              -- the position before it (NULL: it is the first event of the log)
);`;

export interface Binding {
  readonly storeId: string;
  readonly position: Position | undefined;
  readonly hash: string | undefined;
  readonly before: Position | undefined;
}

/** The views file does not belong to this log; the message names both files and the fix. */
export class ViewsMismatchError extends Error {
  override readonly name = 'ViewsMismatchError';
}

export class ViewsBinding {
  private readonly read: Database.Statement<[], { store_id: string; position: string | null; hash: string | null; before_pos: string | null }>;
  private readonly write: Database.Statement<[string, string | null, string | null, string | null]>;

  constructor(db: Database.Database) {
    db.exec(VIEWS_BINDING_SCHEMA);
    this.read = db.prepare('SELECT store_id, position, hash, before_pos FROM views_binding WHERE id = 1');
    this.write = db.prepare(
      `INSERT INTO views_binding (id, store_id, position, hash, before_pos) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id, position = excluded.position, hash = excluded.hash, before_pos = excluded.before_pos`,
    );
  }

  current(): Binding | undefined {
    const row = this.read.get();
    if (row === undefined) return undefined;
    return { storeId: row.store_id, position: (row.position ?? undefined) as Position | undefined, hash: row.hash ?? undefined, before: (row.before_pos ?? undefined) as Position | undefined };
  }

  /** Inside the batch's transaction: `events` were just applied after `before`. */
  record(storeId: string, before: Position | undefined, events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1];
    if (last === undefined) return this.write.run(storeId, null, null, null) as never;
    const previous = events.length > 1 ? events[events.length - 2]!.position : before;
    this.write.run(storeId, last.position, last.envelope.hash, previous ?? null);
  }

  /** Records the id alone (a views file adopted with nothing to check yet), keeping what else is there. */
  adopt(storeId: string): void {
    const now = this.current();
    this.write.run(storeId, now?.position ?? null, now?.hash ?? null, now?.before ?? null);
  }
}

/**
 * Why the views file cannot be used with this store, or undefined when it can. A binding with no store id yet
 * (a views file from before bindings) is adopted by the caller.
 */
export async function mismatchOf(store: EventStore, storeId: string, binding: Binding | undefined): Promise<string | undefined> {
  if (binding === undefined) return undefined;
  if (binding.storeId !== storeId) return `it was built from another ledger (store id ${binding.storeId}, this ledger is ${storeId})`;
  if (binding.position === undefined) return undefined;
  const [event] = await store.readAll({ ...(binding.before === undefined ? {} : { after: binding.before }), maxCount: 1 });
  if (event === undefined || event.position !== binding.position) {
    return `its checkpoint (position ${binding.position}) is past the ledger's head or not in its log: the ledger file was replaced by an older copy`;
  }
  if (event.envelope.hash !== binding.hash) return `the event at its checkpoint (position ${binding.position}) has another hash in the ledger: the log diverged or was replaced`;
  return undefined;
}
