/**
 * A stand-in for the part of @eventstore/db-client 6.2.1's `EventStoreDBClient` that the adapter uses
 * (appendToStream, readStream, readAll, subscribeToAll, dispose), with the real client's value shapes: bigint
 * revisions, `{ commit, prepare }` positions, Node object streams with `cancel()` / `unsubscribe()`, the package's
 * own error classes raised where the real client raises them (a missing stream while iterating, a conflict on
 * append). It keeps one in-memory log shared by every store built over it, so two store instances over one stand-in
 * are two writer processes on one server.
 *
 * Faults (each a field a test sets, one job each):
 * - `holdAppend(stream)`: the next append to that stream is sealed and sent but does not arrive until released;
 * - `failAfterCommit`: the next N appends are committed, then the call fails (UnavailableError, as a lost reply);
 * - `dropSubscriptions(error)`: every live subscription fails with `error` (a leader election, a network blip);
 * - `endReadsEarlyAfter`: the next $all read ends without error after that many events (a cancelled call);
 * - `serverVersion`: before 22.6 stream reads carry commit = prepare = 2^64-1 (the server's "no position");
 *   before 23.10 a subscription never sends CaughtUp; from 23.10 on it never sends FellBehind.
 * - `softDelete(stream)`: the stream reads as not found; the next append numbers after the old last revision and, as
 *   the server does, sets the stream's $tb to that first new revision;
 * - `hangNextAppend`: the next append never replies, either before it reaches the log or after it committed;
 * - `failStreamReads`: the next N stream reads fail with UnavailableError (a lost connection);
 * - `failReadBacks`: the next N forward stream reads from a given revision (the adapter's read-backs) fail so;
 * - `hangNextRead`: the next read of a stream or of $all never ends (a stalled call).
 * `calls` counts requests per client method (the bench's round trips per append; `deadlines` the deadlines sent).
 */
import { PassThrough, Readable } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { COMMAND_ID_STREAM_PREFIX } from '../../../src/store/esdb/command-ids';

export type ServerVersion = '21.10' | '22.10' | '23.10' | '24.10';

function atLeast(version: ServerVersion, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map(Number) as [number, number];
  return a > major || (a === major && b >= minor);
}

const U64_MAX = (1n << 64n) - 1n;

interface Stored {
  readonly streamId: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position: Position;
  readonly created: Date;
}

interface StreamState {
  last: bigint;
  /** Revisions below this are hidden (a soft delete); undefined when never deleted. */
  hiddenBefore?: bigint;
}

interface LiveSubscription {
  readonly stream: PassThrough & { unsubscribe(): Promise<void> };
  readonly after: Position | undefined;
}

function after(a: Position, b: Position | undefined): boolean {
  return b === undefined || a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
}

function atOrAfter(a: Position, b: Position): boolean {
  return a.commit > b.commit || (a.commit === b.commit && a.prepare >= b.prepare);
}

/** A Node object stream with `cancel()`, the shape of the client's StreamingRead. */
function streamingRead<E>(items: readonly E[], failWith?: Error): Readable & { cancel(): Promise<void> } {
  const readable = new Readable({ objectMode: true, read() {} });
  queueMicrotask(() => {
    if (failWith !== undefined) {
      readable.destroy(failWith);
      return;
    }
    for (const item of items) readable.push(item);
    readable.push(null);
  });
  return Object.assign(readable, { cancel: async () => void readable.destroy() });
}

/** A read that never sends anything nor ends (until cancelled), as a stalled call does. */
function stalledRead(): Readable & { cancel(): Promise<void> } {
  const readable = new Readable({ objectMode: true, read() {} });
  return Object.assign(readable, { cancel: async () => void readable.destroy() });
}

