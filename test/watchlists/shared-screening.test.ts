/**
 * The service keeps ONE screening index (src/service/main.ts openServiceScreening): `POST /screenings` and the
 * watchlist follower (registrations and receipts) answer from the same ScreeningService, so the index (about
 * 44 MB on the real lists) is built and kept current once, not once each.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import { Ledger } from '../../src/ledger';
import { openServiceScreening } from '../../src/service/main';
import { watchlistConfig } from '../../src/watchlists';
import { AUTH, asReader, asWriter } from '../http/support';
import { projectedLedger } from '../support/projected-ledger';
import { designate } from './support';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close();
  cleanup = [];
});

async function service() {
  const ledger = projectedLedger();
  const watching = watchlistConfig({ LEDGER_WATCHLISTS_DB: join(mkdtempSync(join(tmpdir(), 'shared-screening-')), 'watchlists.db') });
  const { watchlists, server } = openServiceScreening(ledger.store, ledger.projector, watching);
  const app = await buildServer({ ledger: Ledger.over(ledger.store), projector: ledger.projector, auth: AUTH, ...server });
  cleanup.push(() => ledger.close(), () => watchlists.close(), () => app.close());
  return { ledger, watchlists, screening: server.screening, app };
}

describe('one screening index in the service', () => {
  it('given the service wiring, when a registration is screened and then POST /screenings answers, then the second finds the index the first built', async () => {
    // Given a listed subject and the service's parts
    const { ledger, watchlists, screening, app } = await service();
    await ledger.record('2024-05-01T00:00:00.000Z', designate('petrov', 'Ivan Petrov'));
    await ledger.projector.catchUp();
    expect(watchlists.follower.screening).toBe(screening);

    // When a watchlist entry is registered (the follower's screener builds the index)
    const created = await app.inject({ method: 'POST', url: '/watchlists', headers: asWriter, payload: { id: 'crm', entries: [{ id: 'a', name: 'Ivan Petrov' }] } });
    expect(created.statusCode).toBe(201);
    expect(screening.lastUpdate).toEqual({ kind: 'rebuilt' });

    // Then HTTP screening answers from that same index, unchanged, with the same match
    const screened = await app.inject({ method: 'POST', url: '/screenings', headers: asReader, payload: { name: 'Ivan Petrov' } });
    expect(screened.statusCode).toBe(200);
    expect(screened.json().matches.map((m: { subjectId: string }) => m.subjectId)).toEqual(['petrov']);
    expect(screening.lastUpdate).toEqual({ kind: 'unchanged' });
    expect(watchlists.store.currentMatches('crm').map((m) => m.match.subjectId)).toEqual(['petrov']);
  });
});
