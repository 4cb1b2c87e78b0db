/**
 * Fault injection for the EventStoreDB adapter, runs everywhere: the REAL adapter over a stand-in of the client
 * surface it uses (test/support/esdb-stand-in), with the client's own value shapes and error classes. One describe
 * per defect of issue 13.
 */
import { CancelledError, DeadlineExceededError, UnavailableError } from '@eventstore/db-client';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/verify';
import { CommandHandler } from '../../src/commands/command-handler';
import { checkPosition, FeedRequestError } from '../../src/notifications/feed';
import {
  AppendOutcomeUnknownError,
  StoreDeadlineExceededError,
  WrongExpectedRevisionError,
  type EventToAppend,
  type SubscriptionItem,
} from '../../src/store/event-store';
import { COMMAND_ID_STREAM_PREFIX, commandIdStream } from '../../src/store/esdb/command-ids';
import { deadlineFromConnectionString, DEFAULT_DEADLINE_MS } from '../../src/store/esdb/deadline';
import { DeletedStreamError, EsdbEventStore, StoreClosedError, UnsupportedEsdbServerError } from '../../src/store/esdb/esdb-event-store';
import { encodePosition } from '../../src/store/esdb/positions';
import { designate } from '../support/fixtures';
import { withCommandId } from '../support/metadata';
import { asEsdbClient, StandInEsdbClient, type ServerVersion } from '../support/esdb-stand-in/stand-in-client';
import { envelopeInput } from '../support/events';

function events(count: number, from = 0): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'TestHappened', data: { n: from + i }, envelope: envelopeInput() }));
}

const designateCommand = (subjectId: string) => ({ type: 'DesignateSubject', data: { ...designate(), subjectId } });

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

  it('given the read-back of an acknowledged append keeps failing, when appending, then the error says it was recorded and is retryable', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(1));
    server.failReadBacks = 10;

    const failure = await store.appendToStream('s', events(1)).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AppendOutcomeUnknownError);
    expect(failure).toMatchObject({ streamId: 's', committed: true });
    expect(server.storedEvents('s')).toHaveLength(2);
  });

  it('given the read-back is lost under a command, when handling it, then the command is reported accepted once and recorded once', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    const handler = new CommandHandler(store);
    server.failReadBacks = 10; // every read-back the adapter tries fails; the handler's own reads do not

    const result = await handler.handle(designateCommand('RU-2'), withCommandId('cmd-lost-read-back'));

    expect(E.isRight(result) && result.right.status).toBe('accepted');
    const recorded = (await store.readAll()).filter((e) => (e.envelope as { commandId?: string }).commandId === 'cmd-lost-read-back');
    expect(recorded).toHaveLength(1);
    expect(E.isRight(result) && result.right.events.map((e) => e.position)).toEqual(recorded.map((e) => e.position));
  });

  it('given a soft-deleted stream, when appending to its name, then the batch is sealed at the revision the server numbers it at', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(2));
    server.softDelete('s');
    const fresh = storeOver(server); // no remembered head: what another process sees
    expect(await fresh.readStream('s')).toEqual([]);

    const result = await fresh.appendToStream('s', events(1), { expectedRevision: 'no-stream' });

    expect(result.nextExpectedRevision).toBe(2);
    expect(server.storedEvents('s').map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    expect((await fresh.readStream('s')).map((e) => e.revision)).toEqual([2]);
    await fresh.appendToStream('s', events(1));
    expect((await verifyLedger(fresh)).ok).toBe(true);
  });

  it('given a soft-deleted stream, when a caller expects the old revision, then it is a conflict (the stream reads as missing)', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(2));
    server.softDelete('s');

    await expect(storeOver(server).appendToStream('s', events(1), { expectedRevision: 1 })).rejects.toThrow(WrongExpectedRevisionError);
    expect(server.storedEvents('s')).toHaveLength(2);
  });

  it('given a stream truncated past its end (it reads as missing, $tb is a revision), when appending, then it is refused by name and nothing is written', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await server.setStreamMetadata('t', { truncateBefore: 5 });

    await expect(store.appendToStream('t', events(1))).rejects.toThrow(DeletedStreamError);
    await expect(store.appendToStream('t', events(1))).rejects.toThrow(/stream t is truncated/);
    expect(server.storedEvents('t')).toHaveLength(0);
  });
});

