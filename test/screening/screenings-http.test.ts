/**
 * POST /screenings and POST /screenings/verify through the real HTTP service, on the worked example
 * (src/seed/worked-example.ts) recorded at a known instant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../src/screening';
import { asReader, asWriter, designation, SOURCE, testService, type TestService } from '../http/support';

const RECORDED = '2024-12-16T10:00:00.000Z';
let service: TestService;

beforeAll(async () => {
  service = await testService({ seed: true, recordedAt: RECORDED });
});
afterAll(async () => service.close());

const screen = (body: unknown, headers = asReader) => service.app.inject({ method: 'POST', url: '/screenings', headers, payload: body as object });

describe('POST /screenings on the worked example', () => {
  it('given the alias spelling "No Kwang-chol", when screened on 2024-12-16, then Ro Kwang Chol matches with a sealed receipt', async () => {
    const response = await screen({ name: 'No Kwang-chol', asOf: '2024-12-16' });
    expect(response.statusCode).toBe(200);
    const receipt = response.json();
    expect(receipt.matches.map((m: { subjectId: string }) => m.subjectId)).toContain('ro-kwang-chol');
    expect(receipt.basis).toMatchObject({ asOf: '2024-12-16', position: expect.any(String) });
    expect(receipt.algorithm).toEqual({ name: 'ledger-token-set', version: '1.2.0' });
    expect(receipt.threshold).toBe(0.85);
    expect(receipt.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given the day before the designations took effect, when screened, then nothing matches', async () => {
    const receipt = (await screen({ name: 'No Kwang-chol', asOf: '2024-12-15' })).json();
    expect(receipt.matches).toEqual([]);
  });

  it('given a knownAt before the ledger recorded the designations, when screened, then nothing matches', async () => {
    const receipt = (await screen({ name: 'No Kwang-chol', asOf: '2024-12-16', knownAt: '2024-12-16T09:59:59.999Z' })).json();
    expect(receipt.matches).toEqual([]);
  });

  it('given the name in Hangul, when screened, then it matches through romanisation', async () => {
    const receipt = (await screen({ name: '로광철', asOf: '2024-12-16' })).json();
    expect(receipt.matches.map((m: { subjectId: string }) => m.subjectId)).toContain('ro-kwang-chol');
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(10_000) }, 'name'],
    [{ name: 'Ro\u0000Kwang' }, 'name'],
    [{ name: 'Ro', asOf: '2024-02-30' }, 'asOf'],
    [{ name: 'Ro', asOf: '9999-12-31' }, 'asOf'],
    [{ name: 'Ro', threshold: 1.5 }, 'threshold'],
    [{ name: 'Ro', limit: 0 }, 'limit'],
    [{ name: 'Ro', regimes: ['nonsense'] }, 'regimes.0'],
    [{ name: 'Ro', treshold: 0.5 }, 'treshold'],
    [{ name: 'Ro', identifiers: [{ value: 'AB123', number: 1 }] }, 'identifiers.0.number'],
  ])('given the bad request %j, when screened, then 400 names the field %s', async (body, field) => {
    const response = await screen(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('given a knownAt in the future, when screened, then 400 names knownAt', async () => {
    const response = await screen({ name: 'Ro', knownAt: '2999-01-01T00:00:00.000Z' });
    expect(response.statusCode).toBe(400);
    expect(response.json().parameter).toBe('knownAt');
  });

  it('given no token, when screened, then 401', async () => {
    expect((await screen({ name: 'Ro' }, {} as typeof asReader)).statusCode).toBe(401);
  });

  it('given the OpenAPI document, when read, then it documents both screening routes', async () => {
    const doc = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/screenings', '/screenings/verify']));
  });
});

describe('POST /screenings/verify', () => {
  const verify = (body: unknown) => service.app.inject({ method: 'POST', url: '/screenings/verify', headers: asReader, payload: body as object });

  it('given an untouched receipt, when verified, then the answer is the same', async () => {
    const receipt = (await screen({ name: 'No Kwang-chol', asOf: '2024-12-16' })).json();
    const outcome = (await verify(receipt)).json();
    expect(outcome).toMatchObject({ same: true, differences: [] });
  });

  it('given a receipt whose score was edited, when verified, then it names the altered receipt and the changed score', async () => {
    const receipt = (await screen({ name: 'No Kwang-chol', asOf: '2024-12-16' })).json();
    receipt.matches[0].score = 0.5;
    const outcome = (await verify(receipt)).json();
    expect(outcome.same).toBe(false);
    expect(outcome.differences.map((d: { kind: string }) => d.kind)).toEqual(['receipt-altered', 'score-changed']);
  });

  it('given a receipt issued before a new designation, when verified, then it is still the same; the same query known later names the match gained', async () => {
    const before = (await screen({ name: 'Ivana Testova', asOf: '2025-01-02', knownAt: '2024-12-31T00:00:00.000Z' })).json();
    expect(before.matches).toEqual([]);
    service.setClock('2025-01-01T00:00:00.000Z');
    const listed = designation('ivana-testova', { identity: { names: [{ name: 'Ivana Testova', quality: 'primary' }] }, effectiveFrom: '2025-01-01' });
    expect((await service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: asWriter, payload: listed })).statusCode).toBe(201);

    expect((await verify(before)).json()).toMatchObject({ same: true, differences: [] });
    // The receipt presented with a later knownAt (re-sealed, as if issued then with the old answer).
    const later = { ...before, basis: { ...before.basis, knownAt: '2025-01-01T00:00:00.000Z' } };
    const outcome = (await verify(later)).json();
    expect(outcome.differences.map((d: { kind: string; subjectId?: string }) => [d.kind, d.subjectId])).toEqual([['receipt-altered', undefined], ['match-gained', 'ivana-testova']]);
  });

  it('given a receipt sealed by the previous algorithm version, when verified, then it names the algorithm change, not an altered receipt', async () => {
    // Given a receipt as ledger-token-set 1.1.0 issued it (intact: sealed with that version)
    const { sha256: _, ...body } = (await screen({ name: 'No Kwang-chol', asOf: '2024-12-16' })).json();
    const old = seal({ ...body, algorithm: { name: 'ledger-token-set', version: '1.1.0' } });
    // When verified by the current version, then the one difference is the algorithm (this match scores alike in both)
    const outcome = (await verify(old)).json();
    expect(outcome.same).toBe(false);
    expect(outcome.differences).toEqual([{ kind: 'algorithm-changed', message: 'issued by ledger-token-set 1.1.0, re-run with ledger-token-set 1.2.0' }]);
  });

  it('given something that is not a receipt, when verified, then 400 names the field', async () => {
    const response = await verify({ basis: { asOf: '2024-12-16' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toContain('basis.knownAt');
  });
});
