/**
 * The embedded event store: one SQLite file in WAL mode (DESIGN.md section 7). Appends run in an IMMEDIATE
 * transaction, so the revision check, the chain's previous hash, the recorded time and the insert are one
 * atomic step even with several processes writing the same file.
 */
import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../../events';
import { TimeSlice } from '../../scheduling/time-slice';
import {
  CorruptStoredEventError,
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
import { AppendNotifier } from './append-notifier';
import { AppendThread } from './append-thread';
import { AppendWriter } from './append-writer';
import { tuneLedgerConnection } from './ledger-connection';
import { fromPosition, toPosition } from './positions';
import { COMMAND_IDS_BACKFILL, EVENT_STORE_SCHEMA, STORE_META_SCHEMA } from './schema';
import { recordedResults, serialiseAppends } from './serialised-appends';
import { openSqliteFile } from './store-file';

/**
 * A row of EVENT_COLUMNS as an array: statements run in raw mode, because for pages of thousands of events
 * building a named-property object per row cost more than reading it.
 */
type EventRow = [position: number, streamId: string, revision: number, type: string, data: string, envelope: string];
const EVENT_COLUMNS = 'position, stream_id, revision, type, data, envelope';

/**
 * A LIMIT taken from a parameter. The SQLite in better-sqlite3 12 (3.53) lets the planner look at the value of a
 * bare `LIMIT ?` (sqlite3ExprIsInteger), and a statement whose plan looked at a parameter is compiled again each
 * time that parameter is bound: at every read. Behind a CAST the limit is an expression the planner leaves alone;
 * reading a stream, which the command path does for every command, became about four times faster.
 */
const BOUND_LIMIT = 'CAST(? AS INTEGER)';

export interface SqliteEventStoreOptions {
  /** How often a live subscription looks for events appended by other processes. */
  readonly pollIntervalMs?: number;
  /** The clock recorded times come from; tests and simulations replace it to record "in the past". */
  readonly clock?: () => Date;
  /** Refuse a file that does not exist instead of creating an empty store (reads, verify). */
  readonly mustExist?: boolean;
  /**
   * Appends of at least this many events run on the append thread (append-thread.ts) instead of this thread;
   * default APPEND_THREAD_MIN_EVENTS. An in-memory store has no file to share and appends everything here.
   */
  readonly appendThreadMinEvents?: number;
}

/**
 * Below this an append runs on the store's own thread: sealing and inserting cost about 50 µs an event, so 200
 * hold the loop about 10 ms, while handing an append to the thread costs a round trip and, the first time, the
 * thread's start (0.4-1 s, off the loop but in the append's latency).
 */
export const APPEND_THREAD_MIN_EVENTS = 200;

/**
 * A stored event whose JSON is parsed on first access: reading the log (for positions, stream ids, types)
 * does not pay for parsing data nobody looks at, and an unparsable event surfaces as CorruptStoredEventError
 * with its position when its content is actually read.
 *
 * It keeps only what it needs from its row: a page of thousands of events is often still referenced while the
 * next one is read, so everything it holds is copied by the young-generation GC, which was most of the time of
 * reading the log. It formats its position when asked: a reader paging through the log needs only the last one
 * of each page, and formatting them all up front made reading about a third slower.
 */
class StoredEvent implements RecordedEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  private readonly rowNumber: number;
  private readonly dataJson: string;
  private readonly envelopeJson: string;
  private formattedPosition: Position | undefined;
  private parsedData: unknown;
  private parsedEnvelope: Envelope | undefined;

  constructor(row: EventRow) {
    this.rowNumber = row[0];
    this.streamId = row[1];
    this.revision = row[2];
    this.type = row[3];
    this.dataJson = row[4];
    this.envelopeJson = row[5];
  }

  get position(): Position {
    if (this.formattedPosition === undefined) this.formattedPosition = toPosition(this.rowNumber);
    return this.formattedPosition;
  }

  get data(): unknown {
    if (this.parsedData === undefined) this.parsedData = this.parse(this.dataJson);
    return this.parsedData;
  }

  get envelope(): Envelope {
    if (this.parsedEnvelope === undefined) this.parsedEnvelope = this.parse(this.envelopeJson) as Envelope;
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

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly appended = new EventEmitter();
  private readonly statements;
  private readonly writer: AppendWriter;
  /** Large appends' thread; undefined for an in-memory store. */
  private readonly thread: AppendThread | undefined;
  /**
   * Appends run one after another, in call order: a small one never waits inside SQLite (busy_timeout, which
   * would hold the event loop) for the write lock that the append thread holds for this same store.
   */
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Opens (and creates if needed) the store at `path`; `:memory:` gives a private in-memory store. */
  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    const db = openSqliteFile(path, { what: 'ledger', mustExist: options.mustExist === true }, (opened) => {
      tuneLedgerConnection(opened);
      opened.pragma('journal_mode = WAL');
      // The schema and the store id in one transaction: a store never exists without its id. A store created
      // before store ids gets one at its first open.
      opened.transaction(() => {
        opened.exec(EVENT_STORE_SCHEMA + STORE_META_SCHEMA);
        opened.prepare("INSERT OR IGNORE INTO store_meta (key, value) VALUES ('store_id', ?)").run(randomUUID());
        if (opened.prepare("SELECT 1 FROM store_meta WHERE key = 'command_ids'").get() === undefined) opened.exec(COMMAND_IDS_BACKFILL);
      }).immediate();
    });
    return new SqliteEventStore(db, options, path === ':memory:' || path === '' ? undefined : new AppendThread(path));
  }

  async storeId(): Promise<string> {
    return this.db.prepare<[], { value: string }>("SELECT value FROM store_meta WHERE key = 'store_id'").get()!.value;
  }

  private constructor(
    readonly db: Database.Database,
    private readonly options: SqliteEventStoreOptions,
    thread: AppendThread | undefined,
  ) {
    this.appended.setMaxListeners(0);
    this.writer = new AppendWriter(db);
    this.thread = thread;
    this.statements = {
      head: db.prepare<[string], { revision: number; last_hash: string }>(
        'SELECT revision, last_hash FROM streams WHERE stream_id = ?',
      ),
      forwards: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ${BOUND_LIMIT}`,
        )
        .raw(true),
      backwards: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ${BOUND_LIMIT}`,
        )
        .raw(true),
      all: db
        .prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ${BOUND_LIMIT}`)
        .raw(true),
      streams: db.prepare<[], { stream_id: string; revision: number; last_hash: string }>(
        'SELECT stream_id, revision, last_hash FROM streams ORDER BY stream_id',
      ),
    };
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
    const count = appends.reduce((sum, a) => sum + a.events.length, 0);
    const onThread = this.thread !== undefined && count >= (this.options.appendThreadMinEvents ?? APPEND_THREAD_MIN_EVENTS);
    const written = this.writes.then(() => (onThread ? this.appendOnThread(appends) : this.appendHere(appends)));
    this.writes = written.catch(() => undefined);
    const results = await written;
    this.appended.emit('appended');
    return results;
  }

  private async appendHere(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const serialised = await serialiseAppends(appends);
    return recordedResults(appends, this.writer.write(serialised, this.options.clock?.()));
  }

  /** On the append thread; what stays here (serialising, copying, building the results) runs in time slices. */
  private async appendOnThread(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const thread = this.thread!;
    thread.warmUp();
    const slice = new TimeSlice();
    const serialised = await serialiseAppends(appends, slice);
    const written = await thread.write(serialised, this.options.clock?.(), slice);
    return recordedResults(appends, written, slice);
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

  async headPosition(): Promise<Position | undefined> {
    const head = this.headRow();
    return head === 0 ? undefined : toPosition(head);
  }

  /** The last row number of the log (0: empty); one index lookup. */
  private headRow(): number {
    this.headStatement ??= this.db.prepare<[], { position: number | null }>('SELECT max(position) AS position FROM events');
    return this.headStatement.get()?.position ?? 0;
  }

  private headStatement: Database.Statement<[], { position: number | null }> | undefined;
  private appendNotifier: AppendNotifier | undefined;

  /** The one notifier all of this store's live subscriptions wait on (append-notifier.ts). */
  get notifier(): AppendNotifier {
    if (this.appendNotifier === undefined) {
      const notifier = new AppendNotifier(() => (this.closed ? 0 : this.headRow()), this.options.pollIntervalMs ?? 25);
      this.appended.on('appended', () => notifier.notify());
      this.appendNotifier = notifier;
    }
    return this.appendNotifier;
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<SubscriptionItem> {
    const { signal } = options;
    const batchSize = options.batchSize ?? 1000;
    let after = options.after;
    let caughtUpReported = false;
    while (!signal?.aborted && !this.closed) {
      const batch = this.readAllSync({ after, maxCount: batchSize });
      for (const event of batch) {
        yield { kind: 'event', event };
        after = event.position;
        if (signal?.aborted) return;
      }
      // A full page means more to catch up: let the event loop run (other requests, /health) before the next.
      if (batch.length === batchSize) {
        await yieldToEventLoop();
        continue;
      }
      if (batch.length > 0 || !caughtUpReported) {
        caughtUpReported = true;
        yield { kind: 'caught-up', position: after };
      }
      // Wait only after a read that found nothing: events appended while the consumer was busy are read at once.
      if (batch.length === 0) await this.notifier.wait(signal);
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
    await this.writes;
    await this.thread?.close();
    this.db.close();
  }
}

export type { Position };
