/**
 * The projector's transactions are bounded in time (issue 10 item 10): a page of the log is applied in as many
 * transactions as its budget asks, with a turn of the event loop between them, and an empty log's first load
 * leaves the read models loaded, so that a first import is followed in those batches rather than bulk-loaded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { designatedEvent } from '../../bench/support';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { turnsDuring } from '../support/loop-turns';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function files() {
  const dir = mkdtempSync(join(tmpdir(), 'projector-transactions-'));
  dirs.push(dir);
  return { ledger: join(dir, 'ledger.db'), views: join(dir, 'views.db'), rebuilt: join(dir, 'rebuilt.db') };
}


const designations = (from: number, count: number) => Array.from({ length: count }, (_, i) => designatedEvent(from + i));

describe('projector transactions', () => {
  it('given an empty ledger, when it is loaded and then 60 events are appended, then they are followed one transaction per event with the loop turning between, and the read models equal a rebuild', async () => {
    const { ledger, views, rebuilt } = files();
    const store = SqliteEventStore.open(ledger);
    const projector = Projector.open(store, views, { transactionBudgetMs: 0 });
    expect(await projector.catchUp()).toBe(0);
    // Loaded with nothing applied: a checkpoint row with no position for every read model.
    expect(projector.db.prepare('SELECT count(*) AS n, count(position) AS at FROM checkpoints').get()).toEqual({ n: 5, at: 0 });

    const appended = await store.appendMany!(Array.from({ length: 3 }, (_, s) => ({ streamId: `subject-t${s}`, events: designations(s * 20, 20) })));
    const { result: applied, turns } = await turnsDuring(() => projector.catchUp());
    expect(applied).toBe(60);
    expect(turns).toBeGreaterThanOrEqual(59);
    const head = appended[appended.length - 1]!.position;
    expect(Object.values(projector.checkpoints())).toEqual(Array(5).fill(head));

    const fresh = Projector.open(store, rebuilt);
    await fresh.rebuild();
    const knownAt = new Date().toISOString();
    for (const asOf of ['2019-01-04', '2030-01-01']) expect(await projector.queries.state({ asOf, knownAt })).toEqual(await fresh.queries.state({ asOf, knownAt }));
    await fresh.close();
    await projector.close();
    await store.close();
  });

  it('given a views file loaded from an empty log, when a projector opens it again, then it does not load it again and follows what was appended', async () => {
    const { ledger, views } = files();
    const store = SqliteEventStore.open(ledger);
    const first = Projector.open(store, views);
    await first.catchUp();
    await first.close();
    await store.appendToStream('subject-t0', designations(0, 5));
    const again = Projector.open(store, views);
    expect(await again.catchUp()).toBe(5);
    expect((await again.queries.state({ asOf: '2030-01-01', knownAt: new Date().toISOString() })).total).toBe(5);
    await again.close();
    await store.close();
  });
});
