/** Settings of every connection that writes the ledger file: the store's own and its append thread's. */
import type Database from 'better-sqlite3';

/** How long a writer waits for another's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;

export function tuneLedgerConnection(db: Database.Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // NORMAL is durable against process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536'); // 64 MiB of page cache: the stream-revision index stays in memory
}
