/**
 * The SQLite store's command id table (DESIGN.md section 5): filled once from the events of a store created before
 * it existed, so an old ledger keeps the rule for the ids it already holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandIdInUseError } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { envelopeInput } from '../support/events';

const dir = mkdtempSync(join(tmpdir(), 'ledger-command-ids-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const under = (commandId: string, n = 1) => ({ type: 'TestHappened', data: { n }, envelope: envelopeInput({ commandId } as never) });

/** What a store file written before the table looks like: the events, no command_ids, no marker. */
function asBeforeTheTable(path: string): void {
  const raw = new Database(path);
  raw.exec("DROP TABLE command_ids; DELETE FROM store_meta WHERE key = 'command_ids'");
  raw.close();
}

describe('SQLite command ids', () => {
  it('given a store from before the table, when it is opened, then every recorded id is bound to its stream and a reuse elsewhere is refused', async () => {
    const path = join(dir, 'old.db');
    const before = SqliteEventStore.open(path);
    await before.appendToStream('subject-a', [under('cmd-a', 1), under('cmd-a', 2)]);
    await before.appendToStream('subject-b', [under('cmd-b')]);
    await before.close();
    asBeforeTheTable(path);

    const reopened = SqliteEventStore.open(path);
    const refused = await reopened.appendToStream('subject-c', [under('cmd-a')]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CommandIdInUseError);
    expect(refused).toMatchObject({ boundTo: 'subject-a', streamId: 'subject-c' });
    await reopened.appendToStream('subject-b', [under('cmd-b', 2)]);
    expect(reopened.db.prepare('SELECT command_id, stream_id FROM command_ids ORDER BY command_id').all()).toEqual([
      { command_id: 'cmd-a', stream_id: 'subject-a' },
      { command_id: 'cmd-b', stream_id: 'subject-b' },
    ]);
    await reopened.close();
  });

  it('given an old store where one id already spans two streams, when it is opened, then the id stays with the stream that recorded it first', async () => {
    const path = join(dir, 'split.db');
    const before = SqliteEventStore.open(path);
    await before.appendToStream('subject-first', [under('cmd-split')]);
    before.db.exec('DELETE FROM command_ids'); // as if the rule had not been there
    await before.appendToStream('subject-second', [under('cmd-split')]);
    await before.close();
    asBeforeTheTable(path);

    const reopened = SqliteEventStore.open(path);
    await expect(reopened.appendToStream('subject-second', [under('cmd-split', 2)])).rejects.toMatchObject({ boundTo: 'subject-first' });
    await reopened.appendToStream('subject-first', [under('cmd-split', 2)]);
    await reopened.close();
  });

  it('given a store opened again, when it opens, then the table is not filled a second time (the marker stays)', async () => {
    const path = join(dir, 'twice.db');
    const store = SqliteEventStore.open(path);
    await store.appendToStream('s', [under('cmd-once')]);
    store.db.exec("DELETE FROM command_ids WHERE command_id = 'cmd-once'");
    await store.close();

    const again = SqliteEventStore.open(path);
    expect(again.db.prepare("SELECT count(*) AS n FROM command_ids WHERE command_id = 'cmd-once'").get()).toEqual({ n: 0 });
    await again.close();
  });
});
