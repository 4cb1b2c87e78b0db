/**
 * Configuration from the environment, read in one place so that docker-compose, the README and the code
 * agree (a test checks the compose file against `CONFIG_VARIABLES`).
 */
export interface StoreConfig {
  readonly kind: 'sqlite' | 'esdb';
  /** SQLite file, default ./data/ledger.db. */
  readonly sqlitePath: string;
  /** EventStoreDB/KurrentDB connection string, e.g. esdb://localhost:2113?tls=false. */
  readonly esdbUrl?: string;
}

/** Every environment variable the ledger reads, with what it means. */
export const CONFIG_VARIABLES = {
  LEDGER_STORE: 'event store: sqlite (default) or esdb',
  LEDGER_DB_PATH: 'SQLite file of the embedded store (default ./data/ledger.db)',
  LEDGER_ESDB_URL: 'EventStoreDB/KurrentDB connection string; selects the esdb store when LEDGER_STORE is unset',
  LEDGER_ACTOR: 'actor recorded for CLI commands (default cli:<os user>)',
  LEDGER_PUBLISH_KAFKA: 'true runs the Kafka publisher inside the HTTP service (default false: run `sanctions-ledger publish` as its own process)',
  LEDGER_VIEWS_PATH: 'SQLite file of the read models built by the projector (default ./data/views.db)',
  LEDGER_DOCUMENTS_DIR: 'folder of the document archive: every imported file that led to events, by sha256 (default ./data/documents)',
  // Sync (src/sync; README "Keeping current: sources and sync").
  LEDGER_SYNC: 'true or false: run the sync scheduler in the HTTP service (default false, or true when LEDGER_SOURCES_FILE is set)',
  LEDGER_SOURCES_FILE: 'JSON or YAML sources file replacing the built-in official sources; setting it turns sync on unless LEDGER_SYNC=false',
  LEDGER_SYNC_STATE_DB: "SQLite file of sync's own state per source: validators, last check, last error, current sha256 (default ./data/sync.db)",
  // The HTTP service (`sanctions-ledger start`, src/service/main.ts; DESIGN.md section 10).
  LEDGER_HTTP_HOST: 'address the HTTP service listens on (default 127.0.0.1; 0.0.0.0 in a container)',
  LEDGER_HTTP_PORT: 'port of the HTTP service (default 8080; 0 picks a free port, shown in the printed URL)',
  LEDGER_TOKENS: 'bearer tokens as name:role:token,... with role reader or writer (kind service, no expiry)',
  LEDGER_TOKENS_FILE: 'JSON file of bearer tokens: {"tokens":[{name, role, token or sha256, kind?, expiresAt?}]}',
  LEDGER_PUBLIC_READS: 'true or false (default): let GET queries through without a token; writes still need one',
  LEDGER_LOG_LEVEL: 'level of the structured (pino JSON) log: fatal, error, warn, info (default), debug, trace, silent',
  LEDGER_READY_MAX_LAG: 'GET /ready fails while the read models are more than this many events behind the log (default 1000)',
  // Change notifications (DESIGN.md section 9): the Kafka publisher and the feeds.
  LEDGER_FEED_MAX_CONNECTIONS: 'open GET /feed streams the service serves in total, and apart from them GET /watchlists/{id}/feed streams; beyond it 503 with Retry-After (default 1000)',
  LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN: 'open GET /feed streams per token, and apart from them GET /watchlists/{id}/feed streams (anonymous reads count as one token); beyond it 429 with Retry-After (default 50)',
  LEDGER_FEED_SLOW_CLIENT_MS: 'a GET /feed stream whose client has not read for this long (its socket buffer full) is closed; it resumes with Last-Event-ID (default 30000)',
  KAFKA_BROKERS: 'Kafka bootstrap brokers for the publisher, comma-separated host:port (default 127.0.0.1:9092)',
  LEDGER_KAFKA_TOPIC: 'Kafka topic the publisher writes change notifications to (default sanctions.changes)',
  LEDGER_KAFKA_DEAD_LETTER_TOPIC:
    'topic that gets one small record (event id, position, type, size, error; no payload) per event the broker refuses for good, e.g. too large (default <topic>.dead-letter: sanctions.changes.dead-letter)',
  LEDGER_KAFKA_PARTITIONS: 'partition count used when the publisher creates a missing topic (default 6)',
  LEDGER_KAFKA_REPLICATION_FACTOR: 'replication factor used when the publisher creates a missing topic (default 1)',
  LEDGER_KAFKA_IDEMPOTENT: 'true (default) or false: use the idempotent Kafka producer',
  LEDGER_PUBLISHER_DB: "SQLite file holding the publisher's own checkpoint (default ./data/publisher.db)",
  LEDGER_PUBLISHER_BATCH_SIZE: 'events the publisher reads and sends per Kafka batch (default 500)',
  LEDGER_PUBLISHER_THREAD_MIN_BATCH:
    "batches of at least this many events are encoded and sent by kafkajs in the publisher's worker thread (throughput), smaller ones from its own thread (latency) (default 100; above the batch size: never)",
  LEDGER_CLOUDEVENTS_SOURCE: 'CloudEvents `source` URI of every notification (default urn:sanctions-ledger)',
  KAFKAJS_LOG_LEVEL: 'kafkajs client logging: NOTHING (default), ERROR, WARN, INFO or DEBUG',
  LEDGER_SCREENING_BATCH_WORKERS:
    'worker threads that screen a large batch (POST /screenings/batch, screen --batch), each with its own index of about 53 MB, ended a minute after the last batch; 0: none (default one per core, at most 8)',
  // Watchlists (DESIGN.md section 13, src/watchlists).
  LEDGER_WATCHLISTS_DB: "SQLite file of the watchlists, their matches and notifications (default ./data/watchlists.db; never the event log)",
  LEDGER_WATCH_IN_SERVICE: 'true (default) or false: run the watchlist follower inside the HTTP service (false: run `sanctions-ledger watch`)',
  LEDGER_WATCHLIST_KAFKA: 'true or false (default): relay watchlist match notifications to Kafka from the service',
  LEDGER_WATCHLIST_TOPIC: 'Kafka topic of watchlist match notifications (default sanctions.watchlist-matches; key = watchlist id/entry id)',
} as const;

