/**
 * Fault injection for the EventStoreDB adapter, runs everywhere: the REAL adapter over a stand-in of the client
 * surface it uses (test/support/esdb-stand-in), with the client's own value shapes and error classes. One describe
 * per defect of issue 13.
 */
import { CancelledError, DeadlineExceededError, UnavailableError } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/verify';
import type { EventToAppend, SubscriptionItem } from '../../src/store/event-store';
import { DeletedStreamError, EsdbEventStore, StoreClosedError, UnsupportedEsdbServerError } from '../../src/store/esdb/esdb-event-store';
import { asEsdbClient, StandInEsdbClient, type ServerVersion } from '../support/esdb-stand-in/stand-in-client';
import { envelopeInput } from '../support/events';

function events(count: number, from = 0): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'TestHappened', data: { n: from + i }, envelope: envelopeInput() }));
}

function storeOver(server: StandInEsdbClient): EsdbEventStore {
  return new EsdbEventStore(asEsdbClient(server), { resubscribeBackoffMs: 1 });
}

/** Reads a subscription in the background into `seen` (as a projector would) until stopped. */
function consume(store: EsdbEventStore) {
  const stop = new AbortController();
  const seen: SubscriptionItem[] = [];
  const done = (async () => {
    for await (const item of store.subscribeToAll({ signal: stop.signal })) seen.push(item);
  })();
  return { seen, stop: async () => { stop.abort(); await done; } };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Pulls items from a subscription until `until` says enough; returns what was seen. */
async function take(
  iterator: AsyncIterator<SubscriptionItem>,
  until: (seen: SubscriptionItem[]) => boolean,
): Promise<SubscriptionItem[]> {
  const seen: SubscriptionItem[] = [];
  while (!until(seen)) {
    const next = await iterator.next();
    if (next.done) break;
    seen.push(next.value);
  }
  return seen;
}

const eventsOf = (items: SubscriptionItem[]) =>
  items.flatMap((item) => (item.kind === 'event' ? [`${item.event.streamId}@${item.event.revision}`] : []));

describe('1. recorded time with two writers whose appends arrive out of order', () => {
  it('given writer A sealed before writer B but arrived after it, when verifying, then the ledger is intact and each stream is in time order', async () => {
    const server = new StandInEsdbClient();
    const writerA = storeOver(server);
    const writerB = storeOver(server);
    const hold = server.holdAppend('stream-a');
    const appendA = writerA.appendToStream('stream-a', events(1));
    await hold.reached; // A has sealed and sent; its write has not arrived
    await writerB.appendToStream('stream-b', events(1));
    hold.release();
    await appendA;
    expect(server.appendCalls).toEqual(['stream-b', 'stream-a']);

    const report = await verifyLedger(writerA);

    expect(report).toMatchObject({ ok: true, eventsChecked: 2, streamsChecked: 2 });
    expect(writerA.recordedTimeOrder).toBe('stream');
  });

  it('given a stream whose recorded time goes backwards, when verifying, then verify still names it', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(1));
    const [first] = await store.readStream('s');
    // A second event sealed by hand with an earlier recorded time, at the right revision and chain.
    const { seal } = await import('../../src/audit/seal');
    const earlier = new Date(Date.parse(first!.envelope.recordedAt) - 60_000).toISOString();
    const { envelope } = seal('s', 1, 'TestHappened', { n: 1 }, envelopeInput(), earlier, first!.envelope.hash);
    await server.appendToStream('s', [{ id: crypto.randomUUID(), type: 'TestHappened', data: { n: 1 }, metadata: envelope, contentType: 'application/json' } as never]);

    const report = await verifyLedger(store);

    expect(report.firstBreak).toMatchObject({ kind: 'time-went-backwards', streamId: 's', revision: 1 });
  });
});

describe('2. a dropped subscription', () => {
  for (const error of [new UnavailableError(undefined, 'leader election'), new CancelledError(undefined, 'network blip')]) {
    it(`given a live subscription, when the server drops it with ${error.constructor.name}, then it resumes with no gap and no duplicate and readiness saw it down`, async () => {
      const server = new StandInEsdbClient();
      const store = storeOver(server);
      await store.appendToStream('s', events(2));
      const subscriber = consume(store);
      await until(() => server.liveSubscriptions() > 0);

      server.dropSubscriptions(error);
      await until(() => store.isSubscriptionDown());
      await store.appendToStream('s', events(3, 2));
      await until(() => eventsOf(subscriber.seen).length >= 5 && !store.isSubscriptionDown());

      expect(eventsOf(subscriber.seen)).toEqual(['s@0', 's@1', 's@2', 's@3', 's@4']);
      await subscriber.stop();
    });
  }

  it('given a subscription error that is not transient, when it happens, then the subscriber gets it', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    const stop = new AbortController();
    const iterator = store.subscribeToAll({ signal: stop.signal })[Symbol.asyncIterator]();
    await take(iterator, (seen) => seen.some((i) => i.kind === 'caught-up'));
    const next = iterator.next();
    await until(() => server.liveSubscriptions() > 0);

    server.dropSubscriptions(new Error('access denied'));

    await expect(next).rejects.toThrow('access denied');
  });
});

