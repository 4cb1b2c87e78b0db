/** The watchlist settings from the environment (names and meanings in src/config.ts CONFIG_VARIABLES). */
import { DEFAULT_CLOUDEVENT_SOURCE } from '../notifications/cloud-event';
import { DEFAULT_WATCHLIST_TOPIC } from './kafka-relay';

export interface WatchlistConfig {
  readonly dbPath: string;
  readonly topic: string;
  readonly brokers: readonly string[];
  /** Run the follower inside the HTTP service. */
  readonly inService: boolean;
  /** Relay the notifications to Kafka (in the service, or always in `sanctions-ledger watch`). */
  readonly kafka: boolean;
  /** The CloudEvents `source` of every watchlist notification: the ledger's own (LEDGER_CLOUDEVENTS_SOURCE). */
  readonly source: string;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value !== 'true' && value !== 'false') throw new Error(`${name} must be true or false, not "${value}"`);
  return value === 'true';
}

export function watchlistConfig(env: NodeJS.ProcessEnv = process.env): WatchlistConfig {
  const topic = env.LEDGER_WATCHLIST_TOPIC ?? DEFAULT_WATCHLIST_TOPIC;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new Error(`LEDGER_WATCHLIST_TOPIC must be a Kafka topic name (letters, digits, . _ -), not "${topic}"`);
  return {
    dbPath: env.LEDGER_WATCHLISTS_DB ?? './data/watchlists.db',
    topic,
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter((b) => b !== ''),
    inService: flag(env, 'LEDGER_WATCH_IN_SERVICE', true),
    kafka: flag(env, 'LEDGER_WATCHLIST_KAFKA', false),
    source: env.LEDGER_CLOUDEVENTS_SOURCE || DEFAULT_CLOUDEVENT_SOURCE,
  };
}
