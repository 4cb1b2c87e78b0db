/**
 * Screening on registration and on every change (DESIGN.md section 13), given/when/then over a real projected
 * ledger: Created, Changed and Ended notifications with receipts that verify; the follower's checkpoint and
 * results commit together; candidates come from the key index.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ScreeningService } from '../../src/screening';
import { FOLLOWER_CHECKPOINT } from '../../src/watchlists/follower';
import { delist, designate, rename, watchlistLedger } from './support';

let ledger: ReturnType<typeof watchlistLedger>;
afterEach(async () => ledger.close());

const types = () => ledger.store.notificationsAfter(0).map((n) => `${n.event.type} ${n.event.data.entryId} ${n.event.data.subjectId}`);

describe('screen on registration', () => {
  it('given a subject already listed, when a watchlist with a variant spelling is created, then a Created notification with a verifiable receipt is recorded', async () => {
    ledger = watchlistLedger();
    await ledger.run(designate('petrov', 'Ivan Petrov'));
    await ledger.projector.catchUp();
    const changed = ledger.watchlists.create('customers', [{ id: 'c1', name: 'Ivan Petrof' }, { id: 'c2', name: 'Maria Schmidt' }]);
    expect(changed.notifications).toBe(1);
    expect(types()).toEqual(['org.sanctions-ledger.WatchlistMatchCreated.v1 c1 petrov']);
    const [n] = ledger.store.notificationsAfter(0);
    expect(n!.event.subject).toBe('customers/c1');
    expect(new ScreeningService(ledger.projector).verify(n!.event.data.receipt!).same).toBe(true);
    expect(ledger.watchlists.matches('customers').map((m) => [m.entryId, m.match.subjectId])).toEqual([['c1', 'petrov']]);
  });

  it('given a matching entry, when it is replaced by an unrelated name, then its match is Ended', async () => {
    ledger = watchlistLedger();
    await ledger.run(designate('petrov', 'Ivan Petrov'));
    await ledger.projector.catchUp();
    ledger.watchlists.create('customers', [{ id: 'c1', name: 'Ivan Petrov' }]);
    ledger.watchlists.replace('customers', [{ id: 'c1', name: 'Maria Schmidt' }]);
    expect(types()).toEqual(['org.sanctions-ledger.WatchlistMatchCreated.v1 c1 petrov', 'org.sanctions-ledger.WatchlistMatchEnded.v1 c1 petrov']);
    expect(ledger.watchlists.matches('customers')).toEqual([]);
  });
});

describe('screen on every change', () => {
  it('given a watchlist, when a matching subject is designated, amended (a contradicting birth date), renamed away and back, then delisted, then Created, Changed, Ended, Created, Ended follow in order', async () => {
    ledger = watchlistLedger();
    await ledger.run(designate('other', 'Somebody Else'));
    await ledger.projector.catchUp();
    ledger.watchlists.create('customers', [{ id: 'c1', name: 'Kim Chol Su', birthDate: '1960' }, { id: 'c2', name: 'Unrelated Person' }]);
    await ledger.follower.catchUp();
    expect(types()).toEqual([]);

    await ledger.run(designate('kim', 'Kim Chol Su'));
    await ledger.follower.catchUp();
    await ledger.run(rename('kim', 'Kim Chol Su', { birthDates: ['1975'] }));
    await ledger.follower.catchUp();
    await ledger.run(rename('kim', 'Sergei Ivanov'));
    await ledger.follower.catchUp();
    await ledger.run(rename('kim', 'Kim Chol Su'));
    await ledger.follower.catchUp();
    await ledger.run(delist('kim'));
    await ledger.follower.catchUp();

    expect(types()).toEqual([
      'org.sanctions-ledger.WatchlistMatchCreated.v1 c1 kim',
      'org.sanctions-ledger.WatchlistMatchChanged.v1 c1 kim',
      'org.sanctions-ledger.WatchlistMatchEnded.v1 c1 kim',
      'org.sanctions-ledger.WatchlistMatchCreated.v1 c1 kim',
      'org.sanctions-ledger.WatchlistMatchEnded.v1 c1 kim',
    ]);
    const history = ledger.watchlists.history('customers', 'c1');
    expect(history.map((h) => h.data.cause)).toMatchObject([
      { by: 'event', eventType: 'SubjectDesignated' },
      { by: 'event', eventType: 'DesignationAmended' },
      { by: 'event', eventType: 'DesignationAmended' },
      { by: 'event', eventType: 'DesignationAmended' },
      { by: 'event', eventType: 'SubjectDelisted' },
    ]);
    expect(history[1]!.data).toMatchObject({ previousScore: 1, score: 0.85 });
    expect(ledger.watchlists.matches('customers')).toEqual([]);
  });

  it('given the follower caught up, when it runs again, then nothing is repeated and its checkpoint is the last position', async () => {
    ledger = watchlistLedger();
    ledger.watchlists.create('customers', [{ id: 'c1', name: 'Ivan Petrov' }]);
    await ledger.run(designate('petrov', 'Ivan Petrov'));
    const last = await ledger.run(designate('x', 'Nobody Related'));
    await ledger.follower.catchUp();
    await ledger.follower.catchUp();
    expect(types()).toEqual(['org.sanctions-ledger.WatchlistMatchCreated.v1 c1 petrov']);
    expect(ledger.store.checkpoint(FOLLOWER_CHECKPOINT)?.position).toBe(last.events.at(-1)!.position);
  });

  it('given many unrelated entries, when candidates are looked up for a listed name, then only entries screening could pair come back', async () => {
    ledger = watchlistLedger();
    const entries = Array.from({ length: 500 }, (_, i) => ({ id: `e${i}`, name: `Zed${i} Qux${i}` }));
    ledger.watchlists.create('big', [...entries, { id: 'hit', name: 'Ivan Petrov' }]);
    const found = ledger.store.candidatesOf([{ names: [{ name: 'Ivan Petrov', quality: 'primary' }], identifiers: [] } as never]);
    expect(found.map((c) => c.entry.id)).toEqual(['hit']);
  });
});