describe('7. every call has a deadline', () => {
  const deadlineMs = 40;
  const storeWithDeadline = (server: StandInEsdbClient) =>
    new EsdbEventStore(asEsdbClient(server), { resubscribeBackoffMs: 1, deadlineMs });

  it('given the client deadline passes after the server committed, when appending, then the append is reported once as done', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    server.failAfterCommit = 1;
    server.failAfterCommitWith = () => new DeadlineExceededError(undefined, 'deadline exceeded');

    const result = await store.appendToStream('s', events(1));

    expect(result.events).toHaveLength(1);
    expect(server.storedEvents('s')).toHaveLength(1);
  });

  it('given an append that never gets an answer and never lands, when appending, then it fails in time with a typed retryable error and nothing is written', async () => {
    const server = new StandInEsdbClient();
    const store = storeWithDeadline(server);
    server.hangNextAppend = 'before-commit';

    const failure = await store.appendToStream('s', events(1)).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StoreDeadlineExceededError);
    expect(failure).toBeInstanceOf(AppendOutcomeUnknownError);
    expect(failure).toMatchObject({ streamId: 's', committed: false, deadlineMs });
    expect(server.storedEvents('s')).toHaveLength(0);
  });

  it('given an append that committed but whose answer never comes, when appending, then it succeeds once', async () => {
    const server = new StandInEsdbClient();
    const store = storeWithDeadline(server);
    server.hangNextAppend = 'after-commit';

    const result = await store.appendToStream('s', events(2));

    expect(result.nextExpectedRevision).toBe(1);
    expect(server.storedEvents('s')).toHaveLength(2);
  });

  it('given an append that never gets an answer under a command, when handling it, then the handler retries and the command is recorded once', async () => {
    const server = new StandInEsdbClient();
    const handler = new CommandHandler(storeWithDeadline(server));
    server.hangNextAppend = 'before-commit';

    const result = await handler.handle(designateCommand('RU-3'), withCommandId('cmd-deadline'));

    expect(E.isRight(result) && result.right).toMatchObject({ status: 'accepted', attempts: 2 });
    expect(server.storedEvents().filter((e) => !e.streamId.startsWith('$') && !e.streamId.startsWith(COMMAND_ID_STREAM_PREFIX))).toHaveLength(1);
  });

  it('given a read that stalls, when reading, then it fails with the deadline error instead of waiting for ever', async () => {
    const server = new StandInEsdbClient();
    const store = storeWithDeadline(server);
    server.hangNextRead = true;
    await expect(store.readAll()).rejects.toThrow(StoreDeadlineExceededError);
    server.hangNextRead = true;
    await expect(store.readStream('s')).rejects.toThrow(/no answer within the 40 ms deadline/);
  });

  it('given any call, then the configured deadline is sent with it', async () => {
    const server = new StandInEsdbClient();
    const store = storeWithDeadline(server);
    await store.appendToStream('s', events(1));
    await store.appendToStream('new', events(1));
    await store.readStream('s');
    await store.readAll();
    await store.headPosition();
    await store.storeId();

    expect(server.deadlines.length).toBeGreaterThan(8);
    expect(new Set(server.deadlines)).toEqual(new Set([deadlineMs]));
  });

  it('reads the deadline from the connection string as the client does, and refuses a bad one by name', () => {
    expect(deadlineFromConnectionString('esdb://localhost:2113?tls=false')).toBe(DEFAULT_DEADLINE_MS);
    expect(deadlineFromConnectionString('esdb://localhost:2113?tls=false&defaultDeadline=2500')).toBe(2500);
    expect(deadlineFromConnectionString('esdb://h:2113?DEFAULT_DEADLINE=700')).toBe(700);
    expect(() => deadlineFromConnectionString('esdb://h:2113?defaultDeadline=soon')).toThrow(/defaultDeadline must be a positive/);
  });
});

