/** Watchlists (DESIGN.md section 13): a caller's names kept screened on every change, with notifications. */
export { decodeEntries, decodeEntry, type WatchlistEntry } from './entry-codec';
export { watchlistConfig, type WatchlistConfig } from './config';
export { bulkLoad, BulkLoadError, type BulkProgress } from './bulk-load';
export { WatchlistFollower, SCREENED_EVENT_TYPES } from './follower';
export { WatchlistKafkaRelay, DEFAULT_WATCHLIST_TOPIC } from './kafka-relay';
export { notificationType, entryKey, type WatchlistCloudEvent } from './notification';
export { openWatchlists, type OpenedWatchlists } from './open-watchlists';
export { WatchlistScreener } from './screener';
export { watchlistRoutes, type WatchlistRoutesOptions } from './http-routes';
export { Watchlists, UnknownWatchlistError, WatchlistExistsError } from './watchlists';
export { WatchlistStore } from './watchlist-store';
