// @ts-check
/**
 * The Kafka publisher's send thread (a worker_threads Worker started by kafka-send-thread.ts), for its big
 * batches. kafkajs encodes each message's 16 CloudEvents headers with many small buffer allocations (about
 * 30-45 µs an event, measured): on the publisher's own thread that was its bottleneck and blocked the event
 * loop of the service it runs in; here it runs beside the thread that reads the log and maps the next batch.
 *
 * Plain JavaScript on purpose: a worker does not inherit the TypeScript loader (tsx) of the main thread.
 * Requests are { id, op, args }; each gets one reply { id, ok: true, result } or { id, ok: false, error }.
 * Nothing here decides what is sent or when the checkpoint moves: the main thread sends one batch at a time
 * and moves the checkpoint only after this thread replied that the broker acknowledged it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createKafkaProducer } from './kafka-producer.mjs';

if (parentPort === null) throw new Error('kafka-send-worker.mjs runs as a worker thread');
const port = parentPort;
const producer = createKafkaProducer(workerData);

/** @type {Record<string, (...args: any[]) => Promise<unknown>>} */
const operations = {
  ensureTopic: producer.ensureTopic,
  connect: producer.connect,
  send: producer.send,
  disconnect: producer.disconnect,
};

port.on('message', (/** @type {{ id: number, op: string, args: unknown[] }} */ request) => {
  const operation = operations[request.op];
  const run = operation === undefined ? Promise.reject(new Error(`unknown operation ${request.op}`)) : operation(...request.args);
  run.then(
    (result) => port.postMessage({ id: request.id, ok: true, result }),
    (error) => {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      // kafkajs' protocol error type (MESSAGE_TOO_LARGE, ...) tells the publisher a permanent per-message refusal from an outage.
      const type = typeof error?.type === 'string' ? error.type : undefined;
      const retriable = typeof error?.retriable === 'boolean' ? error.retriable : undefined;
      port.postMessage({ id: request.id, ok: false, error: { name, message, type, retriable } });
    },
  );
});
