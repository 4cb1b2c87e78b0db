/**
 * The worked example of DESIGN.md section 4 through HTTP: the EU listing of Ro Kwang Chol, effective
 * 2024-12-16, recorded on 2024-12-17.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asReader, asWriter, SOURCE, testService, type TestService } from './support';

describe('queries through HTTP, worked example', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await testService({ seed: true, recordedAt: '2024-12-17T09:00:00.000Z' });
  });
  afterAll(() => service.close());

  const get = async (url: string) => {
    const response = await service.app.inject({ url, headers: asReader });
    return { status: response.statusCode, body: response.json() };
  };
  const regimesOf = (body: { designations: Array<{ regime: string }> }) => body.designations.map((d) => d.regime).sort();

  it('asOf 2024-12-16: Ro is designated under EU:RUS', async () => {
    const { status, body } = await get('/subjects/ro-kwang-chol?asOf=2024-12-16');
    expect(status).toBe(200);
    expect(body).toMatchObject({ subjectId: 'ro-kwang-chol', kind: 'person', asOf: '2024-12-16' });
    expect(regimesOf(body)).toEqual(['EU:RUS', 'US:RUSSIA-EO14024']);
    const eu = body.designations.find((d: { regime: string }) => d.regime === 'EU:RUS');
    expect(eu).toMatchObject({ measures: ['asset-freeze', 'travel-ban'], legalBasis: ['EU-RUS-PACKAGE-15'], effectiveFrom: '2024-12-16' });
  });

  it('asOf 2024-12-15: not designated', async () => {
    const { status, body } = await get('/subjects/ro-kwang-chol?asOf=2024-12-15');
    expect(status).toBe(200);
    expect(body.designations).toEqual([]);
  });

  it('knownAt before the events were recorded: not designated (the ledger did not know yet)', async () => {
    const state = await get('/state?asOf=2024-12-16&knownAt=2024-12-16T23:00:00Z&regime=EU:RUS');
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ asOf: '2024-12-16', knownAt: '2024-12-16T23:00:00.000Z', total: 0, designations: [] });
    // The subject itself was not known then either.
    expect((await get('/subjects/ro-kwang-chol?asOf=2024-12-16&knownAt=2024-12-16T23:00:00Z')).status).toBe(404);
    const later = await get('/subjects/ro-kwang-chol?asOf=2024-12-16&knownAt=2024-12-17T10:00:00Z');
    expect(regimesOf(later.body)).toContain('EU:RUS');
  });

  it('GET /state filters by authority and regime and pages', async () => {
    const eu = await get('/state?asOf=2024-12-16&regime=EU:RUS');
    expect(eu.body.total).toBe(2);
    expect(eu.body.designations.map((d: { subjectId: string }) => d.subjectId).sort()).toEqual(['kim-yong-bok', 'ro-kwang-chol']);
    const us = await get('/state?asOf=2024-12-16&authority=US&limit=1&offset=1');
    expect(us.body.total).toBe(2);
    expect(us.body.designations).toHaveLength(1);
  });

  it('GET /subjects/{id}/history lists every event with both times, actor and source', async () => {
    const { status, body } = await get('/subjects/ro-kwang-chol/history');
    expect(status).toBe(200);
    expect(body).toHaveLength(2);
    expect(body[0]).toMatchObject({ type: 'SubjectDesignated', effectiveFrom: '2024-12-16', recordedAt: '2024-12-17T09:00:00.000Z', actor: { id: 'seed:worked-example' } });
    expect(body[0].source.exampleData).toBe(true);
  });

  it('GET /subjects/{id}/designations/{designationId}/history', async () => {
    const subject = await get('/subjects/ro-kwang-chol?asOf=2024-12-16');
    const designationId = subject.body.designations.find((d: { regime: string }) => d.regime === 'EU:RUS').designationId as string;
    const { status, body } = await get(`/subjects/ro-kwang-chol/designations/${encodeURIComponent(designationId)}/history`);
    expect(status).toBe(200);
    expect(body.map((e: { type: string }) => e.type)).toEqual(['SubjectDesignated']);
  });

  it('GET /resolutions, /resolutions/{id} and its history', async () => {
    const all = await get('/resolutions');
    expect(all.body.map((r: { resolutionId: string }) => r.resolutionId)).toEqual(
      expect.arrayContaining(['UNSC-1718', 'UNSC-2375', 'UNSC-2397', 'EU-RUS-PACKAGE-15', 'US-TREASURY-2024-12-16']),
    );
    const un = await get('/resolutions?authority=UN');
    expect(un.body).toHaveLength(3);
    const one = await get('/resolutions/UNSC-1718');
    expect(one.body).toMatchObject({ resolutionId: 'UNSC-1718', authority: 'UN', adoptedOn: '2006-10-14' });
    const history = await get('/resolutions/UNSC-1718/history');
    expect(history.body.map((e: { type: string }) => e.type)).toEqual(['ResolutionAdopted']);
  });

  it('GET /diff: what started between two dates', async () => {
    const { status, body } = await get('/diff?from=2024-12-15&to=2024-12-16&regime=EU:RUS');
    expect(status).toBe(200);
    expect(body.started.map((d: { subjectId: string }) => d.subjectId).sort()).toEqual(['kim-yong-bok', 'ro-kwang-chol']);
    expect(body.ended).toEqual([]);
    const before = await get('/diff?from=2024-12-15&to=2024-12-16&knownAt=2024-12-16T23:00:00Z');
    expect(before.body.started).toEqual([]);
  });

  it('GET /names finds Ro under the South Korean romanisation', async () => {
    const { status, body } = await get('/names?q=no%20kwang%20chol');
    expect(status).toBe(200);
    expect(body.matches.map((m: { subjectId: string }) => m.subjectId)).toContain('ro-kwang-chol');
  });

  it('a delisting written over HTTP is visible to the very next read', async () => {
    service.setClock('2025-01-10T08:00:00.000Z');
    const delisted = await service.app.inject({
      method: 'POST',
      url: '/subjects/kim-yong-bok/delistings',
      headers: asWriter,
      payload: { data: { regime: 'EU:RUS', effectiveFrom: '2025-01-15', legalBasis: ['EU-RUS-PACKAGE-15'], reason: 'test delisting' }, source: SOURCE },
    });
    expect(delisted.statusCode).toBe(201);
    const after = await get('/subjects/kim-yong-bok?asOf=2025-01-20');
    expect(regimesOf(after.body)).toEqual(['US:RUSSIA-EO14024']);
    const before = await get('/subjects/kim-yong-bok?asOf=2025-01-20&knownAt=2025-01-10T07:59:59Z');
    expect(regimesOf(before.body)).toEqual(['EU:RUS', 'US:RUSSIA-EO14024']);
  });
});
