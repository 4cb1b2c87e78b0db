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
 * Recorded time: `nextRecordedAt` over the stream head's, so it never decreases along a stream. Nothing orders
 * writers globally (appends to different streams run in parallel, other processes write too, the server orders by
 * arrival), so along $all it may: `recordedTimeOrder = 'stream'` tells verify what to check.
 *
 * Batch size: EventStoreDB writes one append atomically only up to its MaxAppendSize setting (1 MiB by default, at
 * most 16 MiB), counted over the serialised events with their envelopes (~0.5 KB each). A larger batch is refused
 * with a RangeError naming the limit; the adapter never splits a batch, which would lose atomicity.
 *
 * Positions of the appended events: the append result gives one position only, so the store reads the batch back
 * from the stream (from the leader) and returns the events as stored, with their real log positions. Stream reads
 * carry positions from EventStoreDB 22.6 on; older servers are refused with an explicit error.
 */
import { randomUUID } from 'node:crypto';
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
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
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

/** The part of the client the adapter uses (a stand-in with the same shapes can be injected in tests). */
export type EsdbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'getStreamMetadata' | 'setStreamMetadata' | 'dispose'
>;

/** Errors after which the connection may come back (leader election, network blip): retried, never final. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError
  );
}

export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
}

export class DeletedStreamError extends Error {
  override readonly name = 'DeletedStreamError';
}

export interface EsdbEventStoreOptions {
  /** First wait before resubscribing after a dropped subscription (doubles up to 5 s). Default 100 ms. */
  readonly resubscribeBackoffMs?: number;
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

class BatchNotFoundError extends Error {}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
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

/** The stream whose metadata holds the store id. */
const STORE_ID_STREAM = 'sanctions-ledger-store';

export class EsdbEventStore implements EventStore {
  readonly kind = 'esdb' as const;
  /** Recorded time never decreases along each stream; along $all it may (see verify). */
  readonly recordedTimeOrder = 'stream' as const;
  private readonly maxAppendAttempts: number;
  private readonly readPageSize: number;
  private readonly resubscribeBackoffMs: number;
  private readonly closing = new AbortController();
  /** One chain of appends per stream: appends to different streams do not wait for each other. */
  private readonly streamTails = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private subscriptionsDown = 0;

  /**
   * A store on `connectionString`, e.g. `esdb://localhost:2113?tls=false` or `esdb+discover://…` for a cluster.
   * The client connects lazily: a wrong address shows on the first operation.
   */
  static connect(connectionString: string, options: EsdbEventStoreOptions = {}): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  constructor(
    readonly client: EsdbClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.resubscribeBackoffMs = Math.max(1, options.resubscribeBackoffMs ?? 100);
    this.maxAppendAttempts = Math.max(1, options.maxAppendAttempts ?? 10);
    this.readPageSize = Math.max(2, options.readPageSize ?? 1024);
  }

  /** Kept in the metadata of a well-known stream (a system event, so no reader of the log sees it). */
  async storeId(): Promise<string> {
    const read = async () => ((await this.client.getStreamMetadata(STORE_ID_STREAM)).metadata as { ledgerStoreId?: string } | undefined)?.ledgerStoreId;
    const existing = await read();
    if (existing !== undefined) return existing;
    await this.client.setStreamMetadata(STORE_ID_STREAM, { ledgerStoreId: randomUUID() });
    // Two first callers at once: the last write wins, and both answer with what was kept.
    return (await read())!;
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
    this.assertOpen();
    return this.exclusive(streamId, () => {
      // Queued behind an append that was running when close() began: refused, never sent on a disposed client.
      this.assertOpen();
      return this.appendWithRetries(streamId, events, expected);
    });
  }

  /** True while a subscription of this store has lost its server connection and is resubscribing (readiness). */
  isSubscriptionDown(): boolean {
    return this.subscriptionsDown > 0;
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new StoreClosedError('the EventStoreDB store is closed');
  }

