/**
 * The projector (DESIGN.md section 8): reads the global log from its checkpoints, applies the projections,
 * and writes each batch's read-model changes together with the checkpoints in ONE SQLite transaction, so a
 * crash at any point neither skips nor double-applies an event. Each read model keeps its own checkpoint, so
 * one can be dropped and rebuilt while the others stay.
 */
import Database from 'better-sqlite3';
import { EventEmitter, once } from 'node:events';
import { CHECKPOINTS_SCHEMA, type ReadModelName } from '../../projections/schema';
import { readRecorded } from '../commands/command-handler';
import type { EventStore, Position, RecordedEvent } from '../store/event-store';
import { SqliteLedgerQueries } from '../queries/sqlite-queries';
import { designationsReadModel } from './read-models/designations';
import { historyReadModel } from './read-models/history';
import { listImportsReadModel } from './read-models/list-imports';
import type { ProjectedEvent, ReadModel, ReadModelWriter } from './read-models/read-model';
import { resolutionsReadModel } from './read-models/resolutions';
import { subjectsReadModel } from './read-models/subjects';
import { openSqliteFile } from '../store/sqlite/store-file';
import { mismatchOf, ViewsBinding, ViewsMismatchError, VIEWS_BINDING_SCHEMA } from './views-binding';
import { SLICE_MS, TimeSlice } from '../scheduling/time-slice';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

export const ALL_READ_MODELS: readonly ReadModel[] = [designationsReadModel, subjectsReadModel, resolutionsReadModel, historyReadModel, listImportsReadModel];

/**
 * Events read per page when following the log, and the most one transaction applies. A transaction holds the
 * event loop (about 150 µs an event for a list import's designations, several times that on a loaded machine):
 * 500 held it for 75-600 ms, so a transaction also ends once it has run TRANSACTION_BUDGET_MS (below).
 */
const DEFAULT_BATCH_SIZE = 500;

/**
 * How long one projection transaction applies events before it commits them and gives the loop a turn (issue 10
 * item 10); the rest of the page follows in the next transaction, checkpoints move with each commit. Flushing and
 * committing add about 5-15 ms to it: with 15 ms the loop waited 23-31 ms a turn (p50) and up to 74 ms while 8,315
 * OFAC events were followed, with 5 ms 9 ms (p50) and up to 41 ms, for about the same CPU (load 3-4).
 */
const TRANSACTION_BUDGET_MS = SLICE_MS;

export interface ProjectorOptions {
  /** Events per transaction when following the log (default DEFAULT_BATCH_SIZE). */
  readonly batchSize?: number;
  /** How messages name the store (its file or URL); default its kind. */
  readonly storeLabel?: string;
  /** How long one transaction applies events before it commits (default TRANSACTION_BUDGET_MS; 0: one event each). */
  readonly transactionBudgetMs?: number;
}

/** Events read per page while bulk-loading. */
const BULK_PAGE = 10_000;

interface Attached {
  readonly model: ReadModel;
  writer: ReadModelWriter;
  checkpoint: Position | undefined;
  /**
   * Whether it was ever loaded: it has a checkpoint row. A load of an empty log leaves the row with no position,
   * so that what is appended later (a first import) is followed in time-bounded batches instead of one bulk load.
   */
  loaded: boolean;
}

export class ProjectorStoppedError extends Error {
  override readonly name = 'ProjectorStoppedError';
}

export class Projector {
  readonly queries: SqliteLedgerQueries;
  private readonly attached: Attached[];
  private readonly advanced = new EventEmitter();
  private readonly saveCheckpoint: Database.Statement;
  private readonly applyBatchInTransaction: Database.Transaction<(events: readonly RecordedEvent[], from: number, before: Position | undefined) => number>;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private stoppedBy: unknown;
  private loading: Promise<number> | undefined;
  private readonly binding: ViewsBinding;
  private readonly readCheckpoint: Database.Statement<[string], { position: string | null }>;
  private bound: Promise<string> | undefined;
  private storeIdValue: string | undefined;

