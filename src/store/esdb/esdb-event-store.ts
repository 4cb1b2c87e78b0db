/**
 * The EventStoreDB / KurrentDB adapter of the event-store port (DESIGN.md section 7), on @eventstore/db-client 6.x.
 *
 * Mapping:
 * - a ledger stream is an EventStoreDB stream of the same name; an event is a JSON event whose id is the envelope's
 *   `eventId` (or a UUID v5 derived from it), whose data is the event's data and whose metadata is the sealed envelope;
 * - the global log is `$all`, read without system events (type or stream starting with '$') and without events whose
 *   metadata is not a sealed envelope (other tools writing to the same database);
 * - positions are `{ commit, prepare }` written as fixed-width strings (positions.ts).
 *
 * Sealing: EventStoreDB has no transaction spanning "read the head, then write", so the store reads the stream's last
 * event (for the previous hash and the head revision), seals the batch for the revisions that follow it, and appends
 * with that CONCRETE expected revision whatever the caller asked for: a concurrent writer then makes the append fail
 * instead of breaking the hash chain. For 'any' and 'stream-exists' the store re-reads and retries (bounded).
 *
 * Recorded time: `nextRecordedAt` over the latest recorded time this process has seen (and the stream head's). Appends
 * through one store instance are serialised, so recorded times never decrease along the log for one writer process.
 * Several writer processes are only as monotonic as their clocks: nothing in EventStoreDB orders them.
 *
 * Batch size: EventStoreDB writes one append atomically only up to its MaxAppendSize setting (1 MiB by default, at
 * most 16 MiB), counted over the serialised events with their envelopes (~0.5 KB each). A larger batch is refused
 * with a RangeError naming the limit; the adapter never splits a batch, which would lose atomicity.
 *
 * Positions of the appended events: the append result gives one position only, so the store reads the batch back
 * from the stream (from the leader) and returns the events as stored, with their real log positions. Stream reads
 * carry positions from EventStoreDB 22.6 on; older servers are refused with an explicit error.
 */
