/**
 * Screening workers for batches (parallel-batch.ts), over one views file. The threads start with the first batch
 * that asks for them and keep their index (each its own, about +53 MB and 1.5 s to build from the views file) for
 * the batches after it, kept current by replacing changed subjects as the service's is. While nothing is in
 * flight they do not keep the process alive; `idleMs` after the last batch they end, which frees their memory.
 */
import { Worker } from 'node:worker_threads';
import type { BatchPlan } from '../basis';
import type { RawLine } from '../input';
import type { ChunkAnswers, FromBatchWorker, ToBatchWorker } from './protocol';

const WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);

interface Call {
  readonly resolve: (answers: ChunkAnswers) => void;
  readonly reject: (error: Error) => void;
}

/** One thread and what it was asked and has not answered yet. */
class PoolWorker {
  readonly thread: Worker;
  readonly calls = new Map<string, Call>();
  /** Per batch: the position it read when preparing (false: preparing failed), once it answered. */
  readonly prepared = new Map<number, string | null | false>();
  readonly preparing = new Map<number, () => void>();
  /** Per batch: how long its prepare took on the thread (reading the views and bringing the index to the position). */
  readonly prepareMs = new Map<number, number>();
  alive = true;

  constructor(viewsPath: string) {
    this.thread = new Worker(WORKER_URL, { workerData: { viewsPath } });
    this.thread.unref();
    this.thread.on('message', (message: FromBatchWorker) => this.received(message));
    this.thread.on('error', (error) => this.ended(`failed: ${error.message}`));
    this.thread.on('exit', (code) => this.ended(`exited (code ${code})`));
  }

  post(message: ToBatchWorker): void {
    this.thread.postMessage(message);
  }

  /** In flight: this thread's answers are awaited, so it keeps the process alive. */
  busy(): void {
    this.thread.ref();
  }

  idle(): void {
    if (this.calls.size === 0 && this.preparing.size === 0) this.thread.unref();
  }

  private received(message: FromBatchWorker): void {
    if (message.kind === 'ready') {
      this.prepared.set(message.batch, message.at);
      this.prepareMs.set(message.batch, message.ms);
      this.preparing.get(message.batch)?.();
      this.preparing.delete(message.batch);
    } else if (message.chunk !== undefined) {
      const key = `${message.batch}:${message.chunk}`;
      const call = this.calls.get(key);
      this.calls.delete(key);
      if (message.kind === 'answers') call?.resolve(message.answers);
      else call?.reject(new Error(`screening worker: ${message.message}`));
    } else {
      // A prepare that failed: the worker holds nothing for the batch.
      this.prepared.set(message.batch, false);
      this.preparing.get(message.batch)?.();
      this.preparing.delete(message.batch);
    }
    this.idle();
  }

  private ended(how: string): void {
    if (!this.alive) return;
    this.alive = false;
    for (const call of this.calls.values()) call.reject(new Error(`the screening worker ${how}`));
    this.calls.clear();
    for (const done of this.preparing.values()) done();
    this.preparing.clear();
  }
}

/** One batch's use of the pool: the workers that hold the index at its position. */
export interface WorkerBatch {
  /** The workers ready for this batch (prepared at its position, alive), in a fixed order. */
  ready(): readonly PoolWorker[];
  /** Chunks sent to `worker` and not answered yet. */
  inFlight(worker: PoolWorker): number;
  screen(worker: PoolWorker, lines: readonly RawLine[]): Promise<ChunkAnswers>;
  /** Resolves once every worker has answered its prepare (ready, at another position, or gone). */
  settled(): Promise<void>;
  /** The ms each worker's prepare took on its thread, once answered. */
  prepareMs(): readonly number[];
  end(): void;
}
export type { PoolWorker };

export class BatchWorkerPool {
  private workers: PoolWorker[] = [];
  private nextBatch = 1;
  private open = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly viewsPath: string,
    readonly size: number,
    private readonly idleMs = 60_000,
  ) {}

  /** Whether its threads are running (their index then only needs the changes since their last batch). */
  get warm(): boolean {
    return this.workers.some((w) => w.alive);
  }

  /** Starts the threads that are not running, so that they load while the caller prepares its batch. */
  warmUp(): void {
    clearTimeout(this.idleTimer);
    this.workers = this.workers.filter((w) => w.alive);
    while (this.workers.length < this.size) this.workers.push(new PoolWorker(this.viewsPath));
  }

  /** Asks every worker (starting those not running) for the index at `position`, for one batch. */
  batch(position: string | null, plan: BatchPlan): WorkerBatch {
    this.warmUp();
    const id = this.nextBatch++;
    const workers = [...this.workers];
    const inFlight = new Map<PoolWorker, number>();
    let chunk = 0;
    let ended = false;
    const settled = Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((done) => {
            worker.preparing.set(id, done);
            worker.busy();
            worker.post({ kind: 'prepare', batch: id, position, plan });
          }),
      ),
    ).then(() => undefined);
    this.open += 1;
    return {
      ready: () => workers.filter((w) => w.alive && w.prepared.has(id) && w.prepared.get(id) === position),
      inFlight: (worker) => inFlight.get(worker) ?? 0,
      screen: (worker, lines) => {
        const number = chunk++;
        inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1);
        const answered = new Promise<ChunkAnswers>((resolve, reject) => {
          worker.calls.set(`${id}:${number}`, { resolve, reject });
        });
        worker.busy();
        worker.post({ kind: 'screen', batch: id, chunk: number, lines });
        return answered.finally(() => inFlight.set(worker, (inFlight.get(worker) ?? 1) - 1));
      },
      settled: () => settled,
      prepareMs: () => workers.flatMap((w) => (w.prepareMs.has(id) ? [w.prepareMs.get(id)!] : [])),
      end: () => {
        if (ended) return;
        ended = true;
        for (const worker of workers) {
          worker.prepared.delete(id);
          worker.prepareMs.delete(id);
          if (worker.alive) worker.post({ kind: 'end', batch: id });
        }
        this.open -= 1;
        if (this.open === 0) {
          this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
          this.idleTimer.unref();
        }
      },
    };
  }

  /** Ends the threads (a batch still using them goes on without them). */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.thread.terminate()));
  }
}
