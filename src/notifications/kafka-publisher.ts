/**
 * Publishes every event of the global log to Kafka as a CloudEvent (DESIGN.md section 9): at least once, in
 * order per key (subject or resolution id), with no gap across crashes and broker outages.
 *
 * - It follows the log from ITS OWN checkpoint (CheckpointStore) and moves the checkpoint only after the
 *   broker acknowledged (acks -1) the whole batch: a crash between the ack and the checkpoint write resends
 *   that batch (duplicates, which consumers drop by `ce_id`), never skips one.
 * - Batches: events are collected from the subscription until `batchSize` or until the subscription reports
 *   it caught up; then one `send` carries them. Batch N+1 is sent only after batch N was acknowledged, and the
 *   producer has one request in flight, so a key's events reach their partition in log order. While batch N
 *   is in flight, batch N+1 is read and mapped (pipelining); the checkpoint still moves batch by batch, in
 *   order, each time after its ack.
 * - Two kafkajs producers, one batch at a time between them: batches of at least `threadMinBatch` events go
 *   through the send thread (kafka-send-thread.ts, a worker thread), smaller ones through the producer on
 *   this thread. Encoding the 16 CloudEvents headers of each message is most of the CPU a send costs; in the
 *   worker it runs beside the reading and mapping of the next batch (catch-up throughput) and off the event
 *   loop of the HTTP service the publisher may run in. Live, batches are small, and sending them from this
 *   thread saves two thread hand-offs a batch, which on a busy machine cost more latency than the encoding.
 *   Switching producers between batches keeps per-key order: batch N+1 is sent only after batch N's ack.
 * - Kafka down: the unsent batch is kept, the subscription is closed, and the send is retried with capped
 *   exponential backoff on a fresh producer until it succeeds (or the publisher is stopped: the checkpoint then
 *   still points before the batch). Lag is measured while behind and reported by `status()` and log lines.
 * - An event the broker refuses for good (larger than the topic's max.message.bytes, ...; see dead-letter.ts)
 *   does not stall the rest: its batch is resent event by event, the refused one is dead-lettered (a small
 *   record on the dead-letter topic, an error log line, `status().deadLettered`), and the checkpoint moves on.
 */
import { logLevel, type Message } from 'kafkajs';
import { ValidationError } from 'cloudevents';
import { UnreadableEventError } from '../commands/command-handler';
import type { EventStore, Position, RecordedEvent } from '../store/event-store';
import type { CheckpointStore } from './checkpoint-store';
import { CloudEventMapper } from './cloud-event';
import { createKafkaProducer, type KafkaProducer } from './kafka-producer.mjs';
import { deadLetterMessage, isPermanentMessageError, messageBytes, type DeadLetter } from './dead-letter';
import { KafkaSendThread } from './kafka-send-thread';

export interface KafkaPublisherOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Where events the broker refuses for good are reported (dead-letter.ts); default `<topic>.dead-letter`. */
  readonly deadLetterTopic?: string;
  /** Used only when the topic is missing and the publisher creates it. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Idempotent producer (default true): kafkajs' own retries of a send then write no duplicates. */
  readonly idempotent?: boolean;
  readonly checkpoints: CheckpointStore;
  /** Row of the checkpoint table; default `kafka:<topic>`, so one file can serve several publishers. */
  readonly checkpointName?: string;
  /** CloudEvents `source`. */
  readonly source?: string;
  readonly batchSize?: number;
  /**
   * Batches of at least this many events are sent by kafkajs in the send thread, smaller ones from the
   * publisher's own thread (default 100; above batchSize, the send thread is never used).
   */
  readonly threadMinBatch?: number;
  readonly clientId?: string;
  /** Backoff between retries: initialMs doubling up to maxMs, with jitter. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** How often the lag is measured while the publisher is behind. */
  readonly lagIntervalMs?: number;
  /** How long stop() waits for an in-flight send before giving up on it (its events are resent next start). */
  readonly stopTimeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly kafkaLogLevel?: logLevel;
}

export type PublisherState = 'stopped' | 'starting' | 'catching-up' | 'live' | 'retrying' | 'stopping' | 'failed';

