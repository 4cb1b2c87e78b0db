/** A batch of commands is decided in order and recorded all or none (the importer's path). */
import * as E from 'fp-ts/Either';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../src/commands/command-handler';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { designate } from '../support/fixtures';
import { writer } from '../support/metadata';

let store: SqliteEventStore;
let handler: CommandHandler;
beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
  handler = new CommandHandler(store);
});
afterEach(() => store.close());

const designation = (subjectId: string, id: string) => ({ command: { type: 'DesignateSubject', data: { ...designate(), subjectId } }, metadata: { ...writer, commandId: id } });
const delisting = (subjectId: string, id: string, effectiveFrom = '2025-06-01') => ({
  command: { type: 'DelistSubject', data: { subjectId, regime: 'EU:RUS', effectiveFrom, legalBasis: ['EU-2025/1'], reason: 'annulled' } },
  metadata: { ...writer, commandId: id },
});

describe('handleAll', () => {
  it('decides commands on one stream in order and records the batch in one step', async () => {
    expect(handler.atomicBatches).toBe(true);
    const result = await handler.handleAll([designation('a', 'c1'), delisting('a', 'c2'), designation('b', 'c3')]);
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
    expect(result.right.map((r) => [r.status, r.events.map((e) => `${e.type}@${e.revision}`)])).toEqual([
      ['accepted', ['SubjectDesignated@0']],
      ['accepted', ['SubjectDelisted@1']],
      ['accepted', ['SubjectDesignated@0']],
    ]);
    const log = await store.readAll({ maxCount: 10 });
    expect(log).toHaveLength(3);
    expect(new Set(log.map((e) => e.envelope.recordedAt)).size).toBe(1);
  });

  it('records nothing when one command is refused, and says which', async () => {
    const result = await handler.handleAll([designation('a', 'c1'), designation('b', 'c2'), delisting('a', 'c3', '2020-01-01')]);
    expect(E.isLeft(result) && result.left).toMatchObject({ index: 2, failure: { kind: 'rule-violation', rule: 'delisting-before-designation' } });
    expect(await store.readAll({ maxCount: 10 })).toEqual([]);
  });

  it('returns duplicates for commands already recorded and appends only the new ones', async () => {
    await handler.handleAll([designation('a', 'c1')]);
    const again = await handler.handleAll([designation('a', 'c1'), designation('b', 'c2')]);
    expect(E.isRight(again) && again.right.map((r) => r.status)).toEqual(['duplicate', 'accepted']);
    expect(await store.readAll({ maxCount: 10 })).toHaveLength(2);
  });
});
