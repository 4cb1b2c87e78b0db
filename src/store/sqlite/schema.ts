/**
 * The SQLite event-store schema. AUTOINCREMENT keeps positions strictly increasing and never reused.
 * event_id is deliberately not indexed: ids are fresh UUIDs, nothing looks events up by id, and a unique index
 * on random keys doubled the cost of an append.
 */
export const EVENT_STORE_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position     INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id    TEXT    NOT NULL,
  revision     INTEGER NOT NULL,
  event_id     TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  data         TEXT    NOT NULL,
  envelope     TEXT    NOT NULL,
  recorded_at  TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
-- One row per stream: its head revision and last hash. Appends check and move it in the same transaction,
-- and verify compares it with the events, so removing a stream's last event is detected too.
CREATE TABLE IF NOT EXISTS streams (
  stream_id  TEXT    PRIMARY KEY,
  revision   INTEGER NOT NULL,
  last_hash  TEXT    NOT NULL
) WITHOUT ROWID;
-- Which stream each command id was first recorded in: command ids are unique across the ledger (DESIGN.md
-- section 5), and this is what an append checks, in its own transaction, before it records a command's events.
CREATE TABLE IF NOT EXISTS command_ids (
  command_id TEXT PRIMARY KEY,
  stream_id  TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Fills command_ids from the events of a store created before the table existed, once (store_meta remembers it):
 * each id is bound to the stream it was first recorded in, by log order. A store where an id already spans two
 * streams (possible before the rule) keeps its first; the other stream's events stay as recorded.
 */
export const COMMAND_IDS_BACKFILL = `
INSERT OR IGNORE INTO command_ids (command_id, stream_id)
  SELECT json_extract(envelope, '$.commandId'), stream_id FROM events
  WHERE json_extract(envelope, '$.commandId') IS NOT NULL
  ORDER BY position;
INSERT INTO store_meta (key, value) VALUES ('command_ids', 'filled');`;

/** The store's identity: one row, created with the schema (see EventStore.storeId). */
export const STORE_META_SCHEMA = `
CREATE TABLE IF NOT EXISTS store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;`;
