/**
 * The event-store port (DESIGN.md section 7). Every adapter passes the one contract suite in test/contract.
 * Events are stored raw (type, schema version, JSON data, envelope); decoding into domain events and
 * upcasting happen above the port, so old versions stay readable whatever the store.
 */
import type { Envelope, EnvelopeInput } from '../../events';

/**
 * An opaque position in the global log. Each adapter encodes it as a fixed-width string whose lexicographic
 * order is log order, so it can travel through JSON, SSE ids and Kafka headers without bigint trouble.
 */
export type Position = string & { readonly __position: unique symbol };

export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number;

export interface EventToAppend {
  readonly type: string;
  readonly data: unknown;
  readonly envelope: EnvelopeInput;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision?: ExpectedRevision;
}

export interface RecordedEvent {
  readonly streamId: string;
  /** 0-based position of the event inside its stream. */
  readonly revision: number;
  readonly position: Position;
  readonly type: string;
  readonly data: unknown;
  readonly envelope: Envelope;
}

export interface AppendResult {
  /** The revision of the stream's last event, to pass as `expectedRevision` next time. */
  readonly nextExpectedRevision: number;
  readonly position: Position;
  readonly events: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive; forwards defaults to the start, backwards to the end. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omitted means from the beginning. */
  readonly after?: Position;
  readonly maxCount?: number;
}

export type SubscriptionItem =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** Emitted once each time the subscriber has read everything appended so far. */
  | { readonly kind: 'caught-up'; readonly position: Position | undefined };

export interface SubscribeOptions {
  readonly after?: Position;
  /** Stop the subscription; the iterator then ends without error. */
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'esdb';
  /**
   * Along what recorded time never decreases: 'log' (the default: one global write lock, SQLite) or 'stream' (no
   * global lock, EventStoreDB: writers arrive in any order, so only each stream's own events are in time order).
   */
  readonly recordedTimeOrder?: 'log' | 'stream';
  /**
   * A random id created with the store and kept as long as it lives: read models record it, so a views file is
   * never read against another ledger's log (a mistyped path, a replaced file).
   */
  storeId(): Promise<string>;
  /**
   * Appends all events or none; the store seals each one (recorded time and hash chain). Command ids are unique
   * across the ledger (DESIGN.md section 5): an event whose `commandId` was first recorded in another stream fails
   * the append with CommandIdInUseError, and nothing of it is appended. One command's events share its id, in
   * one stream, over as many appends as it takes.
   */
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: { readonly expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Appends to several streams in ONE atomic step: all or none, each with its expected revision. Stores that
   * cannot (EventStoreDB has no multi-stream transactions) leave it undefined and callers append stream by stream.
   * Command ids are checked as by appendToStream, across the whole step: one id on two of its streams fails it.
   */
  appendMany?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Returns [] for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the global log, in order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The position of the last event in the log (undefined: empty), where the store can tell cheaply. */
  headPosition?(): Promise<Position | undefined>;
  /**
   * True while a live subscription has lost its server and is reconnecting (EventStoreDB: a leader election, a
   * network blip). Readiness reports it; the subscription itself resumes without a gap or a duplicate.
   */
  isSubscriptionDown?(): boolean;
  /** Catch-up then live: every event after `after`, in order, then new ones as they are appended. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionItem>;
  /** Names of every stream with at least one event. */
  listStreams(): AsyncIterable<string>;
  /**
   * The head the store itself keeps for a stream, where it keeps one apart from the events (SQLite does):
   * verify compares it with the events so that removing a stream's last event is detected too.
   */
  streamHead?(streamId: string): Promise<{ readonly revision: number; readonly lastHash: string } | undefined>;
  /** Every stream head the store keeps (see streamHead). */
  streamHeads?(): AsyncIterable<{ readonly streamId: string; readonly revision: number; readonly lastHash: string }>;
  close(): Promise<void>;
}

/** Thrown when the stream is not at the expected revision; retryable by re-reading and re-deciding. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no-stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * An append carried a command id already bound to another stream (see appendToStream). Not retryable as such: the
 * command handler answers it as the rule `command-id-reused` (a new command needs a new id).
 */
export class CommandIdInUseError extends Error {
  override readonly name = 'CommandIdInUseError';
  constructor(
    readonly commandId: string,
    /** Where the id was first used. */
    readonly boundTo: string,
    /** Where this append wanted to use it. */
    readonly streamId: string,
  ) {
    super(`command id "${commandId}" was first used in ${boundTo}; ${streamId} cannot record another command under it`);
  }
}

/**
 * The store could not say in time whether an append was recorded, or recorded it and could not read it back. Safe
 * to retry by re-reading and re-deciding: every append carries a concrete expected revision, so a late arrival and
 * the retry cannot both land, and a command already in its stream is found by its id (idempotency).
 */
export class AppendOutcomeUnknownError extends Error {
  override readonly name: string = 'AppendOutcomeUnknownError';
  constructor(
    readonly streamId: string,
    message: string,
    /** True when the server acknowledged the append (only its read-back failed). */
    readonly committed: boolean,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A store call that got no answer within its deadline (for an append, the outcome is unknown: see the base class). */
export class StoreDeadlineExceededError extends AppendOutcomeUnknownError {
  override readonly name = 'StoreDeadlineExceededError';
  constructor(
    readonly operation: string,
    readonly deadlineMs: number,
    streamId = '',
    options?: { readonly cause?: unknown },
  ) {
    super(streamId, `${operation}: no answer within the ${deadlineMs} ms deadline`, false, options);
  }
}

/** A stored event that can no longer be read (its bytes were damaged): verify reports it as altered. */
export class CorruptStoredEventError extends Error {
  override readonly name = 'CorruptStoredEventError';
  constructor(
    readonly position: Position,
    readonly streamId: string,
    readonly revision: number,
    cause: unknown,
  ) {
    super(`stored event ${streamId}@${revision} at position ${position} cannot be read: ${String(cause)}`);
  }
}

export function revisionMatches(expected: ExpectedRevision, actual: number | 'no-stream'): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no-stream':
      return actual === 'no-stream';
    case 'stream-exists':
      return actual !== 'no-stream';
    default:
      return actual === expected;
  }
}