export class StandInEsdbClient {
  serverVersion: ServerVersion = '24.10';
  failAfterCommit = 0;
  /** What the call fails with after the commit (a lost reply or the client's deadline). */
  failAfterCommitWith: () => Error = () => new UnavailableError(undefined, 'connection lost after the write was sent');
  endReadsEarlyAfter: number | undefined;
  hangNextAppend: 'before-commit' | 'after-commit' | undefined;
  failStreamReads = 0;
  failReadBacks = 0;
  hangNextRead = false;
  /** Requests per client method, in the order they reached the stand-in. */
  readonly calls: Record<string, number> = {};
  /** The `deadline` option of every request that carried one (the subscription's is open-ended). */
  readonly deadlines: Array<number | undefined> = [];
  /** Calls that reached the client after dispose() (the real one would reopen its channel for them). */
  callsAfterDispose = 0;
  /** Every append call that reached the server, in arrival order (command id reservations apart: below). */
  readonly appendCalls: string[] = [];
  /**
   * Appends to the adapter's command id reservation streams (src/store/esdb/command-ids.ts). The fault knobs above
   * (hangNextAppend, failAfterCommit) act on the ledger's own appends; these have their own.
   */
  readonly reservationCalls: string[] = [];
  /** Reservation appends that commit and then lose their reply. */
  failReservationsAfterCommit = 0;
  private readonly log: Stored[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly held = new Map<string, { release: () => void; arrived: Promise<void>; reach: () => void }>();
  private readonly live = new Set<LiveSubscription>();
  private readonly metadata = new Map<string, Record<string, unknown>>();
  private nextPosition = 100n;
  private disposed = false;

  constructor() {
    // The server writes system events of its own into $all.
    this.record('$stats-127.0.0.1:2113', '$statsCollected', { cpu: 1 }, undefined, '8d6e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6');
  }

  /** The next append to `streamId` waits, already sealed and sent, until `release()`; `reached` says it was sent. */
  holdAppend(streamId: string): { readonly release: () => void; readonly reached: Promise<void> } {
    let release!: () => void;
    let reach!: () => void;
    const arrived = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reached = new Promise<void>((resolve) => {
      reach = resolve;
    });
    this.held.set(streamId, { release, arrived, reach });
    return { release, reached };
  }

  /** Requests sent so far, over every method (a concurrent pair counts two). */
  totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  private arrive(method: string, options?: { deadline?: number }): void {
    if (this.disposed) this.callsAfterDispose += 1;
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    if (method !== 'subscribeToAll') this.deadlines.push(options?.deadline);
  }

  dropSubscriptions(error: Error): void {
    for (const subscription of this.live) {
      this.live.delete(subscription);
      subscription.stream.destroy(error);
    }
  }

  softDelete(streamId: string): void {
    const state = this.streams.get(streamId);
    if (state !== undefined) state.hiddenBefore = state.last + 1n;
    // The server marks a soft-deleted stream with $tb = long.MaxValue until it is written again.
    this.metadata.set(streamId, { truncateBefore: 9223372036854775807 });
  }

  async getStreamMetadata(
    streamName: string,
    options: { deadline?: number } = {},
  ): Promise<{ streamName: string; metadata?: Record<string, unknown> }> {
    this.arrive('getStreamMetadata', options);
    const metadata = this.metadata.get(streamName);
    return metadata === undefined ? { streamName } : { streamName, metadata };
  }

  async setStreamMetadata(streamName: string, metadata: Record<string, unknown>, options: { deadline?: number } = {}): Promise<AppendResult> {
    this.arrive('setStreamMetadata', options);
    this.metadata.set(streamName, metadata);
    const stored = this.record(`$$${streamName}`, '$metadata', metadata, undefined, '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b');
    return { success: true, nextExpectedRevision: stored.revision, position: stored.position };
  }

  /** The events as the log holds them (for assertions on what was really written). */
  storedEvents(streamId?: string): readonly Stored[] {
    return this.log.filter((e) => streamId === undefined || e.streamId === streamId);
  }

  liveSubscriptions(): number {
    return this.live.size;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options: { expectedRevision?: AppendExpectedRevision; deadline?: number; requiresLeader?: boolean } = {},
  ): Promise<AppendResult> {
    this.arrive('appendToStream', options);
    const batch = Array.isArray(events) ? events : [events];
    // The adapter's command id reservations are appends like any other, with their own call list and fault knob:
    // the other knobs act on the ledger's own appends.
    const reservation = streamName.startsWith(COMMAND_ID_STREAM_PREFIX);
    const hold = this.held.get(streamName);
    if (hold !== undefined) {
      this.held.delete(streamName);
      hold.reach();
      await hold.arrived;
    }
    if (!reservation && this.hangNextAppend === 'before-commit') {
      this.hangNextAppend = undefined;
      return new Promise<never>(() => undefined);
    }
    (reservation ? this.reservationCalls : this.appendCalls).push(streamName);
    const result = this.commit(streamName, batch, options.expectedRevision ?? ANY);
    if (reservation) {
      if (this.failReservationsAfterCommit > 0) {
        this.failReservationsAfterCommit -= 1;
        throw new UnavailableError(undefined, 'connection lost after the reservation was sent');
      }
      return result;
    }
    if (this.hangNextAppend === 'after-commit') {
      this.hangNextAppend = undefined;
      return new Promise<never>(() => undefined);
    }
    if (this.failAfterCommit > 0) {
      this.failAfterCommit -= 1;
      throw this.failAfterCommitWith();
    }
    return result;
  }

  /** The server's side of an append: the expected revision, idempotence, the numbering after a soft delete. */
  private commit(streamName: string, batch: readonly EventData[], expected: AppendExpectedRevision): AppendResult {
    const state = this.streams.get(streamName);
    const visible = state !== undefined && (state.hiddenBefore === undefined || state.last >= state.hiddenBefore);
    const current = visible ? state.last : NO_STREAM;
    // Idempotence as the server checks it: the same ids right after the expected revision are a repeat.
    if (typeof expected === 'bigint' && state !== undefined) {
      const repeat = batch.map((e, i) => this.log.find((s) => s.streamId === streamName && s.revision === expected + 1n + BigInt(i)));
      if (repeat.every((s, i) => s !== undefined && s.id === batch[i]!.id)) {
        const last = repeat[repeat.length - 1]!;
        return { success: true, nextExpectedRevision: last.revision, position: last.position };
      }
    }
    const matches =
      expected === ANY ||
      (expected === NO_STREAM && current === NO_STREAM) ||
      (expected === STREAM_EXISTS && current !== NO_STREAM) ||
      (typeof expected === 'bigint' && current === expected);
    if (!matches) {
      throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    }
    let last: Stored | undefined;
    const wasSoftDeleted = state?.hiddenBefore !== undefined && !visible;
    for (const event of batch) {
      // After a soft delete the server numbers on from the old last revision, not from 0.
      const known = this.streams.get(streamName);
      const revision = known === undefined ? 0n : known.last + 1n;
      last = this.record(streamName, event.type, event.data, event.metadata, event.id, revision);
    }
    if (wasSoftDeleted) this.metadata.set(streamName, { truncateBefore: Number(state.hiddenBefore) });
    return { success: true, nextExpectedRevision: last!.revision, position: last!.position };
  }

  readStream(
    streamName: string,
    options: { fromRevision?: typeof START | typeof END | bigint; direction?: string; maxCount?: number | bigint; deadline?: number } = {},
  ): Readable & { cancel(): Promise<void> } {
    this.arrive('readStream', options);
    if (this.hangNextRead) {
      this.hangNextRead = false;
      return stalledRead();
    }
    const readBack = typeof options.fromRevision === 'bigint' && options.direction !== BACKWARDS;
    if (this.failStreamReads > 0 || (readBack && this.failReadBacks > 0)) {
      if (this.failStreamReads > 0) this.failStreamReads -= 1;
      else this.failReadBacks -= 1;
      return streamingRead<ResolvedEvent>([], new UnavailableError(undefined, 'connection lost during the read'));
    }
    const state = this.streams.get(streamName);
    const hiddenBefore = state?.hiddenBefore ?? 0n;
    const events = this.log.filter((e) => e.streamId === streamName && e.revision >= hiddenBefore);
    if (events.length === 0) return streamingRead<ResolvedEvent>([], new StreamNotFoundError(undefined, streamName));
    const backwards = options.direction === BACKWARDS;
    const from = options.fromRevision ?? (backwards ? END : START);
    let selected = backwards ? [...events].reverse() : events;
    if (typeof from === 'bigint') selected = selected.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
    const max = options.maxCount === undefined ? selected.length : Number(options.maxCount);
    return streamingRead(selected.slice(0, max).map((e) => this.resolved(e, this.streamReadPosition(e))));
  }

  readAll(
    options: { fromPosition?: typeof START | typeof END | Position; direction?: string; maxCount?: number | bigint; deadline?: number } = {},
  ): Readable & { cancel(): Promise<void> } {
    this.arrive('readAll', options);
    if (this.hangNextRead) {
      this.hangNextRead = false;
      return stalledRead();
    }
    const backwards = options.direction === BACKWARDS;
    const from = options.fromPosition ?? (backwards ? END : START);
    let selected = backwards ? [...this.log].reverse() : this.log;
    if (typeof from === 'object') {
      selected = selected.filter((e) => (backwards ? atOrAfter(from, e.position) : atOrAfter(e.position, from)));
    }
    let max = options.maxCount === undefined ? selected.length : Number(options.maxCount);
    if (this.endReadsEarlyAfter !== undefined) {
      max = Math.min(max, this.endReadsEarlyAfter);
      this.endReadsEarlyAfter = undefined;
    }
    return streamingRead<AllStreamResolvedEvent>(
      selected.slice(0, max).map((e) => this.allEvent(e)),
    );
  }

  subscribeToAll(options: { fromPosition?: typeof START | typeof END | Position; filter?: unknown } = {}) {
    this.arrive('subscribeToAll');
    const stream = Object.assign(new PassThrough({ objectMode: true }), {
      unsubscribe: async () => {
        this.live.delete(subscription);
        stream.end();
      },
    });
    const from = options.fromPosition;
    const start = typeof from === 'object' ? from : undefined;
    const subscription: LiveSubscription = { stream, after: start };
    queueMicrotask(() => {
      for (const event of this.log) {
        if (from === END) break;
        if (after(event.position, start) && !event.streamId.startsWith('$')) stream.write(this.allEvent(event));
      }
      // CaughtUp exists from 23.10 on only (FellBehind is never sent from 23.10 on, and never before it here).
      if (atLeast(this.serverVersion, 23, 10)) stream.emit('caughtUp');
      this.live.add(subscription);
    });
    return stream;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of this.live) subscription.stream.end();
    this.live.clear();
  }