  /**
   * Opens (creating it if needed) the views file. A path that is a directory, or a file that is not a SQLite
   * database or cannot be written, throws StoreFileError naming the file.
   */
  static open(store: EventStore, viewsPath: string, options: ProjectorOptions = {}): Projector {
    const db = openSqliteFile(viewsPath, { what: 'views' }, (opened) => {
      // First, so that a second projector opening the same file waits for the first one's lock (item 13).
      opened.pragma('busy_timeout = 10000');
      opened.pragma('journal_mode = WAL');
      opened.pragma('synchronous = NORMAL');
      opened.exec(CHECKPOINTS_SCHEMA + VIEWS_BINDING_SCHEMA);
      for (const model of ALL_READ_MODELS) opened.exec(model.schema.create + model.schema.indexes);
    });
    return new Projector(store, db, viewsPath, options);
  }

  private constructor(
    readonly store: EventStore,
    readonly db: Database.Database,
    private readonly viewsPath: string,
    private readonly options: ProjectorOptions,
  ) {
    this.advanced.setMaxListeners(0);
    this.binding = new ViewsBinding(db);
    const readCheckpoint = db.prepare<[string], { position: string | null }>('SELECT position FROM checkpoints WHERE read_model = ?');
    this.saveCheckpoint = db.prepare(
      `INSERT INTO checkpoints (read_model, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (read_model) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    );
    this.readCheckpoint = readCheckpoint;
    this.attached = ALL_READ_MODELS.map((model) => {
      const row = readCheckpoint.get(model.schema.name);
      return { model, writer: model.writer(db), checkpoint: (row?.position ?? undefined) as Position | undefined, loaded: row !== undefined };
    });
    this.applyBatchInTransaction = db.transaction((events: readonly RecordedEvent[], from: number, before: Position | undefined) => this.applyBatch(events, from, before));
    this.queries = new SqliteLedgerQueries(db);
  }

  /** Why background following stopped, if it failed (undefined while healthy). */
  failure(): unknown {
    return this.stoppedBy;
  }

  /** The position every read model has reached (the least advanced one). */
  position(): Position | undefined {
    let least: Position | undefined;
    for (const { checkpoint } of this.attached) {
      if (checkpoint === undefined) return undefined;
      if (least === undefined || checkpoint < least) least = checkpoint;
    }
    return least;
  }

  checkpoints(): Record<string, Position | undefined> {
    return Object.fromEntries(this.attached.map((a) => [a.model.schema.name, a.checkpoint]));
  }

  /**
   * Checks once, before the first read, that the views file was built from this store's log (DESIGN.md section 8,
   * issue 10 item 3); a views file from before bindings is adopted. Resolves with the store id.
   */
  bindToStore(): Promise<string> {
    this.bound ??= (async () => {
      const storeId = await this.store.storeId();
      const problem = await mismatchOf(this.store, storeId, this.binding.current());
      if (problem !== undefined) {
        this.bound = undefined;
        const ledger = this.options.storeLabel ?? `the ${this.store.kind} store`;
        throw new ViewsMismatchError(
          `views file ${this.viewsPath} does not match ledger ${ledger}: ${problem}; ` +
            `rebuild it from this ledger (sanctions-ledger rebuild with the same --db and --views) or point --views at the views file of this ledger`,
        );
      }
      if (this.binding.current() === undefined) this.db.transaction(() => this.binding.adopt(storeId)).immediate();
      this.storeIdValue = storeId;
      return storeId;
    })();
    return this.bound;
  }

  /**
   * Inside the write lock (BEGIN IMMEDIATE): applies events from `from` on (`before` is the position before
   * events[from]) until TRANSACTION_BUDGET_MS have passed, at least one, and returns where it stopped. It re-reads
   * every checkpoint first, since another process projecting into the same views file may have applied some of
   * these events meanwhile (issue 10 item 13); those are skipped.
   */
  private applyBatch(events: readonly RecordedEvent[], from: number, before: Position | undefined): number {
    const started = performance.now();
    const now = new Date().toISOString();
    for (const target of this.attached) {
      const stored = (this.readCheckpoint.get(target.model.schema.name)?.position ?? undefined) as Position | undefined;
      if (stored !== undefined && (target.checkpoint === undefined || stored > target.checkpoint)) target.checkpoint = stored;
    }
    if (this.attached.every((t) => t.checkpoint !== undefined && t.checkpoint >= events[events.length - 1]!.position)) return events.length;
    let end = from;
    const budgetMs = this.options.transactionBudgetMs ?? TRANSACTION_BUDGET_MS;
    while (end < events.length && (end === from || performance.now() - started < budgetMs)) {
      const recorded = events[end]!;
      end += 1;
      let projected: ProjectedEvent | undefined;
      for (const target of this.attached) {
        if (target.checkpoint !== undefined && recorded.position <= target.checkpoint) continue;
        projected ??= { recorded, event: readRecorded(recorded) };
        target.writer.apply(projected);
      }
    }
    const applied = events.slice(from, end);
    const last = applied[applied.length - 1]!.position;
    this.binding.record(this.storeIdValue!, before, applied);
    for (const target of this.attached) {
      target.writer.flush?.();
      if (target.checkpoint === undefined || target.checkpoint < last) this.saveCheckpoint.run(target.model.schema.name, last, now);
    }
    return end;
  }

  /**
   * Applies a page atomically per transaction, in as many transactions as the budget asks, with a turn of the
   * event loop between them; the in-memory checkpoints move only after each commit.
   */
  private async commit(events: readonly RecordedEvent[], before: Position | undefined): Promise<void> {
    for (let from = 0; from < events.length; ) {
      if (from > 0) await nextTurn();
      const end = this.applyBatchInTransaction.immediate(events, from, from === 0 ? before : events[from - 1]!.position);
      const last = events[end - 1]!.position;
      for (const target of this.attached) {
        if (target.checkpoint === undefined || target.checkpoint < last) target.checkpoint = last;
      }
      this.advanced.emit('advanced');
      from = end;
    }
  }

  /** Applies everything appended so far; returns how many events it read. */
  async catchUp(): Promise<number> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    await this.bindToStore();
    let count = await this.loadEmptyReadModels();
    const slice = new TimeSlice();
    for (;;) {
      if (slice.spent) await slice.next();
      const after = this.position();
      const page = await this.store.readAll({ after, maxCount: batchSize });
      if (page.length === 0) return count;
      await this.commit(page, after);
      count += page.length;
    }
  }

  /** Follows the log in the background: catch-up, then live appends, batch by batch. */
  start(): void {
    if (this.running !== undefined) return;
    this.controller = new AbortController();
    const { signal } = this.controller;
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.running = (async () => {
      await this.bindToStore();
      await this.loadEmptyReadModels();
      let pending: RecordedEvent[] = [];
      let before = this.position();
      const slice = new TimeSlice();
      for await (const item of this.store.subscribeToAll({ after: before, signal, batchSize })) {
        if (item.kind === 'event') pending.push(item.event);
        if (item.kind === 'caught-up' || pending.length >= batchSize) {
          await this.commit(pending, before);
          before = pending[pending.length - 1]?.position ?? before;
          pending = [];
          if (slice.spent) await slice.next();
        }
      }
      // Stopping: what was read but not committed is simply read again after the checkpoint next time.
    })().catch((error: unknown) => {
      this.stoppedBy = error;
      this.advanced.emit('advanced');
    });
  }

  /** Stops following after the current batch; the checkpoints stay consistent with the read models. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = undefined;
    this.controller = undefined;
  }

  /** Resolves once every read model has applied the event at `position` (read-your-writes). */
  async waitFor(position: Position, timeoutMs = 5000): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    for (;;) {
      if (this.stoppedBy !== undefined) throw this.stoppedBy;
      const reached = this.position();
      if (reached !== undefined && reached >= position) return;
      if (this.running === undefined) {
        await this.catchUp();
        continue;
      }
      try {
        await once(this.advanced, 'advanced', { signal: deadline });
      } catch {
        throw new Error(`projector did not reach position ${position} within ${timeoutMs} ms (at ${reached ?? 'start'})`);
      }
    }
  }

  /** Drops the named read models (all by default) and loads them again from the whole log. */
  async rebuild(names: readonly ReadModelName[] = this.attached.map((a) => a.model.schema.name as ReadModelName)): Promise<number> {
    const unknown = names.filter((n) => !this.attached.some((a) => a.model.schema.name === n));
    if (unknown.length > 0) throw new Error(`unknown read model(s): ${unknown.join(', ')}`);
    const all = this.attached.every((a) => names.includes(a.model.schema.name as ReadModelName));
    // Rebuilding everything is how a views file of another ledger is made this ledger's; a part needs a match.
    if (all) this.storeIdValue = await this.store.storeId();
    else await this.bindToStore();
    const wasRunning = this.running !== undefined;
    await this.stop();
    const count = await this.loadExclusively(() => this.attached.filter((a) => names.includes(a.model.schema.name as ReadModelName)), true);
    if (all) this.bound = Promise.resolve(this.storeIdValue!);
    if (wasRunning) this.start();
    return count;
  }

  /** Read models never loaded (a new views file, or after a load that crashed) are bulk-loaded. */
  private loadEmptyReadModels(): Promise<number> {
    return this.loadExclusively(() => this.attached.filter((a) => !a.loaded), false);
  }

  /**
   * One bulk load at a time on this connection: a caller arriving while one runs waits for it, then picks its
   * targets (after that load, fewer read models may still be empty).
   */
  private async loadExclusively(targetsNow: () => Attached[], rebuilding: boolean): Promise<number> {
    while (this.loading !== undefined) await this.loading.catch(() => undefined);
    const targets = targetsNow();
    if (targets.length === 0) return 0;
    this.loading = this.bulkLoad(targets, rebuilding);
    try {
      return await this.loading;
    } finally {
      this.loading = undefined;
    }
  }

  /**
   * Empties the targets and loads them from the whole log with their bulk loaders, in ONE transaction: inserts
   * only, secondary indexes built once at the end, the checkpoints written last. Until it commits, readers keep
   * seeing the read models as they were; a crash rolls it all back, and the next projector simply loads again.
   */
  private async bulkLoad(targets: Attached[], rebuilding: boolean): Promise<number> {
    let count = 0;
    let last: Position | undefined;
    // While loading: no fsyncs (the commit is what matters, and a crash before it leaves nothing), a page cache
    // big enough for the hot B-tree pages (64 MiB: more bought no time and the sorter threads take as much again
    // each), and sorter threads for building the indexes at the end.
    const cacheSize = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('threads = 2');
    let before: Position | undefined;
    let lastEvent: RecordedEvent | undefined;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      // Another process may have loaded them while this one waited for the lock: then there is nothing to do.
      if (!rebuilding) targets = targets.filter((t) => this.readCheckpoint.get(t.model.schema.name) === undefined);
      if (targets.length === 0) {
        this.db.exec('ROLLBACK');
        for (const target of this.attached) {
          const row = this.readCheckpoint.get(target.model.schema.name);
          target.checkpoint = (row?.position ?? undefined) as Position | undefined;
          target.loaded = row !== undefined;
        }
        return 0;
      }
      for (const target of targets) this.emptyReadModel(target.model);
      const loaders = targets.map((t) => t.model.bulkLoader(this.db));
      for (;;) {
        const page = await this.store.readAll({ after: last, maxCount: BULK_PAGE });
        if (page.length === 0) break;
        for (const recorded of page) {
          const projected: ProjectedEvent = { recorded, event: readRecorded(recorded) };
          for (const loader of loaders) loader.apply(projected);
        }
        count += page.length;
        before = page.length > 1 ? page[page.length - 2]!.position : last;
        lastEvent = page[page.length - 1]!;
        last = lastEvent.position;
      }
      for (const loader of loaders) loader.finish();
      for (const target of targets) this.db.exec(target.model.schema.indexes);
      const now = new Date().toISOString();
      // An empty log leaves a row with no position: loaded, nothing applied yet.
      for (const target of targets) this.saveCheckpoint.run(target.model.schema.name, last ?? null, now);
      if (rebuilding || this.attached.every((a) => targets.includes(a))) this.binding.record(this.storeIdValue!, before, lastEvent === undefined ? [] : [lastEvent]);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma(`cache_size = ${cacheSize}`);
      this.db.pragma('threads = 0');
    }
    for (const target of targets) {
      target.writer = target.model.writer(this.db);
      target.checkpoint = last;
      target.loaded = true;
    }
    // The load went through the write-ahead log: fold it into the database and give its space back.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.pragma('analysis_limit = 1000');
    this.db.exec('ANALYZE');
    if (last !== undefined) this.advanced.emit('advanced');
    return count;
  }

  /** Drops a read model's tables and creates them empty, without secondary indexes, and forgets its checkpoint. */
  private emptyReadModel(model: ReadModel): void {
    for (const table of model.schema.tables) this.db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.db.exec(model.schema.create);
    this.db.prepare('DELETE FROM checkpoints WHERE read_model = ?').run(model.schema.name);
  }

  async close(): Promise<void> {
    await this.stop();
    // Keeps the planner's statistics fresh for read models that only ever grew incrementally (SQLite's advice).
    this.db.pragma('optimize');
    this.db.close();
  }
}
