/**
 * The outbox relay: sends the watchlist notifications to Kafka (LEDGER_WATCHLIST_TOPIC) in `seq` order and marks
 * them published only after the broker acknowledged (acks -1). One batch at a time and one request in flight
 * (the shared producer, src/notifications/kafka-producer.mjs), so an entry's notifications (one key) arrive in
 * order; a crash between the ack and the mark resends (at least once: consumers drop duplicates by `ce_id`).
 * Kafka down: the batch stays unpublished and is retried on a fresh producer with capped backoff.
 */
import { logLevel } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaProducer, type KafkaProducer } from '../notifications/kafka-producer.mjs';
import { toKafkaMessage } from './notification';
import type { WatchlistStore } from './watchlist-store';

export const DEFAULT_WATCHLIST_TOPIC = 'sanctions.watchlist-matches';

export interface RelayOptions {
  readonly brokers: readonly string[];
  readonly topic?: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly batchSize?: number;
  readonly pollMs?: number;
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  readonly log?: (line: string) => void;
}

export class WatchlistKafkaRelay {
  private producer: KafkaProducer | undefined;
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private sent = 0;
  readonly topic: string;

  constructor(
    private readonly watchlists: WatchlistStore,
    private readonly options: RelayOptions,
  ) {
    this.topic = options.topic ?? DEFAULT_WATCHLIST_TOPIC;
  }

  published(): number {
    return this.sent;
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.controller = new AbortController();
    const { signal } = this.controller;
    this.loop = this.run(signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = undefined;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        if (this.producer === undefined) await this.connect();
        const sent = await this.sendOnce();
        attempt = 0;
        if (sent === 0) await sleep(this.options.pollMs ?? 20, undefined, { signal }).catch(() => undefined);
      } catch (error) {
        attempt += 1;
        const initial = this.options.backoff?.initialMs ?? 200;
        const delay = Math.min(this.options.backoff?.maxMs ?? 5_000, initial * 2 ** Math.min(attempt - 1, 10));
        this.options.log?.(`watchlist relay: send failed (attempt ${attempt}, retry in ${delay} ms): ${error instanceof Error ? error.message : String(error)}`);
        const stale = this.producer;
        this.producer = undefined;
        await stale?.disconnect().catch(() => undefined);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async connect(): Promise<void> {
    const producer = createKafkaProducer({ clientId: 'sanctions-ledger-watchlists', brokers: this.options.brokers, logLevel: logLevel.NOTHING, idempotent: true });
    await producer.connect();
    await producer.ensureTopic(this.topic, this.options.partitions ?? 6, this.options.replicationFactor ?? 1);
    this.producer = producer;
  }

  /** Sends the oldest unpublished notifications; returns how many. */
  async sendOnce(): Promise<number> {
    const batch = this.watchlists.unpublished(this.options.batchSize ?? 500);
    if (batch.length === 0) return 0;
    await this.producer!.send(this.topic, batch.map((n) => toKafkaMessage(n.event)));
    this.watchlists.markPublished(batch.map((n) => n.seq));
    this.sent += batch.length;
    return batch.length;
  }
}
