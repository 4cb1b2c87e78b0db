/**
 * DESIGN.md section 4, worked example, with its exact answers. The EU listing takes effect on 2024-12-16 and
 * is recorded on 2024-12-17; the ledger must answer for both times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKED_EXAMPLE } from '../../src/seed/worked-example';
import { projectedLedger } from '../support/projected-ledger';

const ledger = projectedLedger();
const byId = (id: string) => WORKED_EXAMPLE.find((c) => (c.command.data as { resolutionId?: string }).resolutionId === id)!.command;
const listing = (subjectId: string, regime: string) =>
  WORKED_EXAMPLE.find((c) => (c.command.data as { subjectId?: string; regime?: string }).subjectId === subjectId && (c.command.data as { regime: string }).regime === regime)!.command;

beforeAll(async () => {
  await ledger.record('2024-12-10T08:00:00.000Z', byId('UNSC-1718'));
  await ledger.record('2024-12-10T08:00:00.000Z', byId('UNSC-2375'));
  await ledger.record('2024-12-10T08:00:00.000Z', byId('UNSC-2397'));
  await ledger.record('2024-12-16T18:00:00.000Z', byId('US-TREASURY-2024-12-16'));
  await ledger.record('2024-12-16T18:05:00.000Z', listing('ro-kwang-chol', 'US:RUSSIA-EO14024'));
  await ledger.record('2024-12-17T09:00:00.000Z', byId('EU-RUS-PACKAGE-15'));
  await ledger.record('2024-12-17T09:30:00.000Z', listing('ro-kwang-chol', 'EU:RUS'));
  await ledger.record('2024-12-17T09:31:00.000Z', listing('kim-yong-bok', 'EU:RUS'));
  await ledger.projector.catchUp();
});
afterAll(() => ledger.close());

const euOnly = async (asOf: string, knownAt?: string) => {
  const subject = await ledger.queries.subject('ro-kwang-chol', { asOf, ...(knownAt ? { knownAt } : {}) });
  return subject?.designations.filter((d) => d.regime === 'EU:RUS') ?? [];
};

describe('Was Ro Kwang Chol under an EU asset freeze?', () => {
  it('asOf 2024-12-16, knownAt now: designated, with its legal basis and measures', async () => {
    const [designation] = await euOnly('2024-12-16');
    expect(designation).toMatchObject({
      subjectId: 'ro-kwang-chol',
      designationId: 'EU:RUS@2024-12-16',
      authority: 'EU',
      regime: 'EU:RUS',
      primaryName: 'RO Kwang Chol',
      measures: ['asset-freeze', 'travel-ban'],
      legalBasis: ['EU-RUS-PACKAGE-15'],
      effectiveFrom: '2024-12-16',
      recordedAt: '2024-12-17T09:30:00.000Z',
    });
    expect(designation!.identity.names.map((n) => n.name)).toEqual(['RO Kwang Chol', 'NO Kwang-chol', '로광철']);
  });

  it('asOf 2024-12-15: not designated', async () => {
    expect(await euOnly('2024-12-15')).toEqual([]);
  });

  it('asOf 2024-12-17: designated', async () => {
    expect(await euOnly('2024-12-17')).toHaveLength(1);
  });

  it('asOf 2024-12-16, knownAt 2024-12-16T23:00Z: not designated (the ledger did not know yet)', async () => {
    expect(await euOnly('2024-12-16', '2024-12-16T23:00:00.000Z')).toEqual([]);
  });

  it('asOf 2024-12-16, knownAt 2024-12-16T23:00Z: the US designation was already known', async () => {
    const subject = await ledger.queries.subject('ro-kwang-chol', { asOf: '2024-12-16', knownAt: '2024-12-16T23:00:00.000Z' });
    expect(subject?.designations.map((d) => d.regime)).toEqual(['US:RUSSIA-EO14024']);
  });

  it('knownAt before anything about him was recorded: the subject is unknown', async () => {
    expect(await ledger.queries.subject('ro-kwang-chol', { asOf: '2024-12-16', knownAt: '2024-12-16T12:00:00.000Z' })).toBeUndefined();
  });

  it('the EU:RUS regime asOf 2024-12-16 lists Kim Yong Bok and Ro Kwang Chol; a day earlier nobody', async () => {
    const state = await ledger.queries.state({ asOf: '2024-12-16', regime: 'EU:RUS' });
    expect(state.designations.map((d) => d.primaryName)).toEqual(['KIM Yong Bok', 'RO Kwang Chol']);
    expect((await ledger.queries.state({ asOf: '2024-12-15', regime: 'EU:RUS' })).total).toBe(0);
  });

  it('the diff from 2024-12-15 to 2024-12-16 shows the three listings that came into force', async () => {
    const diff = await ledger.queries.diff({ from: '2024-12-15', to: '2024-12-16' });
    expect(diff.started.map((d) => `${d.subjectId} ${d.regime}`).sort()).toEqual(['kim-yong-bok EU:RUS', 'ro-kwang-chol EU:RUS', 'ro-kwang-chol US:RUSSIA-EO14024']);
    expect(diff.ended).toEqual([]);
  });

  it('finds him under either transliteration', async () => {
    expect((await ledger.queries.searchNames('No Kwang-chol')).map((m) => m.subjectId)).toEqual(['ro-kwang-chol']);
    expect((await ledger.queries.searchNames('ro kwang')).map((m) => m.subjectId)).toEqual(['ro-kwang-chol']);
  });

  it('UN resolution 1718 is recorded with its measures; its history has both times and the source', async () => {
    expect(await ledger.queries.resolution('UNSC-1718')).toMatchObject({ authority: 'UN', regimes: ['UN:DPRK'], adoptedOn: '2006-10-14' });
    const [adopted] = await ledger.queries.resolutionHistory('UNSC-1718');
    expect(adopted).toMatchObject({ type: 'ResolutionAdopted', effectiveFrom: '2006-10-14', recordedAt: '2024-12-10T08:00:00.000Z', actor: { id: 'test' } });
  });
});
