/**
 * The append thread's body (a worker_threads Worker): its own connection to the ledger file, on which it runs
 * large appends with the same AppendWriter as the store's connection. SQLite's write lock makes it the only
 * writer while its transaction runs; the store's connection keeps reading meanwhile (WAL mode). It decides
 * nothing: the store sends one append at a time and reports it only after this thread answered that it committed.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { SerialisedAppend, SerialisedEvent } from './append-writer';
import { AppendWriter } from './append-writer';
import { toThreadError, type FromAppendThread, type ToAppendThread } from './append-thread-protocol';
import { tuneLedgerConnection } from './ledger-connection';

if (parentPort === null) throw new Error('append-worker.ts runs as a worker thread');
const port = parentPort;
const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
tuneLedgerConnection(db);
const writer = new AppendWriter(db);
/** Events received for each append not written yet, by request id. */
const pending = new Map<number, SerialisedEvent[]>();

port.on('message', (message: ToAppendThread) => {
  switch (message.kind) {
    case 'events': {
      const events = pending.get(message.id) ?? [];
      for (const event of message.events) events.push(event);
      pending.set(message.id, events);
      return;
    }
    case 'discard':
      pending.delete(message.id);
      return;
    case 'write': {
      const events = pending.get(message.id) ?? [];
      pending.delete(message.id);
      let reply: FromAppendThread;
      try {
        let next = 0;
        const appends: SerialisedAppend[] = message.streams.map(({ streamId, expectedRevision, count }) => {
          const taken = events.slice(next, next + count);
          next += count;
          return { streamId, expectedRevision, events: taken };
        });
        if (next !== events.length) throw new Error(`append ${message.id}: ${events.length} events received, the write names ${next}`);
        reply = { id: message.id, ok: true, written: writer.write(appends, message.now) };
      } catch (error) {
        reply = { id: message.id, ok: false, error: toThreadError(error) };
      }
      port.postMessage(reply);
      return;
    }
    case 'close':
      db.close();
      port.close();
      return;
  }
});
