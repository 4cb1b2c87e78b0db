/** What every CLI command shares: the program, its global options, opening the ledger, failing cleanly. */
import { Command } from 'commander';
import { storeConfig, type StoreConfig } from '../config';
import { Ledger } from '../ledger';
import { openEventStore } from '../store/open-store';
import { StoreFileError } from '../store/sqlite/store-file';
import { EXIT } from './exit-codes';

export interface GlobalOptions {
  db?: string;
  esdb?: string;
  views?: string;
  json?: boolean;
}

export const program = new Command()
  .name('sanctions-ledger')
  .description('Event-sourced sanctions ledger: designations, delistings and resolutions as immutable events.')
  .option('--db <path>', 'SQLite file of the embedded store (env LEDGER_DB_PATH, default ./data/ledger.db)')
  .option('--esdb <url>', 'use EventStoreDB/KurrentDB at this connection string (env LEDGER_ESDB_URL)')
  .option('--views <path>', 'SQLite file of the read models (env LEDGER_VIEWS_PATH, default ./data/views.db)')
  .option('--json', 'print machine-readable JSON')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) })
  // A usage error (unknown option or command, a missing argument) is invalid input like any other: exit 2, not
  // commander's 1, which scripts read as "the command ran and failed". Help and --version stay 0. Subcommands
  // inherit this, as they are added after it.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput));

export function configFrom(options: GlobalOptions): StoreConfig {
  const env = { ...process.env };
  if (options.db !== undefined) Object.assign(env, { LEDGER_DB_PATH: options.db, LEDGER_STORE: 'sqlite' });
  if (options.esdb !== undefined) Object.assign(env, { LEDGER_ESDB_URL: options.esdb, LEDGER_STORE: 'esdb' });
  return storeConfig(env);
}

/**
 * Opens the configured ledger for one command and always closes it. Commands that only read (`creates: false`)
 * refuse a SQLite file that does not exist (exit 2): a mistyped --db must not answer from, or create, an empty
 * ledger. A path that is a directory is bad input too (exit 2); a file that is not a usable database exits 1.
 */
export async function withLedger<T>(run: (ledger: Ledger, options: GlobalOptions) => Promise<T>, access: { creates: boolean } = { creates: true }): Promise<T> {
  const options = program.opts<GlobalOptions>();
  let store;
  try {
    store = await openEventStore(configFrom(options), { mustExist: !access.creates });
  } catch (error) {
    if (error instanceof StoreFileError) fail(error.reason === 'unusable' ? EXIT.failure : EXIT.invalidInput, error.message);
    throw error;
  }
  const ledger = Ledger.over(store);
  try {
    return await run(ledger, options);
  } finally {
    await ledger.close();
  }
}

/** How messages name the ledger: its file, or the EventStoreDB URL. */
export function storeLabelFrom(options: GlobalOptions): string {
  const config = configFrom(options);
  return config.kind === 'sqlite' ? config.sqlitePath : (config.esdbUrl ?? 'EventStoreDB');
}

export function viewsPathFrom(options: GlobalOptions): string {
  return options.views ?? process.env.LEDGER_VIEWS_PATH ?? './data/views.db';
}

/** For the read commands: a ledger that does not exist is an error, never a new empty one. */
export const READS = { creates: false } as const;

export function fail(code: number, message: string): never {
  process.stderr.write(`sanctions-ledger: ${message}\n`);
  process.exit(code);
}
