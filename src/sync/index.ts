/** Keeping the ledger current (DESIGN.md section 11): sources, the fetcher, one check, the scheduler, status. */
export { decodeSources, loadSourcesFile, SourcesFileError, type Source } from './sources';
export { DEFAULT_SOURCES } from './default-sources';
export { syncConfig, type SyncConfig } from './config';
export { fetchDocument, DEFAULT_LIMITS, type FetchLimits, type FetchOutcome } from './fetcher';
export { FetchError } from './fetch-errors';
export { withRetries, backoffMs, DEFAULT_RETRY, type RetryPolicy } from './retry';
export { checkSource, type ArchivePort, type CheckResult, type SyncDeps } from './sync-source';
export { SyncScheduler, type StaleSource } from './scheduler';
export { SyncStateStore, type SourceState } from './sync-state';
export { sourceStatuses, statusTable, type SourceStatus } from './status';
export { sourcesRoute, type SourcesRouteOptions } from './http-route';
export { startServiceSync, type ServiceSync } from './service-sync';
