/**
 * The publisher's send thread: the same KafkaProducer as kafka-producer.mjs, run in a worker thread
 * (kafka-send-worker.mjs); each call is a request to the worker and settles with its reply. A worker that
 * dies (an uncaught error, a crash) rejects the calls in flight and the next call starts a new one, so it is
 * one more retriable failure: the publisher reconnects and resends. After `close()` every call fails.
 */
import { Worker } from 'node:worker_threads';
import type { Message } from 'kafkajs';
import type { KafkaProducer, KafkaProducerConfig } from './kafka-producer.mjs';

/** An error the send thread reported, with kafkajs' error name (KafkaJSConnectionError, ...) kept. */
export class KafkaSendError extends Error {
  constructor(
    name: string,
    message: string,
    /** kafkajs' protocol error type and retriability, when the thread's error had them. */
    readonly type?: string,
    readonly retriable?: boolean,
  ) {
    super(message);
    this.name = name;
  }
}

interface Call {
  readonly worker: Worker;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { name: string; message: string; type?: string; retriable?: boolean } };

const WORKER_URL = new URL('./kafka-send-worker.mjs', import.meta.url);

export class KafkaSendThread implements KafkaProducer {
  private worker: Worker | undefined;
  private closed = false;
  private nextId = 1;
  private readonly calls = new Map<number, Call>();

  constructor(private readonly config: KafkaProducerConfig) {}

  /** Whether a worker is running (it starts with the first call). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  ensureTopic(topic: string, numPartitions: number, replicationFactor: number): Promise<{ created: boolean; partitions?: number }> {
    return this.call('ensureTopic', [topic, numPartitions, replicationFactor]) as Promise<{ created: boolean; partitions?: number }>;
  }

  async connect(): Promise<void> {
    await this.call('connect', []);
  }

  /** The messages are copied to the worker (structured clone, about 4 µs a message in all). */
  async send(topic: string, messages: readonly Message[]): Promise<void> {
    await this.call('send', [topic, messages]);
  }

  async disconnect(): Promise<void> {
    if (this.worker !== undefined && !this.closed) await this.call('disconnect', []);
  }

  /** Stops the thread at once (its sockets close with it); calls in flight reject, later ones too. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    await worker.terminate();
    this.failAll(worker, new KafkaSendError('Error', 'the Kafka send thread was stopped'));
  }

  private call(op: keyof KafkaProducer, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new KafkaSendError('Error', 'the Kafka send thread was closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { worker, resolve, reject });
      worker.postMessage({ id, op, args });
    });
  }

  private start(): Worker {
    // Its kafkajs log lines (KAFKAJS_LOG_LEVEL) go to this process's stdout and stderr.
    const worker = new Worker(WORKER_URL, { workerData: { ...this.config, brokers: [...this.config.brokers] } });
    worker.on('message', (reply: Reply) => {
      const call = this.calls.get(reply.id);
      if (call === undefined) return;
      this.calls.delete(reply.id);
      if (reply.ok) call.resolve(reply.result);
      else call.reject(new KafkaSendError(reply.error.name, reply.error.message, reply.error.type, reply.error.retriable));
    });
    worker.on('error', (error) => this.ended(worker, new KafkaSendError('KafkaSendThreadError', `the Kafka send thread failed: ${error.message}`)));
    worker.on('exit', (code) => this.ended(worker, new KafkaSendError('KafkaSendThreadError', `the Kafka send thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private ended(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = undefined;
    this.failAll(worker, error);
  }

  /** Rejects the calls made to `worker` (a new worker may already serve later calls). */
  private failAll(worker: Worker, error: Error): void {
    for (const [id, call] of [...this.calls]) {
      if (call.worker !== worker) continue;
      this.calls.delete(id);
      call.reject(error);
    }
  }
}
