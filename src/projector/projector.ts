/**
 * The projector (DESIGN.md section 8): reads the global log from its checkpoints, applies the projections,
 * and writes each batch's read-model changes together with the checkpoints in ONE SQLite transaction, so a
 * crash at any point neither skips nor double-applies an event. Each read model keeps its own checkpoint, so
 * one can be dropped and rebuilt while the others stay.
 */
import Database from 'better-sqlite3';
import { EventEmitter, once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CHECKPOINTS_SCHEMA, type ReadModelName } from '../../projections/schema';
import { readRecorded } from '../commands/command-handler';
import type { EventStore, Position, RecordedEvent } from '../store/event-store';
import { SqliteLedgerQueries } from '../queries/sqlite-queries';
import { designationsReadModel } from './read-models/designations';
import { historyReadModel } from './read-models/history';
import type { ProjectedEvent, ReadModel, ReadModelWriter } from './read-models/read-model';
import { resolutionsReadModel } from './read-models/resolutions';
import { subjectsReadModel } from './read-models/subjects';

export const ALL_READ_MODELS: readonly ReadModel[] = [designationsReadModel, subjectsReadModel, resolutionsReadModel, historyReadModel];

export interface ProjectorOptions {
  /** Events per transaction when following the log. */
  readonly batchSize?: number;
}

/** Events read per page while bulk-loading. */
const BULK_PAGE = 10_000;

interface Attached {
  readonly model: ReadModel;
  writer: ReadModelWriter;
  checkpoint: Position | undefined;
}

export class ProjectorStoppedError extends Error {
  override readonly name = 'ProjectorStoppedError';
}

export class Projector {
  readonly queries: SqliteLedgerQueries;
  private readonly attached: Attached[];
  private readonly advanced = new EventEmitter();
  private readonly saveCheckpoint: Database.Statement;
  private readonly applyBatchInTransaction: Database.Transaction<(events: readonly RecordedEvent[]) => void>;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private stoppedBy: unknown;
  private loading: Promise<number> | undefined;

  static open(store: EventStore, viewsPath: string, options: ProjectorOptions = {}): Projector {
    if (viewsPath !== ':memory:') mkdirSync(dirname(viewsPath), { recursive: true });
    const db = new Database(viewsPath);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    return new Projector(store, db, options);
  }

  private constructor(
    readonly store: EventStore,
    readonly db: Database.Database,
    private readonly options: ProjectorOptions,
  ) {
    this.advanced.setMaxListeners(0);
    db.exec(CHECKPOINTS_SCHEMA);
    for (const model of ALL_READ_MODELS) db.exec(model.schema.create + model.schema.indexes);
    const readCheckpoint = db.prepare<[string], { position: string | null }>('SELECT position FROM checkpoints WHERE read_model = ?');
    this.saveCheckpoint = db.prepare(
      `INSERT INTO checkpoints (read_model, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (read_model) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    );
    this.attached = ALL_READ_MODELS.map((model) => ({
      model,
      writer: model.writer(db),
      checkpoint: (readCheckpoint.get(model.schema.name)?.position ?? undefined) as Position | undefined,
    }));
    this.applyBatchInTransaction = db.transaction((events: readonly RecordedEvent[]) => this.applyBatch(events));
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

  private applyBatch(events: readonly RecordedEvent[]): void {
    const last = events[events.length - 1]!.position;
    const now = new Date().toISOString();
    for (const recorded of events) {
      let projected: ProjectedEvent | undefined;
      for (const target of this.attached) {
        if (target.checkpoint !== undefined && recorded.position <= target.checkpoint) continue;
        projected ??= { recorded, event: readRecorded(recorded) };
        target.writer.apply(projected);
      }
    }
    for (const target of this.attached) {
      target.writer.flush?.();
      if (target.checkpoint === undefined || target.checkpoint < last) this.saveCheckpoint.run(target.model.schema.name, last, now);
    }
  }

  /** Applies a batch atomically; the in-memory checkpoints move only after the commit. */
  private commit(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    this.applyBatchInTransaction.immediate(events);
    const last = events[events.length - 1]!.position;
    for (const target of this.attached) {
      if (target.checkpoint === undefined || target.checkpoint < last) target.checkpoint = last;
    }
    this.advanced.emit('advanced');
  }

  /** Applies everything appended so far; returns how many events it read. */
  async catchUp(): Promise<number> {
    const batchSize = this.options.batchSize ?? 2000;
    let count = await this.loadEmptyReadModels();
    for (;;) {
      const page = await this.store.readAll({ after: this.position(), maxCount: batchSize });
      if (page.length === 0) return count;
      this.commit(page);
      count += page.length;
    }
  }

  /** Follows the log in the background: catch-up, then live appends, batch by batch. */
  start(): void {
    if (this.running !== undefined) return;
    this.controller = new AbortController();
    const { signal } = this.controller;
    const batchSize = this.options.batchSize ?? 2000;
    this.running = (async () => {
      await this.loadEmptyReadModels();
      let pending: RecordedEvent[] = [];
      for await (const item of this.store.subscribeToAll({ after: this.position(), signal, batchSize })) {
        if (item.kind === 'event') pending.push(item.event);
        if (item.kind === 'caught-up' || pending.length >= batchSize) {
          this.commit(pending);
          pending = [];
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
    const wasRunning = this.running !== undefined;
    await this.stop();
    const count = await this.loadExclusively(() => this.attached.filter((a) => names.includes(a.model.schema.name as ReadModelName)));
    if (wasRunning) this.start();
    return count;
  }

  /** Read models with nothing applied yet (a new views file, or after a load that crashed) are bulk-loaded. */
  private loadEmptyReadModels(): Promise<number> {
    return this.loadExclusively(() => this.attached.filter((a) => a.checkpoint === undefined));
  }

  /**
   * One bulk load at a time on this connection: a caller arriving while one runs waits for it, then picks its
   * targets (after that load, fewer read models may still be empty).
   */
  private async loadExclusively(targetsNow: () => Attached[]): Promise<number> {
    while (this.loading !== undefined) await this.loading.catch(() => undefined);
    const targets = targetsNow();
    if (targets.length === 0) return 0;
    this.loading = this.bulkLoad(targets);
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
  private async bulkLoad(targets: Attached[]): Promise<number> {
    let count = 0;
    let last: Position | undefined;
    // While loading: no fsyncs (the commit is what matters, and a crash before it leaves nothing), a page cache
    // big enough for the hot B-tree pages (64 MiB: more bought no time and the sorter threads take as much again
    // each), and sorter threads for building the indexes at the end.
    const cacheSize = this.db.pragma('cache_size', { simple: true }) as number;
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('threads = 2');
    this.db.exec('BEGIN IMMEDIATE');
    try {
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
        last = page[page.length - 1]!.position;
      }
      for (const loader of loaders) loader.finish();
      for (const target of targets) this.db.exec(target.model.schema.indexes);
      const now = new Date().toISOString();
      if (last !== undefined) for (const target of targets) this.saveCheckpoint.run(target.model.schema.name, last, now);
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
