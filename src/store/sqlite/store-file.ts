/**
 * Opening a store file with errors that name it: a path that is a directory, a read of a file that does not exist
 * (a mistyped --db must not quietly create an empty ledger), a file that is not a SQLite database.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file is missing, is a directory, or cannot be used as a SQLite database; the message says which. */
export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
  constructor(
    readonly path: string,
    readonly reason: 'missing' | 'directory' | 'unusable',
    message: string,
  ) {
    super(message);
  }
}

export interface OpenFileOptions {
  /** Refuse a file that does not exist instead of creating it. */
  readonly mustExist?: boolean;
  /** What the file holds, for messages: "ledger" or "views". */
  readonly what: string;
}

/** Opens `path` and runs `setup` on it; any SQLite failure becomes a StoreFileError naming the file. */
export function openSqliteFile(path: string, options: OpenFileOptions, setup: (db: Database.Database) => void): Database.Database {
  if (path !== ':memory:') {
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new StoreFileError(path, 'directory', `${options.what} path ${path} is a directory, not a SQLite file`);
    }
    if (!existsSync(path)) {
      if (options.mustExist) throw new StoreFileError(path, 'missing', `no ${options.what} at ${path}; check --db (or LEDGER_DB_PATH): reading never creates an empty ledger`);
      mkdirSync(dirname(path), { recursive: true });
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    setup(db);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code;
    const why =
      code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
        ? 'is not a SQLite database or is damaged'
        : code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM'
          ? 'cannot be written (check its permissions and those of its directory)'
          : 'cannot be opened';
    throw new StoreFileError(path, 'unusable', `${options.what} file ${path} ${why}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