describe('round trips per append', () => {
  it('given the stream head is known (its last append here, or a read to its end), when appending, then only the command id reservation, the append and its read-back are sent', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(1));
    const before = server.totalCalls();
    await store.appendToStream('s', events(1));
    expect(server.totalCalls() - before).toBe(3);

    await storeOver(server).appendToStream('s', events(1)); // another writer: this store's head is stale
    const read = await store.readStream('s');
    const afterRead = server.totalCalls();
    await store.appendToStream('s', events(1), { expectedRevision: read[read.length - 1]!.revision });
    expect(server.totalCalls() - afterRead).toBe(3);

    expect(await store.readStream('new')).toEqual([]);
    const afterMissing = server.totalCalls();
    await store.appendToStream('new', events(1), { expectedRevision: 'no-stream' });
    expect(server.totalCalls() - afterMissing).toBe(4); // the reservation, its metadata (a soft delete?), the append, the read-back
  });

  it('given a stream read as missing that another writer then creates, when appending with no-stream, then it is a conflict and nothing forks', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    expect(await store.readStream('s')).toEqual([]);
    await storeOver(server).appendToStream('s', events(1));

    await expect(store.appendToStream('s', events(1), { expectedRevision: 'no-stream' })).rejects.toThrow(WrongExpectedRevisionError);
    const result = await store.appendToStream('s', events(1));

    expect(result.nextExpectedRevision).toBe(1);
    expect((await verifyLedger(store)).ok).toBe(true);
  });

  it('given a remembered head that another writer made stale, when appending, then the conflict is absorbed and the chain stays intact', async () => {
    const server = new StandInEsdbClient();
    const [a, b] = [storeOver(server), storeOver(server)];
    await a.appendToStream('s', events(1));
    await b.appendToStream('s', events(2));

    const result = await a.appendToStream('s', events(1));
    await expect(a.appendToStream('s', events(1), { expectedRevision: 2 })).rejects.toThrow(WrongExpectedRevisionError);

    expect(result.nextExpectedRevision).toBe(3);
    expect((await verifyLedger(a)).ok).toBe(true);
  });

  it('property: any interleaving of appends by two writers over one server leaves an intact ledger with every batch once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ writer: fc.integer({ min: 0, max: 1 }), stream: fc.integer({ min: 0, max: 2 }), size: fc.integer({ min: 1, max: 3 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        async (plan) => {
          const server = new StandInEsdbClient();
          const writers = [storeOver(server), storeOver(server)];
          await Promise.all(plan.map((step) => writers[step.writer]!.appendToStream(`s${step.stream}`, events(step.size))));
          // Naive model: each stream holds the sum of its batch sizes, numbered from 0.
          for (const stream of [0, 1, 2]) {
            const expected = plan.filter((p) => p.stream === stream).reduce((n, p) => n + p.size, 0);
            expect((await writers[0]!.readStream(`s${stream}`)).map((e) => e.revision)).toEqual([...Array(expected).keys()]);
          }
          expect((await verifyLedger(writers[1]!)).ok).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('head position (the feed refuses a Last-Event-ID past it)', () => {
  it('given an empty log with system events only, then there is no head; given ledger events then system events, the head is the last ledger event', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    expect(await store.headPosition()).toBeUndefined();

    const appended = await store.appendToStream('s', events(2));
    await store.storeId(); // a system event after the last ledger event

    expect(await store.headPosition()).toBe(appended.position);
  });

  it('given the log spans several backward pages, then the head is still the last ledger event', async () => {
    const server = new StandInEsdbClient();
    const store = new EsdbEventStore(asEsdbClient(server), { readPageSize: 2 });
    const appended = await store.appendToStream('s', events(3));
    for (let i = 0; i < 5; i++) await server.setStreamMetadata(`other-${i}`, { n: i });

    expect(await store.headPosition()).toBe(appended.position);
  });

  it('given a position past the head, when a feed is asked to start there, then it is refused by name; the head itself is accepted', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    const appended = await store.appendToStream('s', events(1));
    const past = encodePosition({ commit: 10n ** 12n, prepare: 10n ** 12n });

    await expect(checkPosition(store, past, 'Last-Event-ID')).rejects.toThrow(FeedRequestError);
    await expect(checkPosition(store, past, 'Last-Event-ID')).rejects.toThrow(/past the head of the log/);
    await expect(checkPosition(store, appended.position, 'Last-Event-ID')).resolves.toBe(appended.position);
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

describe('9. command ids across the ledger without transactions (a reservation stream per id)', () => {
  it('given a designation recorded under an id, when another subject is designated under it, then 422 command-id-reused naming the first stream and nothing appended', async () => {
    const server = new StandInEsdbClient();
    const handler = new CommandHandler(storeOver(server));
    await handler.handle(designateCommand('RU-10'), withCommandId('cmd-shared'));

    const reused = await handler.handle(designateCommand('RU-11'), withCommandId('cmd-shared'));

    expect(E.isLeft(reused) && reused.left).toMatchObject({ kind: 'rule-violation', rule: 'command-id-reused', field: 'commandId' });
    expect(E.isLeft(reused) && reused.left.message).toMatch(/first used in subject-RU-10/);
    expect(server.storedEvents('subject-RU-11')).toEqual([]);
  });

  it('given the reply of a reservation is lost after it committed, when handling a command, then the handler retries and the command is recorded once', async () => {
    const server = new StandInEsdbClient();
    const handler = new CommandHandler(storeOver(server));
    server.failReservationsAfterCommit = 1;

    const result = await handler.handle(designateCommand('RU-12'), withCommandId('cmd-lost-reservation'));

    expect(E.isRight(result) && result.right).toMatchObject({ status: 'accepted', attempts: 2 });
    expect(server.storedEvents('subject-RU-12')).toHaveLength(1);
    expect(server.storedEvents(commandIdStream('cmd-lost-reservation'))).toHaveLength(1);
  });

  it('given an attempt that reserved an id and then lost its append to a conflict, when the same command retries, then it is recorded (its own reservation lets it through)', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await store.appendToStream('s', events(1));
    const stale = storeOver(server);
    expect(await stale.readStream('s')).toHaveLength(1);
    await store.appendToStream('s', events(1)); // the stale store's head is now behind
    const commandId = 'cmd-after-conflict';
    const under = [{ type: 'TestHappened', data: { n: 9 }, envelope: envelopeInput({ commandId } as never) }];

    await expect(stale.appendToStream('s', under, { expectedRevision: 0 })).rejects.toThrow(WrongExpectedRevisionError);
    const retried = await stale.appendToStream('s', under, { expectedRevision: 1 });

    expect(retried.events.map((e) => e.revision)).toEqual([2]);
    expect(server.reservationCalls.filter((s) => s === commandIdStream(commandId))).toHaveLength(2);
  });

  it('given a reservation stream that someone else wrote, when appending under that id, then the append is refused by name and nothing is appended', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    await server.appendToStream(commandIdStream('cmd-foreign'), [{ id: '0b6f2f7e-7a5e-4c4e-9d43-5b8e8b2f1a11', type: 'Other', data: { hello: 1 }, contentType: 'application/json' } as never]);

    await expect(store.appendToStream('s', [{ type: 'TestHappened', data: {}, envelope: envelopeInput({ commandId: 'cmd-foreign' } as never) }])).rejects.toThrow(/does not name a stream/);
    expect(server.storedEvents('s')).toEqual([]);
  });

  it('given reservations in $all, when reading the log, subscribing, listing streams and verifying, then none of them is seen', async () => {
    const server = new StandInEsdbClient();
    const store = storeOver(server);
    const handler = new CommandHandler(store);
    await handler.handle(designateCommand('RU-13'), withCommandId('cmd-visible-1'));
    await handler.handle(designateCommand('RU-14'), withCommandId('cmd-visible-2'));

    const streams: string[] = [];
    for await (const name of store.listStreams()) streams.push(name);
    const subscribed: SubscriptionItem[] = [];
    for await (const item of store.subscribeToAll()) {
      if (item.kind === 'caught-up') break;
      subscribed.push(item);
    }

    expect(streams).toEqual(['subject-RU-13', 'subject-RU-14']);
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['subject-RU-13', 'subject-RU-14']);
    expect(eventsOf(subscribed)).toEqual(['subject-RU-13@0', 'subject-RU-14@0']);
    expect((await verifyLedger(store)).ok).toBe(true);
  });
});
