/**
 * Command handling (DESIGN.md section 5): validate, load the stream, decide, append with the expected
 * revision; on a conflict re-read and re-decide a bounded number of times. Idempotent by command id: a command
 * already in its stream returns the first result and appends nothing. Command ids are unique across the ledger:
 * the store refuses an id first used in another stream (CommandIdInUseError), answered as `command-id-reused`.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { catalogue, decodeEvent, fieldErrors, readStoredEvent, strictFieldErrors, type LedgerEvent } from '../../events';
import { canonicalJson } from '../audit/canonical-json';
import { foldEvents, refuse, type Decider } from '../domain/decider';
import {
  AppendOutcomeUnknownError,
  CommandIdInUseError,
  WrongExpectedRevisionError,
  type EventStore,
  type ExpectedRevision,
  type EventToAppend,
  type RecordedEvent,
} from '../store/event-store';
import { commandCatalogue, isCommandType, type CommandType } from './command-catalogue';
import { TimeSlice } from '../scheduling/time-slice';
import { CommandMetadata } from './metadata';
import { invalid, type CommandAccepted, type CommandFailure } from './outcomes';

export interface CommandInput {
  readonly type: string;
  readonly data: unknown;
}

export interface CommandHandlerOptions {
  /** Re-reads and re-decisions after a concurrency conflict before giving up. */
  readonly maxRetries?: number;
}

/** A stored event the catalogue cannot read means a damaged store: stop rather than decide on a guess. */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
}

export function decodeRecorded(event: RecordedEvent): LedgerEvent {
  const decoded = decodeEvent(event.type, event.envelope.schemaVersion, event.data);
  if (E.isLeft(decoded)) {
    throw new UnreadableEventError(`${event.streamId}@${event.revision}: ${decoded.left.message}`);
  }
  return decoded.right;
}

/** The trusted read of an event this ledger stored (see readStoredEvent): for projections and feeds. */
export function readRecorded(event: RecordedEvent): LedgerEvent {
  const read = readStoredEvent(event.type, event.envelope.schemaVersion, event.data);
  if (E.isLeft(read)) throw new UnreadableEventError(`${event.streamId}@${event.revision}: ${read.left.message}`);
  return read.right;
}

/** Path of the first Infinity or NaN inside a value, walked without recursion (input may nest deeply). */
function nonFinitePath(value: unknown, root: string): string | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  const seen = new Set<object>();
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, path] = item;
    if (typeof node === 'number' && !Number.isFinite(node)) return path === '' ? '(root)' : path;
    if (typeof node === 'object' && node !== null && !seen.has(node)) {
      seen.add(node);
      for (const [key, child] of Object.entries(node)) {
        // Keys come from the input: quoted (control characters escaped) unless plain, so messages stay one line.
        const segment = /^[\w$-]+$/.test(key) ? key : JSON.stringify(key);
        stack.push([child, path === '' ? segment : `${path}.${segment}`]);
      }
    }
  }
  return undefined;
}

/**
 * What "the same command" means for idempotency: the same type and the same decoded data (canonical JSON, so key
 * order does not matter). The source and the correlation and causation ids are not part of it: a retry may carry
 * a fresh retrieval time or trace id, and imports re-run a file under the ids they derive from it.
 */
export function commandHashOf(type: string, data: unknown): string {
  return createHash('sha256').update(canonicalJson({ type, data })).digest('hex');
}

/** The refusal of a command whose id the store found bound to another stream (and, in a batch, which one it was). */
function idInUse(error: CommandIdInUseError, batch: readonly CommandAccepted[] = []): BatchFailure {
  const index = Math.max(0, batch.findIndex((r) => r.commandId === error.commandId && r.streamId === error.streamId));
  const message = `command id "${error.commandId}" was first used in ${error.boundTo} for another command; a new command needs a new id`;
  return { index, failure: { kind: 'rule-violation', rule: 'command-id-reused', field: 'commandId', message } };
}

/** Which command of a batch failed, and why; nothing of the batch was appended. */
export interface BatchFailure {
  readonly index: number;
  readonly failure: CommandFailure;
}

interface PendingStream {
  readonly streamId: string;
  readonly recorded: readonly RecordedEvent[];
  state: unknown;
  readonly expectedRevision: ExpectedRevision;
  readonly toAppend: EventToAppend[];
}

export class CommandHandler {
  private readonly maxRetries: number;

  constructor(
    private readonly store: EventStore,
    options: CommandHandlerOptions = {},
  ) {
    this.maxRetries = options.maxRetries ?? 5;
  }

  /** True when handleAll records a batch all or nothing (the store has multi-stream transactions). */
  get atomicBatches(): boolean {
    return this.store.appendMany !== undefined;
  }

  async handle(command: CommandInput, metadata: unknown): Promise<E.Either<CommandFailure, CommandAccepted>> {
    const valid = this.validate(command, metadata);
    return E.isLeft(valid) ? valid : this.run(valid.right.type, valid.right.data, valid.right.metadata);
  }