export interface PublisherStatus {
  readonly state: PublisherState;
  readonly topic: string;
  readonly idempotent: boolean;
  readonly batchSize: number;
  /** Position of the last event the broker acknowledged. */
  readonly checkpoint: Position | undefined;
  /** Events acknowledged since start(). */
  readonly published: number;
  readonly batches: number;
  /** Events in the log after the checkpoint; `atLeast` when the count stopped at its cap. */
  readonly lag: { readonly events: number; readonly atLeast: boolean; readonly measuredAt: string } | undefined;
  readonly retry?: { readonly what: string; readonly attempt: number; readonly nextAt: string; readonly error: string };
  /** Set when the publisher stopped on an error it cannot retry (state 'failed'). */
  readonly error?: string;
  /** Events the broker refused for good since start(), each reported on `deadLetterTopic` (dead-letter.ts). */
  readonly deadLettered: number;
  readonly deadLetterTopic: string;
  /** The last of them, without its payload. */
  readonly lastDeadLetter?: DeadLetter;
}

interface Pending {
  readonly position: Position;
  readonly message: Message;
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
}

/** Counting stops here: the lag probe reads the log, and far behind, "at least 50,000" is enough to know. */
const LAG_COUNT_CAP = 50_000;

/** Thrown for conditions no retry can fix (a checkpoint of another ledger, an unreadable event). */
export class PublisherFatalError extends Error {
  override readonly name = 'PublisherFatalError';
}

export class KafkaPublisher {
  private readonly mapper: CloudEventMapper;
  private readonly checkpointName: string;
  private readonly batchSize: number;
  private readonly threadMinBatch: number;
  private readonly idempotent: boolean;
  private readonly log: (line: string) => void;

  /** The kafkajs producers (see threadMinBatch); exist while the publisher runs. */
  private producer: KafkaProducer | undefined;
  private thread: KafkaSendThread | undefined;
  private connected = false;
  private threadConnected = false;
  private topicReady = false;
  private logId: string | undefined;
  private checkpoint: Position | undefined;
  /** Events read (in log order) but neither acknowledged nor in flight. */
  private pending: Pending[] = [];
  /** The batch being sent, at most one: settles true once acknowledged and checkpointed, false if it failed. */
  private inFlight: Promise<boolean> | undefined;
  /** The subscription's last word was "caught up" (no event read since). */
  private caughtUp = false;
  private lastSendError: unknown;

  private state: PublisherState = 'stopped';
  private published = 0;
  private batches = 0;
  private lag: PublisherStatus['lag'];
  private retryInfo: PublisherStatus['retry'];
  private fatal: string | undefined;
  private deadLettered = 0;
  private lastDeadLetter: DeadLetter | undefined;
  private deadLetterTopicReady = false;
  private readonly deadLetterTopic: string;

  private stopController = new AbortController();
  private abandoned = false;
  private loop: Promise<void> | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private measuringLag = false;

  constructor(
    private readonly store: EventStore,
    private readonly options: KafkaPublisherOptions,
  ) {
    this.mapper = new CloudEventMapper(store, options.source);
    this.checkpointName = options.checkpointName ?? `kafka:${options.topic}`;
    this.batchSize = options.batchSize ?? 500;
    this.threadMinBatch = options.threadMinBatch ?? 100;
    this.idempotent = options.idempotent ?? true;
    this.deadLetterTopic = options.deadLetterTopic ?? `${options.topic}.dead-letter`;
    this.log = options.log ?? ((line) => process.stderr.write(`${new Date().toISOString()} publisher: ${line}\n`));
  }

  /** Starts following the log in the background; `done()` settles when it ends. */
  start(): Promise<void> {
    if (this.loop !== undefined) return Promise.resolve();
    this.stopController = new AbortController();
    this.abandoned = false;
    this.fatal = undefined;
    this.setState('starting');
    this.lagTimer = setInterval(() => void this.measureLag(), this.options.lagIntervalMs ?? 5_000);
    this.lagTimer.unref();
    this.loop = this.run();
    // Keep an unhandled rejection away: done() reports the failure to whoever waits.
    this.loop.catch(() => {});
    return Promise.resolve();
  }