  /** Runs appends to one stream one after the other (the head read and the seal depend on the one before). */
  private exclusive<T>(streamId: string, task: () => Promise<T>): Promise<T> {
    const tail = this.streamTails.get(streamId) ?? Promise.resolve();
    const run = tail.then(task, task);
    const settled = run.catch(() => undefined);
    this.streamTails.set(streamId, settled);
    this.inFlight.add(settled);
    void settled.then(() => {
      this.inFlight.delete(settled);
      if (this.streamTails.get(streamId) === settled) this.streamTails.delete(streamId);
    });
    return run;
  }

  private async appendWithRetries(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.readHead(streamId);
      if (head.revision === 'no-stream') await this.refuseDeletedStream(streamId);
      if (!revisionMatches(expected, head.revision)) {
        throw new WrongExpectedRevisionError(streamId, expected, head.revision);
      }
      const { toAppend } = this.sealBatch(streamId, events, head);
      let conflict: { readonly actual: number | 'no-stream' } | undefined;
      try {
        const result = await this.client.appendToStream(streamId, toAppend, {
          // The concrete revision just read, whatever the caller asked: the hash chain depends on it.
          expectedRevision: toClientExpectedRevision(head.revision),
          requiresLeader: true,
          // No deadline of ours: the client sends it as an absolute time on OUR clock and the server caps it at its
          // own write timeout anyway. A call that times out may still have committed: see committedAlready.
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
        if (conflict === undefined) {
          // A lost reply or a deadline: the write may have committed. Acknowledge it exactly once, never append twice.
          if (!isTransient(error)) throw error;
          const committed = await this.committedAlready(streamId, head, toAppend).catch(() => undefined);
          if (committed !== undefined) return committed;
          throw error;
        }
      }
      if (conflict !== undefined) {
        const retryable = expected === 'any' || expected === 'stream-exists';
        if (retryable && attempt < this.maxAppendAttempts) continue;
        throw new WrongExpectedRevisionError(streamId, expected, conflict.actual);
      }
      return this.readBackWithRetries(streamId, head, toAppend);
    }
  }

  /** The batch as stored when the server already holds it (same ids at the sealed revisions), else undefined. */
  private async committedAlready(streamId: string, head: Head, appended: readonly EventData[]): Promise<AppendResult | undefined> {
    try {
      return await this.readBack(streamId, head, appended);
    } catch (error) {
      if (isStreamNotFound(error) || error instanceof BatchNotFoundError) return undefined;
      throw error;
    }
  }

  /** The append is acknowledged: its read-back is retried on transient errors, the append itself never is. */
  private async readBackWithRetries(streamId: string, head: Head, appended: readonly EventData[]): Promise<AppendResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.readBack(streamId, head, appended);
      } catch (error) {
        if (!isTransient(error) || attempt >= 5) throw error;
        await sleep(this.resubscribeBackoffMs * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * A stream that reads as missing may be soft-deleted: the server would number new events after its old last
   * revision, which no read shows, so the seal could not match. Its name is refused (the old events stay in $all).
   */
  private async refuseDeletedStream(streamId: string): Promise<void> {
    const { metadata } = await this.client.getStreamMetadata(streamId);
    if (metadata?.truncateBefore !== undefined) {
      throw new DeletedStreamError(
        `stream ${streamId} was deleted or truncated in EventStoreDB; the ledger never appends to a deleted stream`,
      );
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
    return { revision: event.revision, hash: event.envelope.hash, recordedAt: event.envelope.recordedAt };
  }

  private sealBatch(
    streamId: string,
    events: readonly EventToAppend[],
    head: Head,
  ): { toAppend: EventData[]; recordedAt: string } {
    const recordedAt = nextRecordedAt(head.recordedAt);
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
      throw new BatchNotFoundError(
        `stream ${streamId}: the append was acknowledged but revisions ${first}..${first + appended.length - 1} do not hold its events`,
      );
    }
    const last = events[events.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position, events };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    this.assertOpen();
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
    return read.map((resolved) => ledgerEventOf(streamId, classifyResolved(resolved)));
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
        events.push(classified.event);
        if (events.length >= wanted) return { events, lastScanned, exhausted: false };
      }
      if (page.length < pageSize) {
        // A read cut short by close() is not the end of the log.
        this.assertOpen();
        if (await this.endConfirmed(lastScanned)) return { events, lastScanned, exhausted: true };
        continue;
      }
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
    // Resumption state: `scanned` is the last position looked at, so a resubscription has no gap and no duplicate.
    const cursor = { delivered: options.after, scanned: options.after };
    let down = false;
    let backoff = this.resubscribeBackoffMs;
    const setDown = (value: boolean) => {
      if (value !== down) this.subscriptionsDown += value ? 1 : -1;
      down = value;
    };
    try {
      for (;;) {
        try {
          for await (const item of this.catchUpThenLive(cursor, batchSize, stop.signal)) {
            setDown(false);
            backoff = this.resubscribeBackoffMs;
            yield item;
          }
          return;
        } catch (error) {
          // A leader election or a network blip: resume from the last handled position, with backoff.
          if (stop.signal.aborted || !isTransient(error)) throw error;
          setDown(true);
          await sleep(backoff, stop.signal);
          backoff = Math.min(backoff * 2, 5000);
          if (stop.signal.aborted) return;
        }
      }
    } finally {
      setDown(false);
      options.signal?.removeEventListener('abort', onStop);
      this.closing.signal.removeEventListener('abort', onStop);
    }
  }

  /**
   * One connection's worth of the subscription: catch-up by $all pages (each short page is confirmed as the end of
   * the log, so 'caught-up' is exact on every server version), then live through `subscribeToAll` from the last
   * position looked at. The live part starts caught up (the pages just reached the end), so 'caught-up' follows
   * each drained batch on every server: before 23.10 there is no CaughtUp message, from 23.10 on no FellBehind.
   */
  private async *catchUpThenLive(
    cursor: { delivered: Position | undefined; scanned: Position | undefined },
    batchSize: number,
    stop: AbortSignal,
  ): AsyncGenerator<SubscriptionItem> {
    for (;;) {
      if (stop.aborted) return;
      const page = await this.scanAll(cursor.scanned, batchSize);
      for (const event of page.events) {
        if (stop.aborted) return;
        yield { kind: 'event', event };
        cursor.delivered = event.position;
      }
      cursor.scanned = page.lastScanned;
      if (page.exhausted) break;
    }
    if (stop.aborted) return;
    yield { kind: 'caught-up', position: cursor.delivered };

    const subscription = this.client.subscribeToAll({
      fromPosition: cursor.scanned === undefined ? START : decodePosition(cursor.scanned),
      filter: excludeSystemEvents(),
    });
    let deliveredSinceCaughtUp = false;
    for await (const signal of iterateSubscription(subscription, { signal: stop, highWaterMark: batchSize, liveFromStart: true })) {
      if (signal.kind === 'caught-up') {
        if (deliveredSinceCaughtUp) {
          deliveredSinceCaughtUp = false;
          yield { kind: 'caught-up', position: cursor.delivered };
        }
        continue;
      }
      const raw = signal.resolved.event?.position;
      if (raw === undefined) continue;
      const position = encodePosition(raw);
      if (!isAfter(position, cursor.scanned)) continue;
      cursor.scanned = position;
      const classified = classifyResolved(signal.resolved);
      if (classified.kind !== 'ledger') continue;
      yield { kind: 'event', event: classified.event };
      cursor.delivered = classified.event.position;
      deliveredSinceCaughtUp = true;
    }
    if (!stop.aborted) {
      // Not asked to stop, yet the stream ended: resumed like a dropped connection, never taken for the end of the log.
      throw new UnavailableError(undefined, `the server ended the $all subscription after ${String(cursor.delivered)}`);
    }
  }

  /** True when nothing in $all lies after `lastScanned`: a read that ended early is told from the end of the log. */
  private async endConfirmed(lastScanned: Position | undefined): Promise<boolean> {
    const [last] = await collect(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
    const raw = last?.event?.position;
    return raw === undefined || !isAfter(encodePosition(raw), lastScanned);
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
    // Fence: new calls and queued appends are refused; live subscriptions end (without error); appends already sent
    // are awaited, so none reopens the client's batch-append stream after dispose().
    this.closing.abort();
    await Promise.allSettled([...this.inFlight]);
    await this.client.dispose();
  }
}
