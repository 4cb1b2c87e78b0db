/**
 * An import leaves the event loop answering (issue 10 item 10): the plan and the decider check run as steps in
 * time slices that give the loop back between them, and give exactly the answer they give at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importSnapshot } from '../../src/importers/import';
import { loadListView } from '../../src/importers/import/current-view';
import { checkPlan, checkPlanSteps } from '../../src/importers/import/decider-check';
import { planImport, planImportSteps } from '../../src/importers/import/plan';
import { runAtOnce, runInSlices, type Steps } from '../../src/scheduling/steps';
import { TimeSlice } from '../../src/scheduling/time-slice';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { turnsDuring } from '../support/loop-turns';
import { data, parsed } from './fixtures';

/** Steps that each hold the thread for `ms`, as a large plan does, then return their count. */
function* busySteps(count: number, ms: number): Steps<number> {
  for (let i = 0; i < count; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // holding the thread on purpose
    }
    yield;
  }
  return count;
}


describe('time slices', () => {
  it('given work longer than a slice, when run in slices, then the event loop gets turns before it ends', async () => {
    const { result, turns } = await turnsDuring(() => runInSlices(busySteps(20, 1), new TimeSlice(5)));
    expect(result).toBe(20);
    expect(turns).toBeGreaterThanOrEqual(2);
  });

  it('given the same work, when run at once, then the loop gets no turn until it ends', async () => {
    const { result, turns } = await turnsDuring(() => runAtOnce(busySteps(20, 1)));
    expect(result).toBe(20);
    expect(turns).toBe(0);
  });
});

describe('plan and check of a real list, in steps', () => {
  let store: SqliteEventStore;
  let projector: Projector;
  beforeEach(() => {
    store = SqliteEventStore.open(':memory:');
    projector = Projector.open(store, ':memory:');
  });
  afterEach(async () => {
    await projector.close();
    await store.close();
  });

  it('given the UN list of 2017-06-20 held, when the next file is planned and checked in slices, then the answer equals the one at once and every entry is a step', async () => {
    const first = await parsed('un-xml', [data('un/un_consolidated_2017-06-20.xml')]);
    await importSnapshot({ ledger: Ledger.over(store), projector }, first, { now: () => new Date('2017-06-21T00:00:00Z') });
    await projector.catchUp();
    const next = await parsed('un-xml', [data('un/un_consolidated_2017-06-30.xml')]);
    const view = loadListView(projector.db, 'UN', next.publishedOn);

    let steps = 0;
    const counted = function* <T>(inner: Steps<T>): Steps<T> {
      for (let step = inner.next(); ; step = inner.next()) {
        if (step.done) return step.value;
        steps++;
        yield;
      }
    };
    const plan = await runInSlices(counted(planImportSteps(next, view)), new TimeSlice(0));
    expect(steps).toBeGreaterThanOrEqual(next.entries.length);
    expect(plan).toEqual(planImport(next, view));
    expect(plan.changes.length).toBeGreaterThan(0);

    steps = 0;
    const refusals = await runInSlices(counted(checkPlanSteps(plan, view)), new TimeSlice(0));
    expect(steps).toBe(plan.changes.length);
    expect(refusals).toEqual(checkPlan(plan, view));
  });
});
