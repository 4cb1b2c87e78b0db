/**
 * Opens the watchlist database with its follower and (optionally) its Kafka relay, for the service and for
 * `sanctions-ledger watch` alike. Start after the projector, stop before it.
 */
import type { ScreeningService } from '../screening';
import type { EventStore } from '../store/event-store';
import type { WatchlistConfig } from './config';
import { WatchlistFollower, type FollowerReadSide } from './follower';
import { WatchlistKafkaRelay } from './kafka-relay';
import { WatchlistStore } from './watchlist-store';

export interface OpenedWatchlists {
  readonly store: WatchlistStore;
  readonly follower: WatchlistFollower;
  readonly relay: WatchlistKafkaRelay | undefined;
  /** Starts the follower (if `follow`) and the relay. */
  start(follow: boolean): void;
  /** Stops both and closes the database. */
  close(): Promise<void>;
}

export function openWatchlists(
  store: EventStore,
  readSide: FollowerReadSide,
  config: WatchlistConfig,
  /** `screening`: the one the HTTP service answers with, to keep one index per process (FollowerOptions.screening). */
  options: { kafka: boolean; log?: (line: string) => void; screening?: ScreeningService },
): OpenedWatchlists {
  const watchlists = WatchlistStore.open(config.dbPath);
  const log = options.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} watchlists: ${line}\n`));
  const follower = new WatchlistFollower(store, readSide, watchlists, { log, source: config.source, ...(options.screening === undefined ? {} : { screening: options.screening }) });
  const relay = options.kafka ? new WatchlistKafkaRelay(watchlists, { brokers: config.brokers, topic: config.topic, log }) : undefined;
  return {
    store: watchlists,
    follower,
    relay,
    start(follow) {
      if (follow) follower.start();
      relay?.start();
    },
    async close() {
      await follower.stop();
      await relay?.stop();
      watchlists.close();
    },
  };
}
