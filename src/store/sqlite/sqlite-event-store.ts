/**
 * The embedded event store: one SQLite file in WAL mode (DESIGN.md section 7). Appends run in an IMMEDIATE
 * transaction, so the revision check, the chain's previous hash, the recorded time and the insert are one
 * atomic step even with several processes writing the same file.
 */
import Database from 'better-sqlite3';
import { EventEmitter, once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENESIS_HASH, type Envelope } from '../../../events';
import { nextRecordedAt, seal } from '../../audit/seal';
import {
  CorruptStoredEventError,
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
  type StreamAppend,
  type SubscriptionItem,
} from '../event-store';
import { fromPosition, toPosition } from './positions';
import { EVENT_STORE_SCHEMA } from './schema';

/**
 * A row of EVENT_COLUMNS as an array: statements run in raw mode, because for pages of thousands of events
 * building a named-property object per row cost more than reading it.
 */
type EventRow = [position: number, streamId: string, revision: number, type: string, data: string, envelope: string];
const EVENT_COLUMNS = 'position, stream_id, revision, type, data, envelope';

export interface SqliteEventStoreOptions {
  /** How often a live subscription looks for events appended by other processes. */
  readonly pollIntervalMs?: number;
  /** The clock recorded times come from; tests and simulations replace it to record "in the past". */
  readonly clock?: () => Date;
}

/**
 * A stored event whose JSON is parsed on first access: reading the log (for positions, stream ids, types)
 * does not pay for parsing data nobody looks at, and an unparsable event surfaces as CorruptStoredEventError
 * with its position when its content is actually read.
 */
class StoredEvent implements RecordedEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly position: Position;
  readonly type: string;
  private parsedData: unknown;
  private parsedEnvelope: Envelope | undefined;

  constructor(private readonly row: EventRow) {
    this.position = toPosition(row[0]);
    this.streamId = row[1];
    this.revision = row[2];
    this.type = row[3];
  }

  get data(): unknown {
    if (this.parsedData === undefined) this.parsedData = this.parse(this.row[4]);
    return this.parsedData;
  }

  get envelope(): Envelope {
    if (this.parsedEnvelope === undefined) this.parsedEnvelope = this.parse(this.row[5]) as Envelope;
    return this.parsedEnvelope;
  }

  private parse(json: string): unknown {
    try {
      return JSON.parse(json) as unknown;
    } catch (cause) {
      throw new CorruptStoredEventError(this.position, this.streamId, this.revision, cause);
    }
  }

  /** Plain-object form, so spreading, JSON and test equality see the fields. */
  toJSON() {
    const { streamId, revision, position, type, data, envelope } = this;
    return { streamId, revision, position, type, data, envelope };
  }
}

