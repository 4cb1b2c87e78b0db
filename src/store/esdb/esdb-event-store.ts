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
 *
 * Round trips per append: head read, append, read-back; the head read is skipped when this instance knows the head
 * (its own last append to the stream, or a read of the stream that reached its end: the command handler reads the
 * stream before it appends, and a read that found the stream missing counts too), since a stale head only costs a
 * conflict and a re-read. A stream that reads as missing costs its metadata read (for a soft delete).
 *
 * Outcomes: an append that got no answer (deadline, lost reply) is looked up by its event ids; found, it succeeds
 * exactly once; not found, or acknowledged but not read back, it fails with AppendOutcomeUnknownError, which the
 * command handler retries (a late arrival and the retry cannot both land: the expected revision is concrete).
 * Every call has a deadline (deadline.ts).
 *
 * Command ids: each append first reserves its command id in a stream of its own (command-ids.ts): one more round trip.
 */
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  NO_STREAM,
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
  DeadlineExceededError,
  UnavailableError,
  type AllStreamResolvedEvent,
  type EventData,
  type JSONType,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { nextRecordedAt, seal } from '../../audit/seal';
import {
  AppendOutcomeUnknownError,
  revisionMatches,
  StoreDeadlineExceededError,
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
import { reserveCommandId } from './command-ids';
import { isTransient } from './transient';
import { classifyResolved, toEventUuid, type Classified } from './conversion';
import { collectWithin, deadlineFromConnectionString, DEFAULT_DEADLINE_MS, withinDeadline } from './deadline';
import { HeadCache, MISSING, NO_HEAD, type Head } from './head-cache';
import { decodePosition, encodePosition, isAfter, type EsdbPosition } from './positions';
import { conflictOf, toClientExpectedRevision } from './revisions';
import { iterateSubscription } from './subscription';

/** The part of the client the adapter uses (a stand-in with the same shapes can be injected in tests). */
export type EsdbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'getStreamMetadata' | 'setStreamMetadata' | 'dispose'
>;

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
  /** Deadline of every call but the live subscription, in ms. Default 10 000 (or the connection string's defaultDeadline). */
  readonly deadlineMs?: number;
  /** Stream heads remembered to skip the head read of an append. Default 10 000. */
  readonly headCacheSize?: number;
}

class BatchNotFoundError extends Error {}

/** The largest revision EventStoreDB has: a $tb of it marks a soft-deleted stream not written since. */
const SOFT_DELETED_TB = 9223372036854775807;

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

/** The revision the server gives the next event of a stream with this head. */
function firstRevisionAfter(head: Head): number {
  if (head.deleted !== undefined) return head.deleted.lastRevision + 1;
  return head.revision === 'no-stream' ? 0 : head.revision + 1;
}

/** Reservations sent at once by an append holding several commands' events (rare: one command is one append). */
const RESERVATIONS_IN_FLIGHT = 16;

/** The stream whose metadata holds the store id. */
const STORE_ID_STREAM = 'sanctions-ledger-store';