  private record(streamId: string, type: string, data: unknown, metadata: unknown, id: string, revision = 0n): Stored {
    const position = { commit: this.nextPosition, prepare: this.nextPosition };
    this.nextPosition += 100n;
    // JSON in, JSON out, as over the wire.
    const stored: Stored = {
      streamId,
      revision,
      id,
      type,
      data: JSON.parse(JSON.stringify(data ?? null)),
      metadata: metadata === undefined ? undefined : JSON.parse(JSON.stringify(metadata)),
      position,
      created: new Date(),
    };
    this.log.push(stored);
    const state = this.streams.get(streamId);
    if (state === undefined) this.streams.set(streamId, { last: revision });
    else state.last = revision;
    for (const subscription of this.live) {
      if (!streamId.startsWith('$')) subscription.stream.write(this.allEvent(stored));
    }
    return stored;
  }

  private streamReadPosition(event: Stored): Position {
    // Before 22.6 the server has no position for stream reads and sends the u64 maximum (the client never says undefined).
    return !atLeast(this.serverVersion, 22, 6) ? { commit: U64_MAX, prepare: U64_MAX } : event.position;
  }

  private resolved(event: Stored, position: Position): ResolvedEvent {
    return {
      event: {
        streamId: event.streamId,
        id: event.id,
        isJson: true,
        revision: event.revision,
        type: event.type,
        created: event.created,
        data: event.data as never,
        metadata: event.metadata as never,
        position,
      },
    } as ResolvedEvent;
  }

  private allEvent(event: Stored): AllStreamResolvedEvent {
    return { ...this.resolved(event, event.position), commitPosition: event.position.commit } as AllStreamResolvedEvent;
  }
}

/** The stand-in typed as the client surface the adapter takes (its methods have the client's names and shapes). */
export function asEsdbClient(standIn: StandInEsdbClient): import('../../../src/store/esdb/esdb-event-store').EsdbClient {
  return standIn as unknown as import('../../../src/store/esdb/esdb-event-store').EsdbClient;
}
