/**
 * The store's append thread (issue 10 item 10): a list import appends thousands of events in ONE transaction,
 * about 0.4 s of sealing and inserting for OFAC's 8,315, which on the service's thread held its event loop that
 * long. Here that transaction runs on a worker thread with its own connection (append-worker.ts), and this thread
 * only copies the events over in slices and waits.
 *
 * The thread starts with the first write and ends with close(); while no write is in flight it does not keep the
 * process alive. One write at a time (the store queues its appends). A thread that dies with a write in flight
 * rejects it with AppendOutcomeUnknownError (its transaction may have committed just before), and the next write
 * starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import { AppendOutcomeUnknownError } from '../event-store';
import type { TimeSlice } from '../../scheduling/time-slice';
import type { SerialisedAppend, WrittenBatch } from './append-writer';
import { fromThreadError, type FromAppendThread, type ToAppendThread } from './append-thread-protocol';

const WORKER_URL = new URL('./append-worker-entry.mjs', import.meta.url);

/** Events per message: copying them (structured clone) takes well under a millisecond. */
const EVENTS_PER_MESSAGE = 250;

interface InFlight {
  readonly worker: Worker;
  readonly streamId: string;
  readonly resolve: (written: WrittenBatch) => void;
  readonly reject: (error: Error) => void;
}

export class AppendThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private closed = false;

  constructor(private readonly path: string) {}

  /** Starts the thread if it is not running, so that it loads while the caller prepares its first write. */
  warmUp(): void {
    if (this.closed) throw new Error('the append thread was closed');
    this.worker ??= this.start();
  }

  /** Writes the appends in one transaction on the thread; the events are sent in slices of `slice`. */
  async write(appends: readonly SerialisedAppend[], now: Date | undefined, slice: TimeSlice): Promise<WrittenBatch> {
    this.warmUp();
    const worker = this.worker!;
    const id = this.nextId++;
    const answered = new Promise<WrittenBatch>((resolve, reject) => {
      this.inFlight.set(id, { worker, streamId: appends[0]!.streamId, resolve, reject });
    });
    worker.ref();
    try {
      for (const { events } of appends) {
        for (let at = 0; at < events.length; at += EVENTS_PER_MESSAGE) {
          if (slice.spent) await slice.next();
          this.post(worker, { kind: 'events', id, events: events.slice(at, at + EVENTS_PER_MESSAGE) });
        }
      }
      const streams = appends.map(({ streamId, expectedRevision, events }) => ({ streamId, expectedRevision, count: events.length }));
      this.post(worker, { kind: 'write', id, streams, now });
    } catch (error) {
      // Nothing was written: the thread only writes on `write`.
      this.inFlight.delete(id);
      if (this.worker === worker) this.post(worker, { kind: 'discard', id });
      this.idle(worker);
      throw error;
    }
    return answered;
  }

  /** Waits for nothing in flight (the store closes only after its queued appends), then ends the thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Until it has exited: an unreferenced thread would let the process end with this close unfinished.
    worker.ref();
    this.post(worker, { kind: 'close' });
    await exited;
  }

  private post(worker: Worker, message: ToAppendThread): void {
    worker.postMessage(message);
  }

  private start(): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { path: this.path } });
    worker.unref();
    worker.on('message', (reply: FromAppendThread) => {
      const call = this.inFlight.get(reply.id);
      if (call === undefined) return;
      this.inFlight.delete(reply.id);
      this.idle(worker);
      if (reply.ok) call.resolve(reply.written);
      else call.reject(fromThreadError(reply.error));
    });
    worker.on('error', (error) => this.ended(worker, `failed: ${error.message}`));
    worker.on('exit', (code) => this.ended(worker, `exited (code ${code})`));
    return worker;
  }

  /** With no write in flight, the thread does not keep the process alive. */
  private idle(worker: Worker): void {
    if (![...this.inFlight.values()].some((call) => call.worker === worker)) worker.unref();
  }

  private ended(worker: Worker, how: string): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, call] of [...this.inFlight]) {
      if (call.worker !== worker) continue;
      this.inFlight.delete(id);
      call.reject(new AppendOutcomeUnknownError(call.streamId, `the append thread ${how} while an append of ${call.streamId} was in flight: it may or may not have been recorded`, false));
    }
  }
}