const toRecorded = (row: EventRow): RecordedEvent => new StoredEvent(row);

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly appended = new EventEmitter();
  private readonly statements;
  private closed = false;

  /** Opens (and creates if needed) the store at `path`; `:memory:` gives a private in-memory store. */
  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against process crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.pragma('cache_size = -65536'); // 64 MiB of page cache: the stream-revision index stays in memory
    db.exec(EVENT_STORE_SCHEMA);
    return new SqliteEventStore(db, options);
  }

  private constructor(
    readonly db: Database.Database,
    private readonly options: SqliteEventStoreOptions,
  ) {
    this.appended.setMaxListeners(0);
    this.statements = {
      head: db.prepare<[string], { revision: number; last_hash: string }>(
        'SELECT revision, last_hash FROM streams WHERE stream_id = ?',
      ),
      lastRecordedAt: db
        .prepare<[], { recorded_at: string }>('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1'),
      insert: db.prepare(
        `INSERT INTO events (stream_id, revision, event_id, type, data, envelope, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertHead: db.prepare(
        `INSERT INTO streams (stream_id, revision, last_hash) VALUES (?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`,
      ),
      forwards: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
        )
        .raw(true),
      backwards: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(true),
      all: db
        .prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`)
        .raw(true),
      streams: db.prepare<[], { stream_id: string; revision: number; last_hash: string }>(
        'SELECT stream_id, revision, last_hash FROM streams ORDER BY stream_id',
      ),
    };
    // One transaction, one recorded instant: everything appended together was recorded together.
    this.appendManyTransaction = db.transaction((appends: readonly StreamAppend[]) => {
      const recordedAt = this.recordedNow();
      return appends.map((a) => this.appendInTransaction(a.streamId, a.events, a.expectedRevision ?? 'any', recordedAt));
    });
  }

  private readonly appendManyTransaction: Database.Transaction<(appends: readonly StreamAppend[]) => AppendResult[]>;

  /** Inside a write transaction: now, or the last recorded time if the clock stepped back. */
  private recordedNow(): string {
    return nextRecordedAt(this.statements.lastRecordedAt.get()?.recorded_at, this.options.clock?.() ?? new Date());
  }

  private appendInTransaction(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    recordedAt: string,
  ): AppendResult {
    const head = this.statements.head.get(streamId);
    const actual = head === undefined ? 'no-stream' : head.revision;
    if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(streamId, expected, actual);
    let revision = head === undefined ? -1 : head.revision;
    let prevHash = head === undefined ? GENESIS_HASH : head.last_hash;
    const recorded: RecordedEvent[] = [];
    for (const event of events) {
      revision += 1;
      const { envelope, dataJson, envelopeJson } = seal(streamId, revision, event.type, event.data, event.envelope, recordedAt, prevHash);
      const info = this.statements.insert.run(streamId, revision, envelope.eventId, event.type, dataJson, envelopeJson, recordedAt);
      recorded.push({
        streamId,
        revision,
        position: toPosition(Number(info.lastInsertRowid)),
        type: event.type,
        data: event.data,
        envelope,
      });
      prevHash = envelope.hash;
    }
    this.statements.upsertHead.run(streamId, revision, prevHash);
    const last = recorded[recorded.length - 1]!;
    return { nextExpectedRevision: revision, position: last.position, events: recorded };
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: { readonly expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const [result] = await this.appendMany([{ streamId, events, expectedRevision: options.expectedRevision ?? 'any' }]);
    return result!;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.some((a) => a.events.length === 0)) throw new RangeError('appendMany needs at least one event per stream');
    const results = this.appendManyTransaction.immediate(appends);
    this.appended.emit('appended');
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const rows =
      options.direction === 'backwards'
        ? this.statements.backwards.all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount)
        : this.statements.forwards.all(streamId, options.fromRevision ?? 0, maxCount);
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options);
  }

  private readAllSync(options: ReadAllOptions): RecordedEvent[] {
    const maxCount = options.maxCount ?? 1000;
    return this.statements.all.all(fromPosition(options.after), maxCount).map(toRecorded);
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionItem> {
    const { signal } = options;
    const batchSize = options.batchSize ?? 1000;
    const pollIntervalMs = this.options.pollIntervalMs ?? 25;
    let after = options.after;
    let caughtUpReported = false;
    while (!signal?.aborted && !this.closed) {
      const batch = this.readAllSync({ after, maxCount: batchSize });
      for (const event of batch) {
        yield { kind: 'event', event };
        after = event.position;
        if (signal?.aborted) return;
      }
      if (batch.length === batchSize) continue;
      if (batch.length > 0 || !caughtUpReported) {
        caughtUpReported = true;
        yield { kind: 'caught-up', position: after };
      }
      // Wait only after a read that found nothing: events appended while the consumer was busy are read at once.
      if (batch.length === 0) await this.waitForAppend(pollIntervalMs, signal);
    }
  }

  /** Wakes on an append in this process at once, and polls for other processes' appends. */
  private async waitForAppend(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await once(this.appended, 'appended', { signal: controller.signal });
    } catch {
      // timeout or abort: either way the caller looks again
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async *listStreams(): AsyncIterable<string> {
    for (const row of this.statements.streams.iterate()) yield row.stream_id;
  }

  async streamHead(streamId: string) {
    const head = this.statements.head.get(streamId);
    return head === undefined ? undefined : { revision: head.revision, lastHash: head.last_hash };
  }

  async *streamHeads() {
    for (const row of this.statements.streams.iterate()) {
      yield { streamId: row.stream_id, revision: row.revision, lastHash: row.last_hash };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.emit('appended');
    this.db.close();
  }
}

export type { Position };
