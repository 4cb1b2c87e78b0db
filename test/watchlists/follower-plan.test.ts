/**
 * The follower plans a batch's screening off its transaction, in time slices, and commits it in one short
 * transaction that re-checks each planned entry (screener.ts planSubjects / commitPlan). Given/when/then over a
 * real projected ledger: what changed between the plan and the commit (a rename, a removal, a registration that
 * already recorded the match) is not recorded as planned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadScreeningEntries } from '../../src/screening';
import { runAtOnce } from '../../src/scheduling/steps';
import type { Cause } from '../../src/watchlists/notification';
import { designate, watchlistLedger } from './support';

let ledger: ReturnType<typeof watchlistLedger>;
afterEach(async () => ledger.close());

const types = () => ledger.store.notificationsAfter(0).map((n) => `${n.event.type} ${n.event.data.entryId} ${n.event.data.subjectId}`);
const CREATED = 'org.sanctions-ledger.WatchlistMatchCreated.v1';

/** Given a watchlist entry "Ivan Petrov" and then the designation of a subject of that name, the plan of that batch. */
async function planOfPetrovDesignation() {
  ledger = watchlistLedger();
  ledger.watchlists.create('customers', [{ id: 'c1', name: 'Ivan Petrov' }, { id: 'c2', name: 'Maria Schmidt' }]);
  const appended = await ledger.run(designate('petrov', 'Ivan Petrov'));
  await ledger.projector.catchUp();
  const last = appended.events.at(-1)!;
  const cause: Cause = { by: 'event', eventId: 'e', position: last.position, eventType: 'SubjectDesignated' };
  const screener = ledger.follower.registration;
  const plan = runAtOnce(screener.planSubjects(loadScreeningEntries(ledger.projector.db, ['petrov']), new Set(['petrov']), () => cause));
  return { screener, plan };
}

describe('a batch planned off the transaction', () => {
  it('given a plan with a new match, when nothing moved before the commit, then only the commit records it', async () => {
    const { screener, plan } = await planOfPetrovDesignation();
    expect(types()).toEqual([]);
    expect(plan.entries.map((e) => e.located.entry.id)).toEqual(['c1']);
    expect(ledger.store.transaction(() => screener.commitPlan(plan))).toBe(1);
    expect(types()).toEqual([`${CREATED} c1 petrov`]);
  });

  it('given a plan with a new match, when the entry is renamed to an unrelated name before the commit, then the commit screens the file\'s entry and records nothing', async () => {
    const { screener, plan } = await planOfPetrovDesignation();
    ledger.watchlists.replace('customers', [{ id: 'c1', name: 'Hans Weber' }, { id: 'c2', name: 'Maria Schmidt' }]);
    expect(ledger.store.transaction(() => screener.commitPlan(plan))).toBe(0);
    expect(types()).toEqual([]);
    expect(ledger.watchlists.matches('customers')).toEqual([]);
  });

  it('given a plan with a new match, when the entry is removed before the commit, then the commit records nothing for it', async () => {
    const { screener, plan } = await planOfPetrovDesignation();
    ledger.watchlists.replace('customers', [{ id: 'c2', name: 'Maria Schmidt' }]);
    expect(ledger.store.transaction(() => screener.commitPlan(plan))).toBe(0);
    expect(types()).toEqual([]);
  });

  it('given a plan with a new match, when a registration recorded that match before the commit, then it is not recorded twice', async () => {
    const { screener, plan } = await planOfPetrovDesignation();
    // Registered again (a bulk load's screening, another client): screened against the state that holds the batch.
    ledger.watchlists.add('customers', [{ id: 'c1', name: 'Ivan Petrov' }]);
    expect(types()).toEqual([`${CREATED} c1 petrov`]);
    expect(ledger.store.transaction(() => screener.commitPlan(plan))).toBe(0);
    expect(types()).toEqual([`${CREATED} c1 petrov`]);
  });
});
