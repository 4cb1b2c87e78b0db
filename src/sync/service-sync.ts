/**
 * Sync inside the service (LEDGER_SYNC=true or LEDGER_SOURCES_FILE): the scheduler over the service's own ledger
 * and projector, what `/sources` and `/ready` need from it, and a stop that waits for a check under way.
 */
import { DocumentArchive, documentArchiveDir } from '../documents';
import type { ImportContext } from '../importers/import';
import type { SyncConfig } from './config';
import { SyncScheduler, type StaleSource } from './scheduler';
import { sourceStatuses, type SourceStatus } from './status';
import type { CheckResult } from './sync-source';
import { SyncStateStore } from './sync-state';

export interface ServiceSync {
  statuses(): SourceStatus[];
  staleSources(): StaleSource[];
  stop(): Promise<void>;
}

export function startServiceSync(config: SyncConfig, ctx: ImportContext, env: NodeJS.ProcessEnv, onResult: (r: CheckResult) => void): ServiceSync {
  const state = SyncStateStore.open(config.stateDbPath);
  const scheduler = new SyncScheduler(config.sources, { ctx, state, archive: DocumentArchive.open(documentArchiveDir(env)) }, onResult);
  scheduler.start();
  let stopped: Promise<void> | undefined;
  return {
    statuses: () => sourceStatuses(config.sources, state),
    staleSources: () => scheduler.staleSources(),
    // Idempotent: the service stops it on shutdown and again in its finally.
    stop: () =>
      (stopped ??= scheduler.stop().then(() => state.close())),
  };
}
