/** Sync settings from the environment (CONFIG_VARIABLES in src/config.ts lists them). */
import { DEFAULT_SOURCES } from './default-sources';
import { loadSourcesFile, type Source } from './sources';

export interface SyncConfig {
  /** Off unless LEDGER_SYNC=true or a sources file is given: the quick start needs no network. */
  readonly enabled: boolean;
  readonly sources: readonly Source[];
  readonly stateDbPath: string;
}

export function syncConfig(env: NodeJS.ProcessEnv = process.env): SyncConfig {
  const flag = env.LEDGER_SYNC;
  if (flag !== undefined && flag !== 'true' && flag !== 'false') throw new Error(`LEDGER_SYNC must be true or false, not "${flag}"`);
  const file = env.LEDGER_SOURCES_FILE;
  const sources = file === undefined || file === '' ? DEFAULT_SOURCES : loadSourcesFile(file);
  const enabled = flag === 'true' || (flag === undefined && file !== undefined && file !== '');
  return { enabled, sources, stateDbPath: env.LEDGER_SYNC_STATE_DB ?? './data/sync.db' };
}
