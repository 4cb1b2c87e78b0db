/**
 * The watchlist service's own SQLite schema (never the event log): watchlists and their entries, the key index
 * for candidate lookup (entry_keys, and token_keys for the distinct entry tokens: candidate-keys.ts), current matches, the notifications (outbox for Kafka, SSE feed and per-entry history in
 * one table), and the follower's checkpoint, so results and checkpoint commit in one transaction.
 * A file of an older layout is brought up to this one by `upgradeSchema`.
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
  -- screening's nameTokens of the name, space-separated in order: the follower's bound reads them, not the name.
  tokens       TEXT NOT NULL DEFAULT '',
  -- every token of the name (noise words too), space-separated, when it has name tokens: its joined reading.
  raw_tokens   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (watchlist_id, entry_id)
) WITHOUT ROWID;
-- Moved by every write of entries, whichever process makes it, in that write's transaction: a process keeping the
-- entries' tokens in memory (entry-token-index.ts) knows from it whether they are still the file's.
CREATE TABLE IF NOT EXISTS entry_generation (
  id  INTEGER PRIMARY KEY CHECK (id = 0),
  n   INTEGER NOT NULL
);
INSERT OR IGNORE INTO entry_generation (id, n) VALUES (0, 0);
CREATE TRIGGER IF NOT EXISTS entries_inserted AFTER INSERT ON entries BEGIN UPDATE entry_generation SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS entries_updated AFTER UPDATE ON entries BEGIN UPDATE entry_generation SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS entries_deleted AFTER DELETE ON entries BEGIN UPDATE entry_generation SET n = n + 1; END;
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

/**
 * Validated lines of a bulk load in progress, and each load with its state and the process that runs it: a load
 * whose every line passed (committed) is moved into entries a chunk at a time, and finished at the next open if
 * its process died meanwhile; a load whose process died while staging is removed then (load-apply.ts).
 */
export const STAGING_SCHEMA = `
CREATE TABLE IF NOT EXISTS load_staging (
  load_id   TEXT NOT NULL,
  entry_id  TEXT NOT NULL,
  entry     TEXT NOT NULL,
  PRIMARY KEY (load_id, entry_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bulk_loads (
  load_id       TEXT PRIMARY KEY,
  watchlist_id  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('staging', 'committed')),
  pid           INTEGER NOT NULL,
  started_at    TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Older files: `entries.tokens` came with candidate keys version 3, `entries.raw_tokens` with version 4
 * (watchlist-store.ts KEYS_VERSION, which then fills them for every entry). Run after WATCHLISTS_SCHEMA, which
 * creates what is missing but alters no table.
 */
export function upgradeSchema(db: import('better-sqlite3').Database): void {
  const columns = db.prepare<[], { name: string }>('SELECT name FROM pragma_table_info(\'entries\')').all();
  for (const column of ['tokens', 'raw_tokens']) {
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE entries ADD COLUMN ${column} TEXT NOT NULL DEFAULT ''`);
  }
}