import {
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  isCommandError,
  jsonEvent,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type EventData,
  type JSONType,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { GENESIS_HASH } from '../../../events';
import { nextRecordedAt, seal } from '../../audit/seal';
import {
  revisionMatches,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type SubscriptionItem,
} from '../event-store';
import { classifyResolved, toEventUuid, type Classified } from './conversion';
import { decodePosition, encodePosition, isAfter, type EsdbPosition } from './positions';
import { conflictOf, toClientExpectedRevision } from './revisions';
import { iterateSubscription } from './subscription';

export interface EsdbEventStoreOptions {
  /** Attempts of an append with 'any' or 'stream-exists' that keeps meeting concurrent writers. Default 10. */
  readonly maxAppendAttempts?: number;
  /** Events per request when paging through $all. Default 1024. */
  readonly readPageSize?: number;
}

interface Head {
  readonly revision: number | 'no-stream';
  readonly hash: string;
  readonly recordedAt: string | undefined;
}

const NO_HEAD: Head = { revision: 'no-stream', hash: GENESIS_HASH, recordedAt: undefined };

/** The latest recorded time this process has seen (appended or read): recorded times never go below it. */
let latestRecordedAt: string | undefined;

function observeRecordedAt(recordedAt: string | undefined): void {
  if (recordedAt !== undefined && (latestRecordedAt === undefined || recordedAt > latestRecordedAt)) {
    latestRecordedAt = recordedAt;
  }
}

export class UnsupportedEsdbServerError extends Error {
  override readonly name = 'UnsupportedEsdbServerError';
}

function isStreamNotFound(error: unknown): boolean {
  return (
    error instanceof StreamNotFoundError ||
    (error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND)
  );
}

async function collect<E>(read: StreamingRead<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Fails before anything is sent if an event's data has no JSON form (the client would fail mid-request). */
function assertJsonData(streamId: string, event: EventToAppend, index: number): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(event.data);
  } catch (error) {
    throw new TypeError(`stream ${streamId}: event ${index} (${event.type}) has data without a JSON form`, {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new TypeError(`stream ${streamId}: event ${index} (${event.type}) has data without a JSON form`);
  }
}

/** A stream read converted strictly: every event of a ledger stream must be a sealed ledger event. */
function ledgerEventOf(streamId: string, classified: Classified): RecordedEvent {
  if (classified.kind === 'ledger') return classified.event;
  if (classified.reason === 'no-position') {
    throw new UnsupportedEsdbServerError(
      'the server returns no log position on stream reads: EventStoreDB 22.6 or later (or KurrentDB) is required',
    );
  }
  throw new Error(
    `stream ${streamId}: the event at revision ${String(classified.revision)} is not a sealed ledger event (${classified.reason})`,
  );
}

export class EsdbEventStore implements EventStore {
  readonly kind = 'esdb' as const;
  private readonly maxAppendAttempts: number;
  private readonly readPageSize: number;
  private readonly closing = new AbortController();
  private appendTail: Promise<unknown> = Promise.resolve();

  /**
   * A store on `connectionString`, e.g. `esdb://localhost:2113?tls=false` or `esdb+discover://…` for a cluster.
   * The client connects lazily: a wrong address shows on the first operation.
   */
  static connect(connectionString: string, options: EsdbEventStoreOptions = {}): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  constructor(
    readonly client: EventStoreDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.maxAppendAttempts = Math.max(1, options.maxAppendAttempts ?? 10);
    this.readPageSize = Math.max(2, options.readPageSize ?? 1024);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const expected = options.expectedRevision ?? 'any';
    toClientExpectedRevision(expected); // validates a numeric revision
    events.forEach((event, index) => assertJsonData(streamId, event, index));
    return this.exclusive(() => this.appendWithRetries(streamId, events, expected));
  }

  /** Runs appends of this instance one after the other, so recorded times follow log order. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.appendTail.then(task, task);
    this.appendTail = run.catch(() => undefined);
    return run;
  }

  private async appendWithRetries(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.readHead(streamId);
      if (!revisionMatches(expected, head.revision)) {
        throw new WrongExpectedRevisionError(streamId, expected, head.revision);
      }
      const { toAppend, recordedAt } = this.sealBatch(streamId, events, head);
      let conflict: { readonly actual: number | 'no-stream' } | undefined;
      try {
        const result = await this.client.appendToStream(streamId, toAppend, {
          // The concrete revision just read, whatever the caller asked: the hash chain depends on it.
          expectedRevision: toClientExpectedRevision(head.revision),
          requiresLeader: true,
          // Large batches need more than the client's default 10 s deadline.
          deadline: 10_000 + 2 * events.length,
        });
        // Only with `throwOnAppendFailure=false` in the connection string does a conflict come back as a result.
        if (!result.success) conflict = { actual: (await this.readHead(streamId)).revision };
      } catch (error) {
        if (error instanceof MaxAppendSizeExceededError) {
          throw new RangeError(
            `stream ${streamId}: a batch of ${events.length} events exceeds the server's MaxAppendSize ` +
              `(${error.maxAppendSize} bytes). EventStoreDB writes a batch atomically only within that limit: raise ` +
              'MaxAppendSize (at most 16 MiB) or append smaller batches.',
            { cause: error },
          );
        }
        conflict = conflictOf(error);
        if (conflict === undefined) throw error;
      }
      if (conflict !== undefined) {
        const retryable = expected === 'any' || expected === 'stream-exists';
        if (retryable && attempt < this.maxAppendAttempts) continue;
        throw new WrongExpectedRevisionError(streamId, expected, conflict.actual);
      }
      observeRecordedAt(recordedAt);
      return this.readBack(streamId, head, toAppend);
    }
  }

  /** The stream's last event: its revision, hash and recorded time (or no stream). */
  private async readHead(streamId: string): Promise<Head> {
    let last: ResolvedEvent[];
    try {
      last = await collect(
        this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true }),
      );
    } catch (error) {
      if (isStreamNotFound(error)) return NO_HEAD;
      throw error;
    }
    const [resolved] = last;
    if (resolved === undefined) return NO_HEAD;
    const event = ledgerEventOf(streamId, classifyResolved(resolved));
    observeRecordedAt(event.envelope.recordedAt);
    return { revision: event.revision, hash: event.envelope.hash, recordedAt: event.envelope.recordedAt };
  }

  private sealBatch(
    streamId: string,
    events: readonly EventToAppend[],
    head: Head,
  ): { toAppend: EventData[]; recordedAt: string } {
    observeRecordedAt(head.recordedAt);
    const recordedAt = nextRecordedAt(latestRecordedAt);
    let revision = head.revision === 'no-stream' ? -1 : head.revision;
    let prevHash = head.hash;
    const toAppend = events.map((event): EventData => {
      revision += 1;
      const { envelope } = seal(streamId, revision, event.type, event.data, event.envelope, recordedAt, prevHash);
      prevHash = envelope.hash;
      return jsonEvent({
        id: toEventUuid(envelope.eventId),
        type: event.type,
        data: event.data as JSONType,
        metadata: envelope,
      });
    });
    return { toAppend, recordedAt };
  }

  /** Reads the appended batch back for its log positions and returns it as stored. */
  private async readBack(streamId: string, head: Head, appended: readonly EventData[]): Promise<AppendResult> {
    const first = head.revision === 'no-stream' ? 0 : head.revision + 1;
    const read = await collect(
      this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(first),
        maxCount: appended.length,
        requiresLeader: true,
      }),
    );
    const events = read.map((resolved) => ledgerEventOf(streamId, classifyResolved(resolved)));
    // Same ids at the revisions the events were sealed for (a soft-deleted stream, for one, would renumber them).
    const sameBatch =
      read.length === appended.length &&
      read.every(
        (resolved, i) =>
          resolved.event?.id.toLowerCase() === appended[i]!.id.toLowerCase() && events[i]!.revision === first + i,
      );
    if (!sameBatch) {
      throw new Error(
        `stream ${streamId}: the append was acknowledged but revisions ${first}..${first + appended.length - 1} do not hold its events`,
      );
    }
    const last = events[events.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position, events };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    let read: ResolvedEvent[];
    try {
      read = await collect(
        this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
          maxCount: options.maxCount,
        }),
      );
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return read.map((resolved) => {
      const event = ledgerEventOf(streamId, classifyResolved(resolved));
      observeRecordedAt(event.envelope.recordedAt);
      return event;
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? 1000;
    if (maxCount <= 0) return [];
    return (await this.scanAll(options.after, maxCount)).events;
  }

  /**
   * Pages through $all after `after` until `wanted` ledger events are found or the end of the log is reached. $all
   * reads start AT the given position (inclusive), so anything at or before the last position looked at is skipped.
   * A page full of system or foreign events never ends the scan early.
   */
  private async scanAll(
    after: Position | undefined,
    wanted: number,
  ): Promise<{ events: RecordedEvent[]; lastScanned: Position | undefined; exhausted: boolean }> {
    const events: RecordedEvent[] = [];
    let lastScanned = after;
    let cursor: EsdbPosition | undefined = after === undefined ? undefined : decodePosition(after);
    const pageSize = Math.min(this.readPageSize, Math.max(wanted + 1, 64));
    for (;;) {
      const page: AllStreamResolvedEvent[] = await collect(
        this.client.readAll({ fromPosition: cursor ?? START, direction: FORWARDS, maxCount: pageSize }),
      );
      let progressed = false;
      for (const resolved of page) {
        const raw = resolved.event?.position;
        if (raw === undefined) continue;
        const position = encodePosition(raw);
        if (!isAfter(position, lastScanned)) continue;
        lastScanned = position;
        cursor = raw;
        progressed = true;
        const classified = classifyResolved(resolved);
        if (classified.kind !== 'ledger') continue;
        observeRecordedAt(classified.event.envelope.recordedAt);
        events.push(classified.event);
        if (events.length >= wanted) return { events, lastScanned, exhausted: false };
      }
      if (page.length < pageSize) return { events, lastScanned, exhausted: true };
      if (!progressed) throw new Error(`$all read made no progress after ${String(lastScanned)}`);
    }
  }

  /**
   * Catch-up by $all pages (each short page proves the end of the log was reached, so 'caught-up' is exact on every
   * server version), then live through `subscribeToAll` from the last position looked at, without system events.
   * While live, 'caught-up' follows the server's caught-up message and then each batch the subscriber has drained.
   */
  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionItem> {
    const stop = new AbortController();
    const onStop = () => stop.abort();
    options.signal?.addEventListener('abort', onStop, { once: true });
    this.closing.signal.addEventListener('abort', onStop, { once: true });
    if (options.signal?.aborted || this.closing.signal.aborted) stop.abort();
    const batchSize = Math.max(1, options.batchSize ?? 1000);
    let delivered = options.after;
    let scanned = options.after;
    try {
      for (;;) {
        if (stop.signal.aborted) return;
        const page = await this.scanAll(scanned, batchSize);
        for (const event of page.events) {
          if (stop.signal.aborted) return;
          yield { kind: 'event', event };
          delivered = event.position;
        }
        scanned = page.lastScanned;
        if (page.exhausted) break;
      }
      if (stop.signal.aborted) return;
      yield { kind: 'caught-up', position: delivered };

      const subscription = this.client.subscribeToAll({
        fromPosition: scanned === undefined ? START : decodePosition(scanned),
        filter: excludeSystemEvents(),
      });
      let deliveredSinceCaughtUp = false;
      for await (const signal of iterateSubscription(subscription, { signal: stop.signal, highWaterMark: batchSize })) {
        if (signal.kind === 'caught-up') {
          if (deliveredSinceCaughtUp) {
            deliveredSinceCaughtUp = false;
            yield { kind: 'caught-up', position: delivered };
          }
          continue;
        }
        const raw = signal.resolved.event?.position;
        if (raw === undefined) continue;
        const position = encodePosition(raw);
        if (!isAfter(position, scanned)) continue;
        scanned = position;
        const classified = classifyResolved(signal.resolved);
        if (classified.kind !== 'ledger') continue;
        observeRecordedAt(classified.event.envelope.recordedAt);
        yield { kind: 'event', event: classified.event };
        delivered = classified.event.position;
        deliveredSinceCaughtUp = true;
      }
      if (!stop.signal.aborted) {
        // Not asked to stop, yet the stream ended: the subscriber must not mistake that for the end of the log.
        throw new Error(`the server ended the $all subscription after ${String(delivered)}`);
      }
    } finally {
      options.signal?.removeEventListener('abort', onStop);
      this.closing.signal.removeEventListener('abort', onStop);
    }
  }

  /**
   * Stream names found in $all, each once, in order of first appearance. Chosen over reading `$streams`, which only
   * exists when the system projections run (RUN_PROJECTIONS=System or All) and which holds links to every stream of
   * the database, not only the ledger's. The cost is one pass over $all, which audit verification makes anyway.
   */
  async *listStreams(): AsyncIterable<string> {
    const seen = new Set<string>();
    let after: Position | undefined;
    for (;;) {
      const page = await this.scanAll(after, this.readPageSize);
      for (const event of page.events) {
        if (seen.has(event.streamId)) continue;
        seen.add(event.streamId);
        yield event.streamId;
      }
      after = page.lastScanned;
      if (page.exhausted) return;
    }
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    // Live subscriptions end (without error); calls still in flight are cancelled by dispose().
    this.closing.abort();
    await this.client.dispose();
  }
}