export function storeConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const esdbUrl = env.LEDGER_ESDB_URL;
  const kind = env.LEDGER_STORE ?? (esdbUrl ? 'esdb' : 'sqlite');
  if (kind !== 'sqlite' && kind !== 'esdb') throw new Error(`LEDGER_STORE must be sqlite or esdb, not "${kind}"`);
  if (kind === 'esdb' && !esdbUrl) throw new Error('LEDGER_STORE=esdb needs LEDGER_ESDB_URL');
  return { kind, sqlitePath: env.LEDGER_DB_PATH ?? './data/ledger.db', ...(esdbUrl ? { esdbUrl } : {}) };
}

export interface NotificationConfig {
  readonly brokers: string[];
  readonly topic: string;
  /** Where events the broker refuses for good are reported (notifications/dead-letter.ts). */
  readonly deadLetterTopic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly idempotent: boolean;
  readonly checkpointPath: string;
  readonly batchSize: number;
  /** Batches of at least this many events go through the publisher's send thread. */
  readonly threadMinBatch: number;
  /** CloudEvents `source` attribute. */
  readonly source: string;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

export interface FeedLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerToken: number;
  /** A stream whose client has not read for this long is closed (the client resumes with Last-Event-ID). */
  readonly slowClientMs: number;
}

/** Caps on the SSE change feed's open streams (each holds a socket and a subscription). */
export function feedLimits(env: NodeJS.ProcessEnv = process.env): FeedLimits {
  return {
    maxConnections: positiveInteger(env, 'LEDGER_FEED_MAX_CONNECTIONS', 1000),
    maxConnectionsPerToken: positiveInteger(env, 'LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN', 50),
    slowClientMs: positiveInteger(env, 'LEDGER_FEED_SLOW_CLIENT_MS', 30_000),
  };
}

/** The publisher's and feeds' settings (CLI flags override them). */
export function notificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const idempotent = (env.LEDGER_KAFKA_IDEMPOTENT ?? 'true').toLowerCase();
  if (idempotent !== 'true' && idempotent !== 'false') {
    throw new Error(`LEDGER_KAFKA_IDEMPOTENT must be true or false, not "${env.LEDGER_KAFKA_IDEMPOTENT}"`);
  }
  return {
    brokers: (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    topic: env.LEDGER_KAFKA_TOPIC || 'sanctions.changes',
    deadLetterTopic: env.LEDGER_KAFKA_DEAD_LETTER_TOPIC || `${env.LEDGER_KAFKA_TOPIC || 'sanctions.changes'}.dead-letter`,
    partitions: positiveInteger(env, 'LEDGER_KAFKA_PARTITIONS', 6),
    replicationFactor: positiveInteger(env, 'LEDGER_KAFKA_REPLICATION_FACTOR', 1),
    idempotent: idempotent === 'true',
    checkpointPath: env.LEDGER_PUBLISHER_DB || './data/publisher.db',
    batchSize: positiveInteger(env, 'LEDGER_PUBLISHER_BATCH_SIZE', 500),
    threadMinBatch: positiveInteger(env, 'LEDGER_PUBLISHER_THREAD_MIN_BATCH', 100),
    source: env.LEDGER_CLOUDEVENTS_SOURCE || 'urn:sanctions-ledger',
  };
}