export class EsdbEventStore implements EventStore {
  readonly kind = 'esdb' as const;
  /** Recorded time never decreases along each stream; along $all it may (see verify). */
  readonly recordedTimeOrder = 'stream' as const;
  private readonly maxAppendAttempts: number;
  private readonly readPageSize: number;
  private readonly resubscribeBackoffMs: number;
  private readonly deadlineMs: number;
  private readonly heads: HeadCache;
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
    const deadlineMs = options.deadlineMs ?? deadlineFromConnectionString(connectionString);
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), { ...options, deadlineMs });
  }

  constructor(
    readonly client: EsdbClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.resubscribeBackoffMs = Math.max(1, options.resubscribeBackoffMs ?? 100);
    this.maxAppendAttempts = Math.max(1, options.maxAppendAttempts ?? 10);
    this.readPageSize = Math.max(2, options.readPageSize ?? 1024);
    this.deadlineMs = Math.max(1, options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    this.heads = new HeadCache(Math.max(0, options.headCacheSize ?? 10_000));
  }

  /** Every item of a read, within the deadline. */
  private collect<E>(operation: string, read: StreamingRead<E>, streamId?: string): Promise<E[]> {
    return collectWithin(this.deadlineMs, operation, read, streamId);
  }

  /** A unary call within the deadline. */
  private within<T>(operation: string, task: Promise<T>, streamId?: string): Promise<T> {
    return withinDeadline(this.deadlineMs, operation, task, streamId === undefined ? {} : { streamId });
  }

  /** Kept in the metadata of a well-known stream (a system event, so no reader of the log sees it). */
  async storeId(): Promise<string> {
    const read = async () =>
      (
        (await this.within('read the store id', this.client.getStreamMetadata(STORE_ID_STREAM, { deadline: this.deadlineMs })))
          .metadata as { ledgerStoreId?: string } | undefined
      )?.ledgerStoreId;
    const existing = await read();
    if (existing !== undefined) return existing;
    await this.within(
      'write the store id',
      this.client.setStreamMetadata(STORE_ID_STREAM, { ledgerStoreId: randomUUID() }, { deadline: this.deadlineMs }),
    );
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
    return this.exclusive(streamId, async () => {
      // Queued behind an append that was running when close() began: refused, never sent on a disposed client.
      this.assertOpen();
      await this.reserveCommandIds(streamId, events);
      return this.appendWithRetries(streamId, events, expected);
    });
  }

  /** One reservation per distinct command id (a command's events share one), a bounded number in flight. */
  private async reserveCommandIds(streamId: string, events: readonly EventToAppend[]): Promise<void> {
    const ids = [...new Set(events.map((e) => e.envelope.commandId))];
    const calls = { client: this.client, deadlineMs: this.deadlineMs };
    for (let at = 0; at < ids.length; at += RESERVATIONS_IN_FLIGHT) {
      await Promise.all(ids.slice(at, at + RESERVATIONS_IN_FLIGHT).map((id) => reserveCommandId(calls, id, streamId)));
    }
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
    let remembered = this.heads.get(streamId);
    for (let attempt = 1; ; attempt += 1) {
      const head =
        remembered === undefined
          ? await this.readHead(streamId)
          : remembered === MISSING
            ? await this.missingStreamHead(streamId)
            : remembered;
      const fromMemory = remembered !== undefined;
      remembered = undefined;
      if (!revisionMatches(expected, head.revision)) {
        // A remembered head may be stale: the caller is refused on the server's head only.
        if (fromMemory) continue;
        throw new WrongExpectedRevisionError(streamId, expected, head.revision);
      }
      const { toAppend } = this.sealBatch(streamId, events, head);
      const outcome = await this.send(streamId, toAppend, head, events.length);
      if (outcome.kind === 'conflict') {
        this.heads.forget(streamId);
        const retryable = expected === 'any' || expected === 'stream-exists';
        if (retryable && attempt < this.maxAppendAttempts) continue;
        throw new WrongExpectedRevisionError(streamId, expected, outcome.actual);
      }
      const result = outcome.kind === 'stored' ? outcome.result : await this.confirm(streamId, head, toAppend);
      const last = result.events[result.events.length - 1]!;
      this.heads.set(streamId, { revision: last.revision, hash: last.envelope.hash, recordedAt: last.envelope.recordedAt });
      return result;
    }
  }

  /**
   * One append request. Answered: 'acknowledged' or 'conflict'. Not answered (a lost reply, a deadline, ours or the
   * server's): the write may have committed, so it is looked up by its event ids ('stored' when found, exactly once);
   * otherwise AppendOutcomeUnknownError (StoreDeadlineExceededError for a deadline), which the caller may retry.
   */
  private async send(
    streamId: string,
    toAppend: readonly EventData[],
    head: Head,
    count: number,
  ): Promise<{ kind: 'acknowledged' } | { kind: 'stored'; result: AppendResult } | { kind: 'conflict'; actual: number | 'no-stream' }> {
    try {
      const result = await this.within(
        `append to ${streamId}`,
        this.client.appendToStream(streamId, [...toAppend], {
          // The concrete revision just read, whatever the caller asked: the hash chain depends on it. A soft-deleted
          // stream expects NO_STREAM (the server numbers on after its old last revision, as sealed).
          expectedRevision: head.deleted !== undefined ? NO_STREAM : toClientExpectedRevision(head.revision),
          requiresLeader: true,
          // Sent as an absolute time on our clock and capped by the server's write timeout: see deadline.ts.
          deadline: this.deadlineMs,
        }),
        streamId,
      );
      // Only with `throwOnAppendFailure=false` in the connection string does a conflict come back as a result.
      if (!result.success) return { kind: 'conflict', actual: (await this.readHead(streamId)).revision };
      return { kind: 'acknowledged' };
    } catch (error) {
      if (error instanceof MaxAppendSizeExceededError) {
        throw new RangeError(
          `stream ${streamId}: a batch of ${count} events exceeds the server's MaxAppendSize ` +
            `(${error.maxAppendSize} bytes). EventStoreDB writes a batch atomically only within that limit: raise ` +
            'MaxAppendSize (at most 16 MiB) or append smaller batches.',
          { cause: error },
        );
      }
      const conflict = conflictOf(error);
      if (conflict !== undefined) return { kind: 'conflict', actual: conflict.actual };
      if (!isTransient(error)) throw error;
      this.heads.forget(streamId);
      const committed = await this.committedAlready(streamId, head, toAppend).catch(() => undefined);
      if (committed !== undefined) return { kind: 'stored', result: committed };
      if (error instanceof StoreDeadlineExceededError) throw error;
      if (error instanceof DeadlineExceededError) {
        throw new StoreDeadlineExceededError(`append to ${streamId} (the server's deadline)`, this.deadlineMs, streamId, { cause: error });
      }
      throw new AppendOutcomeUnknownError(
        streamId,
        `stream ${streamId}: the append got no answer (${error instanceof Error ? error.message : String(error)}) and is not in ` +
          'the stream yet; retry by re-reading the stream (its expected revision is concrete, so only one can land)',
        false,
        { cause: error },
      );
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

  /**
   * The append is acknowledged: its read-back is retried on transient errors, the append itself never is. A read-back
   * that keeps failing is AppendOutcomeUnknownError with `committed`: a retried command finds itself by its id.
   */
  private async confirm(streamId: string, head: Head, appended: readonly EventData[]): Promise<AppendResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.readBack(streamId, head, appended);
      } catch (error) {
        if (!isTransient(error)) throw error;
        if (attempt >= 3) {
          throw new AppendOutcomeUnknownError(
            streamId,
            `stream ${streamId}: the append was recorded but could not be read back (${error instanceof Error ? error.message : String(error)})`,
            true,
            { cause: error },
          );
        }
        await sleep(this.resubscribeBackoffMs * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * The head of a stream that reads as missing: new, or soft-deleted. After a soft delete ($tb = the largest revision,
   * until the stream is written again) the server numbers a new event after the old last revision, which no stream
   * read shows, so it is taken from the old events still in $all; the chain goes on from the old last event, as verify
   * reads it along $all. A stream truncated past its end, or whose old events were scavenged, is refused by name.
   */
  private async missingStreamHead(streamId: string): Promise<Head> {
    const { metadata } = await this.within(
      `read the metadata of ${streamId}`,
      this.client.getStreamMetadata(streamId, { deadline: this.deadlineMs }),
      streamId,
    );
    const truncateBefore = metadata?.truncateBefore;
    if (truncateBefore === undefined) return NO_HEAD;
    if (typeof truncateBefore !== 'number' || truncateBefore < SOFT_DELETED_TB) {
      throw new DeletedStreamError(
        `stream ${streamId} is truncated in EventStoreDB ($tb ${String(truncateBefore)}) and reads as empty: the server ` +
          'would number a new event where no read shows it; the ledger does not append to it',
      );
    }
    const last = await this.lastEventInAll((event) => event.streamId === streamId);
    if (last === undefined) {
      throw new DeletedStreamError(
        `stream ${streamId} was deleted in EventStoreDB and its old events are gone from $all (scavenged): the revision ` +
          'the server would use is unknown, so the ledger does not append to it',
      );
    }
    if (last.kind !== 'ledger') {
      throw new DeletedStreamError(`stream ${streamId} was deleted in EventStoreDB and its last event is not a sealed ledger event`);
    }
    const { revision, envelope } = last.event;
    return { revision: 'no-stream', hash: envelope.hash, recordedAt: envelope.recordedAt, deleted: { lastRevision: revision } };
  }

  /** The stream's last event: its revision, hash and recorded time (or no stream: see missingStreamHead). */
  private async readHead(streamId: string): Promise<Head> {
    let last: ResolvedEvent[];
    try {
      last = await this.collect(
        `read the head of ${streamId}`,
        this.client.readStream(streamId, {
          direction: BACKWARDS,
          fromRevision: END,
          maxCount: 1,
          requiresLeader: true,
          deadline: this.deadlineMs,
        }),
        streamId,
      );
    } catch (error) {
      if (isStreamNotFound(error)) return this.missingStreamHead(streamId);
      throw error;
    }
    const [resolved] = last;
    if (resolved === undefined) return this.missingStreamHead(streamId);
    const event = ledgerEventOf(streamId, classifyResolved(resolved));
    return { revision: event.revision, hash: event.envelope.hash, recordedAt: event.envelope.recordedAt };
  }

  private sealBatch(
    streamId: string,
    events: readonly EventToAppend[],
    head: Head,
  ): { toAppend: EventData[]; recordedAt: string } {
    const recordedAt = nextRecordedAt(head.recordedAt);
    let revision = firstRevisionAfter(head) - 1;
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
    const first = firstRevisionAfter(head);
    const read = await this.collect(
      `read back the append to ${streamId}`,
      this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(first),
        maxCount: appended.length,
        requiresLeader: true,
        deadline: this.deadlineMs,
      }),
      streamId,
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

  /**
   * The last event of $all that `matches` (classified), read backwards page by page; undefined when none does.
   * Backwards reads from a position are taken as inclusive or exclusive alike: what is not before the cursor is skipped.
   */
  private async lastEventInAll(matches: (event: { readonly streamId: string }) => boolean): Promise<Classified | undefined> {
    let cursor: EsdbPosition | undefined;
    for (;;) {
      const page: AllStreamResolvedEvent[] = await this.collect(
        'read $all backwards',
        this.client.readAll({
          fromPosition: cursor ?? END,
          direction: BACKWARDS,
          maxCount: this.readPageSize,
          deadline: this.deadlineMs,
        }),
      );
      for (const resolved of page) {
        const raw = resolved.event?.position;
        if (raw === undefined) continue;
        if (cursor !== undefined && !isAfter(encodePosition(cursor), encodePosition(raw))) continue;
        cursor = raw;
        if (!matches(resolved.event!)) continue;
        return classifyResolved(resolved);
      }
      if (page.length < this.readPageSize) return undefined;
      this.assertOpen();
    }
  }

  /** The position of the last ledger event in $all (system and foreign events after it are skipped). */
  async headPosition(): Promise<Position | undefined> {
    this.assertOpen();
    const last = await this.lastEventInAll((event) => classifyResolved({ event } as AllStreamResolvedEvent).kind === 'ledger');
    return last?.kind === 'ledger' ? last.event.position : undefined;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    this.assertOpen();
    const backwards = options.direction === 'backwards';
    let read: ResolvedEvent[];
    try {
      read = await this.collect(
        `read ${streamId}`,
        this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
          maxCount: options.maxCount,
          deadline: this.deadlineMs,
        }),
        streamId,
      );
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      this.heads.set(streamId, MISSING);
      return [];
    }
    const events = read.map((resolved) => ledgerEventOf(streamId, classifyResolved(resolved)));
    // A read that reached the end of the stream shows its head: the next append may skip reading it (see HeadCache).
    const head = backwards
      ? options.fromRevision === undefined ? events[0] : undefined
      : options.fromRevision === undefined && options.maxCount === undefined ? events[events.length - 1] : undefined;
    if (head !== undefined) {
      this.heads.set(streamId, { revision: head.revision, hash: head.envelope.hash, recordedAt: head.envelope.recordedAt });
    }
    return events;
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
      const page: AllStreamResolvedEvent[] = await this.collect(
        'read $all',
        this.client.readAll({ fromPosition: cursor ?? START, direction: FORWARDS, maxCount: pageSize, deadline: this.deadlineMs }),
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
    const [last] = await this.collect(
      'read the end of $all',
      this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, deadline: this.deadlineMs }),
    );
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