  /** Resolves when the publisher stopped after stop(); rejects if it failed. */
  done(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  /** Finishes the batch in flight (and sends what was read but not sent yet), then disconnects. */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (loop === undefined) return;
    if (this.state !== 'failed') this.setState('stopping');
    this.stopController.abort();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      loop.then(() => false, () => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.options.stopTimeoutMs ?? 10_000);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      // The broker does not answer: leave the checkpoint where it is; these events go out on the next start.
      this.abandoned = true;
      this.log(`stop: a send did not finish within ${this.options.stopTimeoutMs ?? 10_000} ms; its events will be resent on the next start`);
      await this.thread?.close().catch(() => {});
      await this.producer?.disconnect().catch(() => {});
    }
    this.loop = undefined;
  }

  status(): PublisherStatus {
    return {
      state: this.state,
      topic: this.options.topic,
      idempotent: this.idempotent,
      batchSize: this.batchSize,
      checkpoint: this.checkpoint,
      published: this.published,
      batches: this.batches,
      lag: this.lag,
      ...(this.retryInfo === undefined ? {} : { retry: this.retryInfo }),
      ...(this.fatal === undefined ? {} : { error: this.fatal }),
      deadLettered: this.deadLettered,
      deadLetterTopic: this.deadLetterTopic,
      ...(this.lastDeadLetter === undefined ? {} : { lastDeadLetter: this.lastDeadLetter }),
    };
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(): Promise<void> {
    const config = {
      clientId: this.options.clientId ?? 'sanctions-ledger-publisher',
      brokers: this.options.brokers,
      logLevel: this.options.kafkaLogLevel ?? kafkaLogLevelFromEnv(),
      idempotent: this.idempotent,
    };
    this.producer = createKafkaProducer(config);
    // The worker starts with the first big batch.
    this.thread = new KafkaSendThread(config);
    try {
      if (!(await this.retry('reading the checkpoint and the log', () => this.loadCheckpoint()))) return;
      this.log(
        `publishing to topic ${this.options.topic} on ${this.options.brokers.join(',')} from ` +
          `${this.checkpoint === undefined ? 'the start of the log' : `position ${this.checkpoint}`} ` +
          `(batch ${this.batchSize}, idempotent ${this.idempotent}, acks -1, ` +
          `${this.threadMinBatch > this.batchSize ? 'no send thread' : `send thread for batches of ${this.threadMinBatch}+ events`})`,
      );
      await this.retry('connecting to Kafka', () => this.connect());
      let readFailures = 0;
      while (!this.stopping) {
        if (this.pending.length > 0) {
          await this.retry(`sending ${this.pending.length} events`, () => this.reconnectAndSend(), this.lastSendError);
          continue;
        }
        try {
          await this.follow();
          readFailures = 0;
        } catch (error) {
          if (error instanceof PublisherFatalError) throw error;
          // The store is unreachable (a KurrentDB outage): subscribe again after a pause.
          readFailures += 1;
          const delay = this.backoff(readFailures);
          this.setState('retrying');
          this.log(`reading the log failed (attempt ${readFailures}): ${describe(error)}; retrying in ${delay} ms`);
          await sleep(delay, this.stopController.signal);
        }
      }
      await this.flushOnStop();
      this.setState('stopped');
      this.log(`stopped at position ${this.checkpoint ?? '(none)'} after publishing ${this.published} events`);
    } catch (error) {
      this.fatal = describe(error);
      this.setState('failed');
      this.log(`FAILED: ${this.fatal}`);
      throw error;
    } finally {
      clearInterval(this.lagTimer);
      const { producer, thread } = this;
      this.producer = undefined;
      this.thread = undefined;
      this.connected = false;
      this.threadConnected = false;
      await producer?.disconnect().catch(() => {});
      await thread?.disconnect().catch(() => {});
      await thread?.close().catch(() => {});
    }
  }

  /** Loads the checkpoint and makes sure it belongs to this ledger's log. */
  private async loadCheckpoint(): Promise<void> {
    const saved = this.options.checkpoints.get(this.checkpointName);
    const [first] = await this.store.readAll({ maxCount: 1 });
    this.logId = first?.envelope.eventId;
    if (saved === undefined) return;
    if (saved.logId !== this.logId) {
      throw new PublisherFatalError(
        `checkpoint "${this.checkpointName}" (position ${saved.position}) belongs to another log: its first event is ` +
          `${saved.logId}, this ledger's is ${this.logId ?? '(empty log)'}. Use another checkpoint file or delete this one.`,
      );
    }
    this.checkpoint = saved.position;
  }

  /**
   * Reads the log from the checkpoint, sending a batch when it is full or the subscription caught up. Reading
   * goes on while a batch is in flight; the next batch waits for that one's ack. Returns when stopping, or
   * after a failed send (its events and those read after it are then in `pending`, for run() to retry).
   */
  private async follow(): Promise<void> {
    this.setState('catching-up');
    this.caughtUp = false;
    const subscription = new AbortController();
    const onStop = () => subscription.abort();
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    try {
      const items = this.store.subscribeToAll({ after: this.checkpoint, signal: subscription.signal, batchSize: this.batchSize });
      for await (const item of items) {
        if (item.kind === 'event') {
          this.caughtUp = false;
          this.pending.push(await this.toPending(item.event));
          if (this.pending.length < this.batchSize) continue;
        } else {
          this.caughtUp = true;
          if (this.pending.length === 0) {
            // Live once nothing is in flight either (else the in-flight batch's ack says so).
            if (this.inFlight === undefined) this.markLive();
            continue;
          }
        }
        // One batch in flight at a time: the one before must be acknowledged (and checkpointed) first.
        if (!(await this.settled())) return;
        this.launch(subscription, item.kind === 'caught-up');
      }
      if (!(await this.settled())) return;
      if (!this.stopping) throw new Error('the log subscription ended unexpectedly');
    } finally {
      this.stopController.signal.removeEventListener('abort', onStop);
      subscription.abort();
    }
  }

  /** Waits for the batch in flight; false if it failed. */
  private async settled(): Promise<boolean> {
    return this.inFlight ?? true;
  }

  /**
   * Sends the pending events as one batch in the background. Once acknowledged the publisher is live if the
   * batch ended where the subscription had caught up (events read since are sent next). A failure closes
   * `subscription`, so follow() returns.
   */
  private launch(subscription: AbortController, caughtUp: boolean): void {
    const batch = this.pending;
    this.pending = [];
    this.inFlight = this.sendBatch(batch).then(
      () => {
        this.inFlight = undefined;
        if (caughtUp || (this.caughtUp && this.pending.length === 0)) this.markLive();
        else this.setState('catching-up');
        return true;
      },
      (error: unknown) => {
        this.inFlight = undefined;
        // Nothing of it counts as sent: it goes back before what was read after it, for run() to retry.
        this.pending = [...batch, ...this.pending];
        this.lastSendError = error;
        // At least the unsent events are behind; the lag probe counts the rest while retrying.
        this.lag = { events: this.pending.length, atLeast: true, measuredAt: new Date().toISOString() };
        subscription.abort();
        return false;
      },
    );
  }

  private async toPending(event: RecordedEvent): Promise<Pending> {
    try {
      const message = await this.mapper.kafkaMessage(event);
      return { position: event.position, message, eventId: event.envelope.eventId, type: event.type, streamId: event.streamId };
    } catch (error) {
      if (!(error instanceof UnreadableEventError || error instanceof ValidationError)) throw error;
      // Skipping it would be a gap: stop and say which event.
      throw new PublisherFatalError(`cannot map ${event.streamId}@${event.revision} (position ${event.position}): ${describe(error)}`);
    }
  }

  /** One send of one batch; the checkpoint moves only once the broker acknowledged it. */
  private async sendBatch(batch: readonly Pending[]): Promise<void> {
    if (batch.length === 0) return;
    if (this.producer === undefined || this.thread === undefined || !this.connected) throw new Error('not connected to Kafka');
    let producer: KafkaProducer = this.producer;
    if (batch.length >= this.threadMinBatch) {
      if (!this.threadConnected) {
        await this.thread.connect();
        this.threadConnected = true;
      }
      producer = this.thread;
    }
    try {
      await producer.send(this.options.topic, batch.map((p) => p.message));
    } catch (error) {
      if (!isPermanentMessageError(error)) throw error;
      // Some message of the batch (or the batch as a whole) is refused for good: find which, one at a time, in order.
      await this.sendOneByOne(batch);
      return;
    }
    await this.checkpointAt(batch[batch.length - 1]!.position, batch.length);
  }

  /** The broker refused a batch for good: each event again on its own, the refused ones dead-lettered. */
  private async sendOneByOne(batch: readonly Pending[]): Promise<void> {
    for (const pending of batch) {
      if (this.producer === undefined) throw new Error('not connected to Kafka');
      try {
        await this.producer.send(this.options.topic, [pending.message]);
      } catch (error) {
        if (!isPermanentMessageError(error)) throw error;
        await this.deadLetter(pending, error);
        await this.checkpointAt(pending.position, 0);
        continue;
      }
      await this.checkpointAt(pending.position, 1);
    }
  }

  /** Reports an event the broker refused for good; a failure to report it is retried like any send, never skipped. */
  private async deadLetter(pending: Pending, error: unknown): Promise<void> {
    if (this.producer === undefined) throw new Error('not connected to Kafka');
    if (!this.deadLetterTopicReady) {
      await this.producer.ensureTopic(this.deadLetterTopic, 1, this.options.replicationFactor ?? 1);
      this.deadLetterTopicReady = true;
    }
    const subject = pending.message.headers?.ce_subject;
    const letter: DeadLetter = {
      eventId: pending.eventId,
      position: pending.position,
      type: pending.type,
      streamId: pending.streamId,
      subject: subject === undefined ? undefined : String(subject),
      bytes: messageBytes(pending.message),
      error: describe(error),
      topic: this.options.topic,
      deadLetteredAt: new Date().toISOString(),
    };
    await this.producer.send(this.deadLetterTopic, [deadLetterMessage(letter)]);
    this.deadLettered += 1;
    this.lastDeadLetter = letter;
    this.log(
      `ERROR: event ${letter.eventId} (${letter.type}, ${letter.streamId}, position ${letter.position}, ${letter.bytes} bytes) ` +
        `refused by topic ${letter.topic}: ${letter.error}; reported on ${this.deadLetterTopic} and skipped (${this.deadLettered} so far)`,
    );
  }

  /** Moves the checkpoint once the broker acknowledged everything up to `position` (or dead-lettered it). */
  private async checkpointAt(position: Position, published: number): Promise<void> {
    if (this.abandoned) return; // stop() gave up on this send and the caller may have closed the checkpoint file
    if (this.logId === undefined) {
      const [first] = await this.store.readAll({ maxCount: 1 });
      this.logId = first!.envelope.eventId;
    }
    this.options.checkpoints.save(this.checkpointName, position, this.logId);
    this.checkpoint = position;
    this.published += published;
    this.batches += 1;
  }

  /** Sends every pending event, a batch at a time, each after the previous one's ack. */
  private async sendPending(): Promise<void> {
    // A batch that failed half-way through sendOneByOne has its first events checkpointed already (and maybe dead-lettered).
    const checkpoint = this.checkpoint;
    if (checkpoint !== undefined) this.pending = this.pending.filter((p) => p.position > checkpoint);
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, this.batchSize);
      await this.sendBatch(batch);
      this.pending = this.pending.slice(batch.length);
    }
  }

  /** Creates the topic if needed, then a fresh producer; the send thread's starts afresh on its next batch. */
  private async connect(): Promise<void> {
    if (this.producer === undefined || this.thread === undefined) throw new Error('the publisher is not running');
    if (!this.topicReady) await this.ensureTopic(this.producer);
    this.connected = false;
    this.threadConnected = false;
    if (this.thread.running) await this.thread.disconnect().catch(() => {});
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * After a failed send the producers start afresh: kafkajs' idempotent producer can be left with sequence
   * numbers the broker refuses (OutOfOrderSequence) once a request failed for good. Resending the batch on a
   * new producer id may duplicate events the broker had taken before the failure; consumers drop them by ce_id.
   */
  private async reconnectAndSend(): Promise<void> {
    await this.connect();
    await this.sendPending();
  }

  private async ensureTopic(producer: KafkaProducer): Promise<void> {
    const { topic } = this.options;
    const numPartitions = this.options.partitions ?? 6;
    const result = await producer.ensureTopic(topic, numPartitions, this.options.replicationFactor ?? 1);
    if (result.created) {
      this.log(`created topic ${topic} with ${numPartitions} partitions`);
    } else if (result.partitions !== numPartitions) {
      this.log(`topic ${topic} exists with ${result.partitions} partitions (configured ${numPartitions}); keeping it`);
    }
    this.topicReady = true;
  }

  /** Sends what was read but not yet sent, once, when stopping (no retry: it would delay the shutdown). */
  private async flushOnStop(): Promise<void> {
    if (this.pending.length === 0 || !this.connected || this.lastSendError !== undefined || this.abandoned) return;
    try {
      await this.sendPending();
    } catch (error) {
      this.log(`stop: could not flush ${this.pending.length} events (${describe(error)}); they are resent on the next start`);
    }
  }

  /** Runs `action` until it succeeds or the publisher stops; returns false if it stopped first. */
  private async retry(what: string, action: () => Promise<void>, firstError?: unknown): Promise<boolean> {
    let error = firstError;
    let attempt = 0;
    while (!this.stopping) {
      if (error !== undefined) {
        attempt += 1;
        const delay = this.backoff(attempt);
        this.retryInfo = { what, attempt, nextAt: new Date(Date.now() + delay).toISOString(), error: describe(error) };
        this.setState('retrying');
        this.log(`${what} failed (attempt ${attempt}): ${describe(error)}; retrying in ${delay} ms${this.lagText()}`);
        if (!(await sleep(delay, this.stopController.signal))) return false;
      }
      try {
        await action();
        if (attempt > 0) this.log(`${what}: succeeded after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}`);
        this.retryInfo = undefined;
        this.lastSendError = undefined;
        return true;
      } catch (caught) {
        if (caught instanceof PublisherFatalError) throw caught;
        error = caught;
      }
    }
    return false;
  }

  private backoff(attempt: number): number {
    const initial = this.options.backoff?.initialMs ?? 250;
    const max = this.options.backoff?.maxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
    // Jitter: publishers restarted together do not hammer a recovering broker in step.
    return Math.round(base * (0.75 + Math.random() * 0.25));
  }

  private markLive(): void {
    this.lag = { events: 0, atLeast: false, measuredAt: new Date().toISOString() };
    this.setState('live');
  }

  private setState(state: PublisherState): void {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    if (state === 'live' && (previous === 'catching-up' || previous === 'retrying')) {
      this.log(`live: caught up at position ${this.checkpoint ?? '(none)'} (${this.published} events published)`);
    }
  }

  /** Counts the events after the checkpoint while the publisher is behind (live means a lag of 0). */
  private async measureLag(): Promise<void> {
    if (this.measuringLag || this.state === 'live' || this.state === 'stopped' || this.state === 'failed') return;
    this.measuringLag = true;
    try {
      let events = 0;
      let after = this.checkpoint;
      while (events < LAG_COUNT_CAP) {
        const page = await this.store.readAll({ after, maxCount: Math.min(1_000, LAG_COUNT_CAP - events) });
        if (page.length === 0) break;
        events += page.length;
        after = page[page.length - 1]!.position;
      }
      // The state may have changed while the log was read: live already set the lag to 0.
      const state = this.state as PublisherState;
      if (state === 'live') return;
      this.lag = { events, atLeast: events >= LAG_COUNT_CAP, measuredAt: new Date().toISOString() };
      this.log(`${state}: ${this.lagText().slice(2)}, checkpoint ${this.checkpoint ?? '(none)'}`);
    } catch (error) {
      this.log(`lag: could not read the log (${describe(error)})`);
    } finally {
      this.measuringLag = false;
    }
  }

  private lagText(): string {
    if (this.lag === undefined) return '';
    return `; lag ${this.lag.atLeast ? '>= ' : ''}${this.lag.events} events behind the log head`;
  }
}

/** kafkajs logs retriable errors at ERROR level; quiet unless KAFKAJS_LOG_LEVEL asks for more. */
export function kafkaLogLevelFromEnv(env: NodeJS.ProcessEnv = process.env): logLevel {
  const name = (env.KAFKAJS_LOG_LEVEL ?? 'NOTHING').toUpperCase() as keyof typeof logLevel;
  return logLevel[name] ?? logLevel.NOTHING;
}

/** Error text without stack traces; kafkajs messages name brokers and topics, never credentials. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
