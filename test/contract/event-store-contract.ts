/**
 * The one contract every event-store adapter passes (DESIGN.md section 7). Each adapter's test file calls
 * `eventStoreContract` with a factory that gives a fresh, empty store (or a fresh namespace in a shared one).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../events';
import { hashOf } from '../../src/audit/seal';
import { CommandIdInUseError, WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../../src/store/event-store';
import { envelopeInput, rawEvent, rawEvents } from '../support/events';

export interface ContractOptions {
  /** A store may already hold other tests' events (a shared server): global reads then start at the store's head. */
  readonly sharedLog?: boolean;
}

async function headPosition(store: EventStore) {
  let after: RecordedEvent['position'] | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return after;
    after = page[page.length - 1]!.position;
  }
}

async function collect(store: EventStore, after: RecordedEvent['position'] | undefined, streams: Set<string>) {
  const events: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after, maxCount: 500 });
    if (page.length === 0) return events;
    events.push(...page.filter((e) => streams.has(e.streamId)));
    after = page[page.length - 1]!.position;
  }
}

export function eventStoreContract(
  name: string,
  openStore: () => Promise<EventStore>,
  options: ContractOptions = {},
): void {
  describe(`${name} event store contract`, () => {
    const opened: EventStore[] = [];
    const fresh = async () => {
      const store = await openStore();
      opened.push(store);
      return store;
    };
    const streamName = (label: string) => `contract-${label}-${randomUUID()}`;
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describe('store id', () => {
      it('given a store, when asking its id twice, then it is the same non-empty id; another store has another one', async () => {
        const store = await fresh();
        const id = await store.storeId();
        expect(id).toMatch(/\S{8,}/);
        expect(await store.storeId()).toBe(id);
        // A shared server is one store, whatever namespace a test uses.
        if (!options.sharedLog) expect(await (await fresh()).storeId()).not.toBe(id);
      });
    });

    describe('append with expected revision', () => {
      it('given no stream, when appending with no-stream, then the events get revisions 0..n-1', async () => {
        const store = await fresh();
        const stream = streamName('new');
        const result = await store.appendToStream(stream, rawEvents(3), { expectedRevision: 'no-stream' });
        expect(result.nextExpectedRevision).toBe(2);
        expect(result.events.map((e) => e.revision)).toEqual([0, 1, 2]);
        const read = await store.readStream(stream);
        expect(read.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
      });

      it('given a stream at revision 2, when appending expecting 2, then it lands at revision 3', async () => {
        const store = await fresh();
        const stream = streamName('next');
        await store.appendToStream(stream, rawEvents(3));
        const result = await store.appendToStream(stream, [rawEvent()], { expectedRevision: 2 });
        expect(result.nextExpectedRevision).toBe(3);
      });

      it('given a stream at revision 2, when appending expecting 1, then a typed conflict names both revisions and nothing is appended', async () => {
        const store = await fresh();
        const stream = streamName('conflict');
        await store.appendToStream(stream, rawEvents(3));
        const error = await store
          .appendToStream(stream, rawEvents(2), { expectedRevision: 1 })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream, expected: 1, actual: 2 });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('given an existing stream, when appending with no-stream, then it conflicts', async () => {
        const store = await fresh();
        const stream = streamName('exists');
        await store.appendToStream(stream, [rawEvent()]);
        await expect(
          store.appendToStream(stream, [rawEvent()], { expectedRevision: 'no-stream' }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      });

      it('given no stream, when appending with stream-exists, then it conflicts', async () => {
        const store = await fresh();
        await expect(
          store.appendToStream(streamName('missing'), [rawEvent()], { expectedRevision: 'stream-exists' }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      });

      it('when two writers race with the same expected revision, then exactly one wins', async () => {
        const store = await fresh();
        const stream = streamName('race');
        await store.appendToStream(stream, [rawEvent()]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, () => store.appendToStream(stream, [rawEvent()], { expectedRevision: 0 })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('sealing', () => {
      it('chains each event to the previous one of its stream, starting from the genesis hash', async () => {
        const store = await fresh();
        const stream = streamName('chain');
        await store.appendToStream(stream, rawEvents(2));
        await store.appendToStream(stream, rawEvents(1));
        const events = await store.readStream(stream);
        expect(events[0]!.envelope.prevHash).toBe(GENESIS_HASH);
        for (let i = 1; i < events.length; i++) {
          expect(events[i]!.envelope.prevHash).toBe(events[i - 1]!.envelope.hash);
        }
        for (const e of events) {
          const { hash, ...unsealed } = e.envelope;
          expect(hashOf({ streamId: e.streamId, revision: e.revision, type: e.type, data: e.data, envelope: unsealed })).toBe(hash);
        }
      });

      it('gives recorded times that never decrease along the global log', async () => {
        const store = await fresh();
        const streams = new Set([streamName('t1'), streamName('t2')]);
        const start = options.sharedLog ? await headPosition(store) : undefined;
        for (let i = 0; i < 20; i++) {
          for (const s of streams) await store.appendToStream(s, [rawEvent()]);
        }
        const times = (await collect(store, start, streams)).map((e) => e.envelope.recordedAt);
        expect(times).toEqual([...times].sort());
        expect(times[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      });
    });

    describe('atomic multi-event append', () => {
      it('given an event whose data cannot be stored, when appending it with others, then none is stored', async () => {
        const store = await fresh();
        const stream = streamName('atomic');
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const batch = [rawEvent(), rawEvent('Bad', cyclic), rawEvent()];
        await expect(store.appendToStream(stream, batch)).rejects.toThrow();
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('appends to several streams at once, all or none, where the store offers appendMany', async (context) => {
        const store = await fresh();
        if (store.appendMany === undefined) return context.skip(`${name} has no multi-stream transactions`);
        const [a, b] = [streamName('many-a'), streamName('many-b')];
        await store.appendToStream(b, rawEvents(1));
        await expect(
          store.appendMany([
            { streamId: a, events: rawEvents(2), expectedRevision: 'no-stream' },
            { streamId: b, events: rawEvents(1), expectedRevision: 5 },
          ]),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(a)).toEqual([]);
        expect(await store.readStream(b)).toHaveLength(1);
        const results = await store.appendMany([
          { streamId: a, events: rawEvents(2), expectedRevision: 'no-stream' },
          { streamId: b, events: rawEvents(1), expectedRevision: 0 },
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1]);
        expect((await store.readStream(b))[1]!.envelope.prevHash).toBe((await store.readStream(b))[0]!.envelope.hash);
      });

      it('keeps the events of one append contiguous in the global log', async () => {
        const store = await fresh();
        const a = streamName('a');
        const b = streamName('b');
        const start = options.sharedLog ? await headPosition(store) : undefined;
        await Promise.all([store.appendToStream(a, rawEvents(50)), store.appendToStream(b, rawEvents(50))]);
        const log = await collect(store, start, new Set([a, b]));
        const firstB = log.findIndex((e) => e.streamId === b);
        const firstA = log.findIndex((e) => e.streamId === a);
        const [first, second] = firstA < firstB ? [a, b] : [b, a];
        expect(log.slice(0, 50).every((e) => e.streamId === first)).toBe(true);
        expect(log.slice(50).every((e) => e.streamId === second)).toBe(true);
      });
    });

    describe('reading a stream', () => {
      it('reads forwards from a revision and backwards from the end, with a max count', async () => {
        const store = await fresh();
        const stream = streamName('read');
        await store.appendToStream(stream, rawEvents(10));
        const forwards = await store.readStream(stream, { fromRevision: 4, maxCount: 3 });
        expect(forwards.map((e) => e.revision)).toEqual([4, 5, 6]);
        const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
        expect(backwards.map((e) => e.revision)).toEqual([9, 8]);
        const fromMiddle = await store.readStream(stream, { direction: 'backwards', fromRevision: 3 });
        expect(fromMiddle.map((e) => e.revision)).toEqual([3, 2, 1, 0]);
      });

      it('returns nothing for a stream that does not exist', async () => {
        const store = await fresh();
        expect(await store.readStream(streamName('nothing'))).toEqual([]);
      });

      it('returns the data, type and envelope exactly as appended', async () => {
        const store = await fresh();
        const stream = streamName('roundtrip');
        const event = rawEvent('Roundtrip', { text: 'Ро Кван Чхоль 로광철', n: 1.5, nested: { list: [1, null, true] } });
        await store.appendToStream(stream, [event]);
        const [read] = await store.readStream(stream);
        expect(read!.type).toBe('Roundtrip');
        expect(read!.data).toEqual(event.data);
        expect(read!.envelope).toMatchObject(event.envelope);
      });
    });

    describe('the global log', () => {
      it('reads every event in append order, in pages resumed from a position', async () => {
        const store = await fresh();
        const streams = [streamName('g1'), streamName('g2'), streamName('g3')];
        const start = options.sharedLog ? await headPosition(store) : undefined;
        for (let i = 0; i < 30; i++) await store.appendToStream(streams[i % 3]!, [rawEvent('G', { i })]);
        const ours = await collect(store, start, new Set(streams));
        expect(ours.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
        const positions = ours.map((e) => e.position);
        expect([...positions].sort()).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
        const afterTenth = await store.readAll({ after: ours[9]!.position, maxCount: 5 });
        expect(afterTenth[0]!.position > ours[9]!.position).toBe(true);
      });

      it('serialises positions as plain JSON strings', async () => {
        const store = await fresh();
        const result = await store.appendToStream(streamName('json'), [rawEvent()]);
        expect(typeof result.position).toBe('string');
        expect(JSON.parse(JSON.stringify({ p: result.position })).p).toBe(result.position);
      });

      it('lists the streams it holds', async () => {
        const store = await fresh();
        const stream = streamName('listed');
        await store.appendToStream(stream, [rawEvent()]);
        const names: string[] = [];
        for await (const s of store.listStreams()) names.push(s);
        expect(names).toContain(stream);
      });
    });

    describe('catch-up then live subscription', () => {
      it('delivers past events, reports caught-up, then delivers new appends in order', async () => {
        const store = await fresh();
        const stream = streamName('sub');
        const start = options.sharedLog ? await headPosition(store) : undefined;
        await store.appendToStream(stream, rawEvents(5));
        const controller = new AbortController();
        const seen: number[] = [];
        let caughtUp = false;
        const consumer = (async () => {
          for await (const item of store.subscribeToAll({ after: start, signal: controller.signal })) {
            if (item.kind === 'caught-up') {
              if (!caughtUp) {
                caughtUp = true;
                expect(seen).toEqual([0, 1, 2, 3, 4]);
                await store.appendToStream(stream, rawEvents(3));
              }
              continue;
            }
            if (item.event.streamId !== stream) continue;
            seen.push(item.event.revision);
            if (seen.length === 8) controller.abort();
          }
        })();
        await consumer;
        expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      });

      it('resumes after a given position without repeating it', async () => {
        const store = await fresh();
        const stream = streamName('resume');
        const appended = await store.appendToStream(stream, rawEvents(4));
        const controller = new AbortController();
        const seen: number[] = [];
        for await (const item of store.subscribeToAll({ after: appended.events[1]!.position, signal: controller.signal })) {
          if (item.kind === 'caught-up') break;
          if (item.event.streamId === stream) seen.push(item.event.revision);
        }
        controller.abort();
        expect(seen).toEqual([2, 3]);
      });
    });

    describe('command ids are unique across the ledger', () => {
      const underCommand = (commandId: string, n = 1) => ({ type: 'TestHappened', data: { n }, envelope: envelopeInput({ commandId } as never) });

      it('given a command id recorded in one stream, when another stream appends under it, then CommandIdInUseError names the first and nothing is appended', async () => {
        const store = await fresh();
        const [first, second] = [streamName('id-first'), streamName('id-second')];
        const commandId = `cmd-${randomUUID()}`;
        await store.appendToStream(first, [underCommand(commandId)]);
        const refused = await store.appendToStream(second, [rawEvent(), underCommand(commandId)]).catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(CommandIdInUseError);
        expect(refused).toMatchObject({ commandId, boundTo: first, streamId: second });
        expect(await store.readStream(second)).toEqual([]);
      });

      it('given a command id recorded in a stream, when the same stream appends more under it, then they land (one command may take several appends)', async () => {
        const store = await fresh();
        const stream = streamName('id-same');
        const commandId = `cmd-${randomUUID()}`;
        await store.appendToStream(stream, [underCommand(commandId, 1)]);
        const more = await store.appendToStream(stream, [underCommand(commandId, 2), underCommand(commandId, 3)]);
        expect(more.events.map((e) => e.revision)).toEqual([1, 2]);
      });

      it('given a fresh command id, when two streams append under it at once, then exactly one lands', async () => {
        const store = await fresh();
        const streams = [streamName('id-race-a'), streamName('id-race-b')];
        const commandId = `cmd-${randomUUID()}`;
        const outcomes = await Promise.allSettled(streams.map((s) => store.appendToStream(s, [underCommand(commandId)])));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
        expect(rejected.reason).toBeInstanceOf(CommandIdInUseError);
        const lengths = await Promise.all(streams.map(async (s) => (await store.readStream(s)).length));
        expect(lengths.sort()).toEqual([0, 1]);
      });

      it('given a store with multi-stream appends, when one step uses a command id on two streams, then it fails whole', async () => {
        const store = await fresh();
        if (store.appendMany === undefined) return; // EventStoreDB: no multi-stream step to test
        const [a, b] = [streamName('id-many-a'), streamName('id-many-b')];
        const commandId = `cmd-${randomUUID()}`;
        const refused = await store.appendMany([{ streamId: a, events: [underCommand(commandId)] }, { streamId: b, events: [underCommand(commandId)] }]).catch((e: unknown) => e);
        expect(refused).toMatchObject({ name: 'CommandIdInUseError', commandId, boundTo: a, streamId: b });
        expect([...(await store.readStream(a)), ...(await store.readStream(b))]).toEqual([]);
        // The refused step bound nothing: the id is free for a later command.
        await store.appendToStream(b, [underCommand(commandId)]);
      });

      it('given reservations or bookkeeping for command ids, when reading the log, then only ledger events are seen', async () => {
        const store = await fresh();
        const start = await headPosition(store);
        const stream = streamName('id-log');
        await store.appendToStream(stream, rawEvents(2));
        const page = await store.readAll({ after: start, maxCount: 100 });
        expect(page.filter((e) => !e.streamId.startsWith('contract-'))).toEqual([]);
        for await (const name of store.listStreams()) expect(name).not.toMatch(/^sanctions-ledger-command-/);
      });
    });

    describe('a batch of 10,000 events', () => {
      it('appends them atomically in one call and reads them back in order', async () => {
        const store = await fresh();
        const stream = streamName('bulk');
        const result = await store.appendToStream(stream, rawEvents(10_000), { expectedRevision: 'no-stream' });
        expect(result.nextExpectedRevision).toBe(9_999);
        const read = await store.readStream(stream);
        expect(read).toHaveLength(10_000);
        expect(read.every((e, i) => e.revision === i && (e.data as { n: number }).n === i)).toBe(true);
      }, 120_000);
    });
  });
}
