/**
 * The watchlist service's own SQLite schema (never the event log): watchlists and their entries, the key index
 * for candidate lookup (entry_keys, and token_keys for the distinct entry tokens: candidate-keys.ts), current matches, the notifications (outbox for Kafka, SSE feed and per-entry history in
 * one table), and the follower's checkpoint, so results and checkpoint commit in one transaction.
 */
export const WATCHLISTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS watchlists (
  id          TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  watchlist_id TEXT NOT NULL,
  entry_id     TEXT NOT NULL,
  entry        TEXT NOT NULL,
  PRIMARY KEY (watchlist_id, entry_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entry_keys (
  key          TEXT NOT NULL,
  watchlist_id TEXT NOT NULL,
  entry_id     TEXT NOT NULL,
  PRIMARY KEY (key, watchlist_id, entry_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entry_keys_by_entry ON entry_keys (watchlist_id, entry_id);
CREATE TABLE IF NOT EXISTS token_keys (
  key    TEXT NOT NULL,
  token  TEXT NOT NULL,
  PRIMARY KEY (key, token)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS token_keys_by_token ON token_keys (token);
CREATE TABLE IF NOT EXISTS matches (
  watchlist_id   TEXT NOT NULL,
  entry_id       TEXT NOT NULL,
  subject_id     TEXT NOT NULL,
  designation_id TEXT NOT NULL,
  score          REAL NOT NULL,
  match          TEXT NOT NULL,
  since_seq      INTEGER NOT NULL,
  PRIMARY KEY (watchlist_id, entry_id, subject_id, designation_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS matches_by_subject ON matches (subject_id);
CREATE TABLE IF NOT EXISTS notifications (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  watchlist_id TEXT NOT NULL,
  entry_id     TEXT NOT NULL,
  type         TEXT NOT NULL,
  event        TEXT NOT NULL,
  published    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS notifications_by_entry ON notifications (watchlist_id, entry_id, seq);
CREATE INDEX IF NOT EXISTS notifications_unpublished ON notifications (seq) WHERE published = 0;
CREATE TABLE IF NOT EXISTS follower_checkpoint (
  name      TEXT PRIMARY KEY,
  position  TEXT NOT NULL,
  log_id    TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Validated lines of a bulk load in progress: moved into entries in one transaction once every line passed. */
export const STAGING_SCHEMA = `
CREATE TABLE IF NOT EXISTS load_staging (
  load_id   TEXT NOT NULL,
  entry_id  TEXT NOT NULL,
  entry     TEXT NOT NULL,
  PRIMARY KEY (load_id, entry_id)
) WITHOUT ROWID;
`;
