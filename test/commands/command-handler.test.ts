import * as E from 'fp-ts/Either';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../src/commands/command-handler';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import type { EventStore } from '../../src/store/event-store';
import { designate } from '../support/fixtures';
import { withCommandId, writer } from '../support/metadata';

let store: SqliteEventStore;
let handler: CommandHandler;

beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
  handler = new CommandHandler(store);
});
afterEach(() => store.close());

async function allEvents() {
  return store.readAll({ maxCount: 10_000 });
}

const designateCommand = (overrides: Record<string, unknown> = {}) => ({ type: 'DesignateSubject', data: { ...designate(), ...overrides } });
const delistCommand = (overrides: Record<string, unknown> = {}) => ({
  type: 'DelistSubject',
  data: { subjectId: 'ro-kwang-chol', regime: 'EU:RUS', effectiveFrom: '2025-06-01', legalBasis: ['EU-2025/1'], reason: 'annulled', ...overrides },
});

describe('handling commands', () => {
  it('given an accepted designation, then the stored event carries the full envelope and a valid chain link', async () => {
    const result = await handler.handle(designateCommand(), withCommandId('cmd-1'));
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
    expect(result.right.status).toBe('accepted');
    const [event] = await store.readStream('subject-ro-kwang-chol');
    expect(event!.type).toBe('SubjectDesignated');
    expect(event!.envelope).toMatchObject({
      schemaVersion: 1,
      actor: writer.actor,
      source: writer.source,
      commandId: 'cmd-1',
      correlationId: 'cmd-1',
      causationId: 'cmd-1',
      prevHash: '0'.repeat(64),
    });
    expect(event!.envelope.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the same command id is submitted again, then it returns the first result and appends nothing', async () => {
    const first = await handler.handle(designateCommand(), withCommandId('cmd-same'));
    const second = await handler.handle(designateCommand(), withCommandId('cmd-same'));
    expect(E.isRight(second) && second.right.status).toBe('duplicate');
    expect(E.isRight(first) && E.isRight(second) && second.right.events.map((e) => e.envelope.eventId)).toEqual(
      E.isRight(first) ? first.right.events.map((e) => e.envelope.eventId) : [],
    );
    expect(await allEvents()).toHaveLength(1);
  });

  it('refuses fields the codecs do not name, at every depth, naming each path, and appends nothing (issue 10 item 7)', async () => {
    const data = { ...designate(), efectiveFrom: '2030-01-01', identity: { names: [{ name: 'RO Kwang Chol', quality: 'primary', note: 'x' }], shoeSize: 44 } };
    const result = await handler.handle({ type: 'DesignateSubject', data }, { ...writer, actor: { ...writer.actor, role: 'admin' } });
    if (E.isRight(result) || result.left.kind !== 'invalid-command') throw new Error('expected invalid-command');
    expect(result.left.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['data.efectiveFrom', 'data.identity.names.0.note', 'data.identity.shoeSize', 'actor.role']),
    );
    expect(await allEvents()).toEqual([]);
  });

  describe('bad input appends nothing', () => {
    const cases: Array<[string, { type: string; data: unknown }, unknown, string]> = [
      ['an unknown command type', { type: 'TeleportSubject', data: {} }, writer, 'type'],
      ['an impossible date', designateCommand({ effectiveFrom: '2024-02-30' }), writer, 'data.effectiveFrom'],
      ['an empty name', designateCommand({ identity: { names: [{ name: '', quality: 'primary' }] } }), writer, 'data.identity.names.0.name'],
      ['no legal basis', designateCommand({ legalBasis: [] }), writer, 'data.legalBasis'],
      ['no kind', designateCommand({ kind: undefined }), writer, 'data.kind'],
      ['no actor', designateCommand(), { source: writer.source }, 'actor'],
      ['no source', designateCommand(), { actor: writer.actor }, 'source'],
    ];
    it.each(cases)('refuses %s, naming the field', async (_label, command, metadata, field) => {
      const result = await handler.handle(command, metadata);
      if (E.isRight(result) || result.left.kind !== 'invalid-command') throw new Error('expected invalid-command');
      expect(result.left.errors.map((e) => e.path)).toContain(field);
      expect(await allEvents()).toEqual([]);
    });

    it('refuses delisting a subject not designated at that date', async () => {
      const result = await handler.handle(delistCommand(), writer);
      expect(E.isLeft(result) && result.left).toMatchObject({ kind: 'rule-violation', rule: 'not-designated', field: 'effectiveFrom' });
      expect(await allEvents()).toEqual([]);
    });

    it('refuses a duplicate designation and leaves only the first', async () => {
      await handler.handle(designateCommand(), writer);
      const result = await handler.handle(designateCommand({ effectiveFrom: '2025-01-01' }), writer);
      expect(E.isLeft(result) && result.left).toMatchObject({ kind: 'rule-violation', rule: 'overlapping-designation' });
      expect(await allEvents()).toHaveLength(1);
    });
  });

  describe('concurrency', () => {
    it('when another writer appends between read and append, then the command re-reads, re-decides and lands', async () => {
      await handler.handle(designateCommand(), writer);
      const racing = interferingStore(store, 1);
      const result = await new CommandHandler(racing.store).handle(delistCommand(), writer);
      expect(E.isRight(result) && result.right.status).toBe('accepted');
      expect(racing.conflicts()).toBe(1);
      expect((await store.readStream('subject-ro-kwang-chol')).map((e) => e.type)).toEqual(['SubjectDesignated', 'DesignationAmended', 'SubjectDelisted']);
    });

    it('when the stream keeps changing, then it reports a conflict after the bounded retries and appends nothing', async () => {
      await handler.handle(designateCommand(), writer);
      const racing = interferingStore(store, Infinity);
      const result = await new CommandHandler(racing.store, { maxRetries: 3 }).handle(delistCommand(), writer);
      expect(E.isLeft(result) && result.left).toMatchObject({ kind: 'conflict', attempts: 4 });
      expect(racing.conflicts()).toBe(4);
      const types = (await store.readStream('subject-ro-kwang-chol')).map((e) => e.type);
      expect(types).not.toContain('SubjectDelisted');
      expect(types).toHaveLength(1 + 4);
    });

    it('when many handlers designate the same subject at once, then exactly one designation is recorded', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => new CommandHandler(store).handle(designateCommand({ effectiveFrom: `2024-12-1${i}` }), writer)),
      );
      expect(results.filter(E.isRight)).toHaveLength(1);
      expect(results.filter((r) => E.isLeft(r) && r.left.kind === 'rule-violation')).toHaveLength(7);
      expect(await allEvents()).toHaveLength(1);
    });
  });
});

/**
 * The real store, with a real second writer: right after the handler reads the stream, another handler amends
 * the same subject (for the first `times` reads), so the handler's append meets a genuine revision conflict.
 */
function interferingStore(inner: EventStore, times: number) {
  let interferences = 0;
  const other = new CommandHandler(inner);
  const store: EventStore = Object.create(inner, {
    readStream: {
      value: async (...args: Parameters<EventStore['readStream']>) => {
        const events = await inner.readStream(...args);
        if (interferences < times) {
          interferences++;
          const amended = await other.handle(
            { type: 'AmendDesignation', data: { subjectId: 'ro-kwang-chol', regime: 'EU:RUS', effectiveFrom: '2025-01-01', changes: { reasons: `revision ${interferences}` } } },
            writer,
          );
          if (E.isLeft(amended)) throw new Error(JSON.stringify(amended.left));
        }
        return events;
      },
    },
  });
  return { store, conflicts: () => interferences };
}