  /**
   * Decides every command, then appends all their events in ONE atomic step (all or none) where the store
   * offers multi-stream appends; otherwise one command at a time, stopping at the first failure. Commands on
   * the same stream are decided in order, each on the state the earlier ones leave. An importer uses this so
   * that a file is recorded whole or not at all.
   */
  async handleAll(commands: ReadonlyArray<{ readonly command: CommandInput; readonly metadata: unknown }>): Promise<E.Either<BatchFailure, CommandAccepted[]>> {
    if (this.store.appendMany === undefined) return this.handleOneByOne(commands);
    for (let attempt = 1; attempt <= this.maxRetries + 1; attempt++) {
      const decided = await this.decideAll(commands);
      if (E.isLeft(decided)) return decided;
      const { streams, results } = decided.right;
      const appends = [...streams.values()].filter((s) => s.toAppend.length > 0);
      try {
        const appended = appends.length === 0 ? [] : await this.store.appendMany(appends.map((s) => ({ streamId: s.streamId, events: s.toAppend, expectedRevision: s.expectedRevision })));
        const byEventId = new Map(appended.flatMap((r) => r.events.map((e) => [e.envelope.eventId, e] as const)));
        return E.right(results.map((r) => (r.status === 'duplicate' ? { ...r, attempts: attempt } : { ...r, attempts: attempt, events: r.events.map((e) => byEventId.get(e.envelope.eventId)!) })));
      } catch (error) {
        if (error instanceof CommandIdInUseError) return E.left(idInUse(error, results));
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
    return E.left({ index: 0, failure: { kind: 'conflict', streamId: '(batch)', attempts: this.maxRetries + 1, message: `the batch kept conflicting with other writers after ${this.maxRetries + 1} attempts` } });
  }

  private async handleOneByOne(commands: ReadonlyArray<{ readonly command: CommandInput; readonly metadata: unknown }>): Promise<E.Either<BatchFailure, CommandAccepted[]>> {
    const results: CommandAccepted[] = [];
    for (const [index, { command, metadata }] of commands.entries()) {
      const result = await this.handle(command, metadata);
      if (E.isLeft(result)) return E.left({ index, failure: result.left });
      results.push(result.right);
    }
    return E.right(results);
  }

  /** Decides the whole batch against the streams as they are now; appends nothing. */
  private async decideAll(commands: ReadonlyArray<{ readonly command: CommandInput; readonly metadata: unknown }>) {
    const streams = new Map<string, PendingStream>();
    const results: CommandAccepted[] = [];
    // A batch is a whole list file (8,000 commands for OFAC's SDN set): decided at once it held the service's
    // event loop for 0.7 s. Deciding in slices changes nothing: the append still checks every stream's revision.
    const slice = new TimeSlice();
    for (const [index, { command, metadata }] of commands.entries()) {
      if (slice.spent) await slice.next();
      const valid = this.validate(command, metadata);
      if (E.isLeft(valid)) return E.left<BatchFailure>({ index, failure: valid.left });
      const { type, data } = valid.right;
      const spec = commandCatalogue[type];
      const streamId = spec.streamOf(data as never);
      const commandId = valid.right.metadata.commandId ?? randomUUID();
      let stream = streams.get(streamId);
      if (stream === undefined) {
        stream = await this.openStream(streamId, spec.decider);
        streams.set(streamId, stream);
      }
      const decided = this.decideOn(stream, spec.decider, type, data, commandId, valid.right.metadata);
      if (E.isLeft(decided)) return E.left<BatchFailure>({ index, failure: decided.left });
      if (decided.right.duplicateOf !== undefined) {
        results.push({ status: 'duplicate', commandId, streamId, attempts: 1, events: decided.right.duplicateOf });
        continue;
      }
      // Placeholders until the append returns them sealed, matched by event id.
      results.push({ status: 'accepted', commandId, streamId, attempts: 1, events: decided.right.appended.map((e) => ({ envelope: { eventId: e.envelope.eventId } }) as RecordedEvent) });
    }
    return E.right({ streams, results });
  }

  private validate(command: CommandInput, metadata: unknown): E.Either<CommandFailure, { type: CommandType; data: unknown; metadata: CommandMetadata }> {
    if (!isCommandType(command.type)) {
      return E.left(
        invalid([{ path: 'type', expected: `one of ${Object.keys(commandCatalogue).join(', ')}`, actual: JSON.stringify(command.type) ?? 'nothing' }]),
      );
    }
    const spec = commandCatalogue[command.type];
    const data = spec.codec.decode(command.data);
    if (E.isLeft(data)) return E.left(invalid(fieldErrors(data.left), 'data'));
    const meta = CommandMetadata.decode(metadata);
    if (E.isLeft(meta)) return E.left(invalid(fieldErrors(meta.left)));
    // Fields the codec does not name would be dropped silently by t.exact: refuse them, with their path.
    const excess = [...strictFieldErrors(spec.codec, command.data, 'data'), ...strictFieldErrors(CommandMetadata, metadata)];
    if (excess.length > 0) return E.left(invalid(excess));
    // JSON.parse turns 1e999 into Infinity: refuse here what the
    // append could not serialise (it would throw mid-append instead of answering invalid-command).
    const unstorable = nonFinitePath(command.data, 'data') ?? nonFinitePath(metadata, '');
    if (unstorable !== undefined) {
      return E.left(invalid([{ path: unstorable, expected: 'a finite number (JSON has no Infinity or NaN)', actual: 'a number out of range' }]));
    }
    return E.right({ type: command.type, data: data.right, metadata: meta.right });
  }

  private async run(type: CommandType, data: unknown, metadata: CommandMetadata): Promise<E.Either<CommandFailure, CommandAccepted>> {
    const spec = commandCatalogue[type];
    const streamId = spec.streamOf(data as never);
    const commandId = metadata.commandId ?? randomUUID();
    // Set when an append of THIS call may have landed without an answer: finding the command then is our own append.
    let unknownOutcome: AppendOutcomeUnknownError | undefined;
    for (let attempt = 1; attempt <= this.maxRetries + 1; attempt++) {
      const stream = await this.openStream(streamId, spec.decider);
      const decided = this.decideOn(stream, spec.decider, type, data, commandId, metadata);
      if (E.isLeft(decided)) return decided;
      if (decided.right.duplicateOf !== undefined) {
        const status = unknownOutcome !== undefined ? 'accepted' : 'duplicate';
        return E.right({ status, commandId, streamId, attempts: attempt, events: decided.right.duplicateOf });
      }
      try {
        const result = await this.store.appendToStream(streamId, stream.toAppend, { expectedRevision: stream.expectedRevision });
        return E.right({ status: 'accepted', commandId, streamId, attempts: attempt, events: result.events });
      } catch (error) {
        // An unanswered append (a deadline, a lost reply) is retried like a conflict: the re-read finds it by the
        // command id if it landed, and the concrete expected revision lets only one of the two land.
        if (error instanceof CommandIdInUseError) return E.left(idInUse(error).failure);
        if (error instanceof AppendOutcomeUnknownError) unknownOutcome = error;
        else if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // Another writer got there first: the loop re-reads and decides again on the new state.
      }
    }
    if (unknownOutcome !== undefined) throw unknownOutcome;
    return E.left({
      kind: 'conflict',
      streamId,
      attempts: this.maxRetries + 1,
      message: `stream ${streamId} kept changing: still conflicting after ${this.maxRetries + 1} attempts`,
    });
  }

  /** A stream as it is now: its events, the decider's state from them, nothing pending yet. */
  private async openStream(streamId: string, decider: Decider<unknown, LedgerEvent, unknown>): Promise<PendingStream> {
    const recorded = await this.store.readStream(streamId);
    const last = recorded[recorded.length - 1];
    return {
      streamId,
      recorded,
      state: foldEvents(decider, recorded.map(decodeRecorded)),
      expectedRevision: last === undefined ? 'no-stream' : last.revision,
      toAppend: [],
    };
  }

  /**
   * Decides one command on the stream's current state (recorded plus pending events): a command id already in
   * the stream is a duplicate; otherwise its events are enveloped, added to the pending ones and folded in.
   */
  private decideOn(
    stream: PendingStream,
    decider: Decider<unknown, LedgerEvent, unknown>,
    type: CommandType,
    data: unknown,
    commandId: string,
    metadata: CommandMetadata,
  ): E.Either<CommandFailure, { duplicateOf?: RecordedEvent[]; appended: EventToAppend[] }> {
    const commandHash = commandHashOf(type, data);
    const earlier = stream.recorded.filter((e) => e.envelope.commandId === commandId);
    const pending = stream.toAppend.filter((e) => e.envelope.commandId === commandId);
    const first = earlier[0]?.envelope ?? pending[0]?.envelope;
    if (first !== undefined) {
      // Events recorded before commandHash existed cannot be compared: they stay plain duplicates, as before.
      if (first.commandHash !== undefined && first.commandHash !== commandHash) {
        return refuse(
          'command-id-reused',
          'commandId',
          `command id "${commandId}" was first used in ${stream.streamId} for a different command; a retry must send the same type and data, a new command needs a new id`,
        );
      }
      return E.right({ duplicateOf: earlier, appended: [] });
    }
    const decision = decider.decide({ type, data }, stream.state) as E.Either<CommandFailure, readonly LedgerEvent[]>;
    if (E.isLeft(decision)) return decision;
    const appended = decision.right.map((event) => this.envelop(event, commandId, commandHash, metadata));
    stream.state = decision.right.reduce(decider.evolve, stream.state);
    stream.toAppend.push(...appended);
    return E.right({ appended });
  }

  private envelop(event: LedgerEvent, commandId: string, commandHash: string, metadata: CommandMetadata): EventToAppend {
    return {
      type: event.type,
      data: event.data,
      envelope: {
        eventId: randomUUID(),
        schemaVersion: catalogue.currentVersion[event.type],
        actor: metadata.actor,
        source: metadata.source,
        commandId,
        correlationId: metadata.correlationId ?? commandId,
        causationId: metadata.causationId ?? commandId,
        commandHash,
      } as EventToAppend['envelope'],
    };
  }
}