describe('3. servers before 22.6 (no position on stream reads: commit = 2^64-1)', () => {
  it('given a 21.10 server, when appending, then the store refuses the server by name instead of timing out later', async () => {
    const server = new StandInEsdbClient();
    server.serverVersion = '21.10';
    const store = storeOver(server);

    await expect(store.appendToStream('s', events(1))).rejects.toThrow(UnsupportedEsdbServerError);
    await expect(store.readStream('s')).rejects.toThrow(/22\.6 or later/);
  });
});

describe('4. the live signal on every supported server', () => {
  for (const version of ['22.10', '23.10', '24.10'] satisfies ServerVersion[]) {
    it(`given a ${version} server and a live subscription, when an event is appended, then a caught-up follows it`, async () => {
      const server = new StandInEsdbClient();
      server.serverVersion = version;
      const store = storeOver(server);
      const subscriber = consume(store);
      await until(() => server.liveSubscriptions() > 0);

      const appended = await store.appendToStream('s', events(1));
      await until(() => subscriber.seen.length >= 3);

      expect(subscriber.seen).toEqual([
        { kind: 'caught-up', position: undefined },
        { kind: 'event', event: appended.events[0] },
        { kind: 'caught-up', position: appended.position },
      ]);
      await subscriber.stop();
    });
  }
});

describe('5. close() fences', () => {
  it('given appends queued behind one in flight, when closing, then the one in flight completes, the queued ones are refused and nothing reaches the disposed client', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    const hold = server.holdAppend('s');
    const inFlight = store.appendToStream('s', events(1));
    const queued = store.appendToStream('s', events(1));
    await hold.reached;
    const closing = store.close();
    hold.release();

    await expect(inFlight).resolves.toMatchObject({ nextExpectedRevision: 0 });
    await expect(queued).rejects.toThrow(StoreClosedError);
    await closing;
    await expect(store.appendToStream('s', events(1))).rejects.toThrow(StoreClosedError);
    expect(server.callsAfterDispose).toBe(0);
    expect(server.storedEvents('s')).toHaveLength(1);
  });

  it('given a $all read that ends early, when reading the log, then the missing events are read rather than taken for the end', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(5));
    server.endReadsEarlyAfter = 2;

    const read = await store.readAll();

    expect(read.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
  });

  it('given a closed store, when reading, then it fails instead of answering an empty log', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(1));
    await store.close();

    await expect(store.readAll()).rejects.toThrow(StoreClosedError);
    await expect(store.readStream('s')).rejects.toThrow(StoreClosedError);
  });
});

describe('6. an acknowledged append succeeds exactly once', () => {
  it('given the reply is lost after the commit, when appending, then the append succeeds once with the stored events', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    server.failAfterCommit = 1;

    const result = await store.appendToStream('s', events(3), { expectedRevision: 'no-stream' });

    expect(result.nextExpectedRevision).toBe(2);
    expect(server.storedEvents('s')).toHaveLength(3);
    expect((await verifyLedger(store)).ok).toBe(true);
  });

  it('given a soft-deleted stream, when appending to its name, then it is refused by name and nothing is written', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(2));
    server.softDelete('s');

    await expect(store.appendToStream('s', events(1))).rejects.toThrow(DeletedStreamError);
    expect(server.storedEvents('s')).toHaveLength(2);
  });
});

describe('7. the append deadline', () => {
  it('given the client deadline passes after the server committed, when appending, then the append is reported once as done', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    server.failAfterCommit = 1;
    server.failAfterCommitWith = () => new DeadlineExceededError(undefined, 'deadline exceeded');

    const result = await store.appendToStream('s', events(1));

    expect(result.events).toHaveLength(1);
    expect(server.storedEvents('s')).toHaveLength(1);
  });
});

describe('8. appends to different streams do not wait for each other', () => {
  it('given an append to one stream that has not arrived, when appending to another stream, then that append completes first', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    const hold = server.holdAppend('big');
    const big = store.appendToStream('big', events(50));
    await hold.reached;

    const small = await store.appendToStream('small', events(1));

    expect(small.nextExpectedRevision).toBe(0);
    expect(server.appendCalls).toEqual(['small']);
    hold.release();
    await big;
    expect((await verifyLedger(store)).ok).toBe(true);
  });
});
