/** What every CLI command shares: the program, its global options, opening the ledger, failing cleanly. */
import { Command } from 'commander';
import { storeConfig, type StoreConfig } from '../config';
import { Ledger } from '../ledger';

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
  .configureOutput({ outputError: (text, write) => write(text) });

export function configFrom(options: GlobalOptions): StoreConfig {
  const env = { ...process.env };
  if (options.db !== undefined) Object.assign(env, { LEDGER_DB_PATH: options.db, LEDGER_STORE: 'sqlite' });
  if (options.esdb !== undefined) Object.assign(env, { LEDGER_ESDB_URL: options.esdb, LEDGER_STORE: 'esdb' });
  return storeConfig(env);
}

/** Opens the configured ledger for one command and always closes it. */
export async function withLedger<T>(run: (ledger: Ledger, options: GlobalOptions) => Promise<T>): Promise<T> {
  const options = program.opts<GlobalOptions>();
  const ledger = await Ledger.open(configFrom(options));
  try {
    return await run(ledger, options);
  } finally {
    await ledger.close();
  }
}

export function viewsPathFrom(options: GlobalOptions): string {
  return options.views ?? process.env.LEDGER_VIEWS_PATH ?? './data/views.db';
}

export function fail(code: number, message: string): never {
  process.stderr.write(`sanctions-ledger: ${message}\n`);
  process.exit(code);
}
