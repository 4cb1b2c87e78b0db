/**
 * POST /screenings/batch through the real HTTP service, on the worked example (src/seed/worked-example.ts)
 * recorded at a known instant: NDJSON and CSV bodies, bad lines answered in place, lookback, limits.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asReader, testService, type TestService } from '../http/support';

const RECORDED = '2024-12-16T10:00:00.000Z';
let service: TestService;

beforeAll(async () => {
  service = await testService({ seed: true, recordedAt: RECORDED });
});
afterAll(async () => service.close());

type Answer = Record<string, any>;
const ndjsonBody = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');
const batch = (body: string, query = 'asOf=2024-12-16', contentType = 'application/x-ndjson') =>
  service.app.inject({ method: 'POST', url: `/screenings/batch?${query}`, headers: { ...asReader, 'content-type': contentType }, payload: body });
const answersOf = (payload: string): Answer[] => payload.trimEnd().split('\n').map((l) => JSON.parse(l) as Answer);
const subjects = (matches: Answer[]) => matches.map((m) => m.subjectId);

describe('POST /screenings/batch', () => {
  it.each(['text/csv', 'application/x-ndjson'])('given %s saved as Windows-1252 ("José" on line 3), when screened, then the lines before are answered and line 3 ends the answer naming it', async (type) => {
    const text = type === 'text/csv' ? 'id,name\nc-1,Jane Doe\nc-2,José Roe\n' : '{"id":"c-0","name":"Jane Doe"}\n\n{"id":"c-2","name":"José Roe"}\n';
    const response = await service.app.inject({ method: 'POST', url: '/screenings/batch?asOf=2024-12-16', headers: { ...asReader, 'content-type': type }, payload: Buffer.from(text, 'latin1') });
    const answers = answersOf(response.payload);
    expect(answers).toHaveLength(2);
    expect(answers[0]!.id).toBeDefined();
    const column = text.split('\n')[2]!.indexOf('é') + 1;
    expect(answers[1]).toMatchObject({ line: 3, error: { message: expect.stringContaining(`column ${column} is not UTF-8 (byte 0xe9)`) } });
  });

  it('given several names incl. "No Kwang-chol", when screened as NDJSON on 2024-12-16, then each is answered in input order with its matches and receipt', async () => {
    const response = await batch(ndjsonBody([{ id: 'c-1', name: 'Jane Doe' }, { id: 'c-2', name: 'No Kwang-chol' }, { id: 'c-3', name: 'Yong Bok Kim', kind: 'person' }, { id: 'c-4', name: 'Acme Trading Ltd' }]));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const answers = answersOf(response.payload);
    expect(answers.map((a) => a.id)).toEqual(['c-1', 'c-2', 'c-3', 'c-4']);
    expect(answers[0]!.matches).toEqual([]);
    expect(subjects(answers[1]!.matches)).toContain('ro-kwang-chol');
    expect(subjects(answers[2]!.matches)).toContain('kim-yong-bok');
    expect(answers[1]!.receipt).toMatchObject({ basis: { asOf: '2024-12-16' }, query: { name: 'No Kwang-chol' }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(answers[1]!.receipt.matches).toEqual(answers[1]!.matches);
  });

  it('given a bad JSON line, an unknown field, an empty name, a basis field and a repeated id, when screened, then each is an error line naming its line and field, and the rest are answered', async () => {
    const response = await batch(
      ndjsonBody([{ id: 'a', name: 'No Kwang-chol' }, '{"id": "b", "name": ', { id: 'c', name: 'Ro', nmae: 'x' }, { id: 'd', name: '' }, { id: 'a', name: 'Kim Yong Bok' }, { id: 'e', name: 'Ro', threshold: 0.1 }, { id: 'f', name: 'KIM Yong Bok' }]),
    );
    expect(response.statusCode).toBe(200);
    const answers = answersOf(response.payload);
    expect(answers.map((a) => a.line ?? a.id)).toEqual(['a', 2, 3, 4, 5, 6, 'f']);
    expect(answers[1]!.error.message).toMatch(/^line 2: .*not valid JSON/);
    expect(answers[2]).toMatchObject({ line: 3, id: 'c', error: { errors: [{ path: 'nmae' }] } });
    expect(answers[3]).toMatchObject({ line: 4, id: 'd', error: { errors: [{ path: 'name' }] } });
    expect(answers[4]).toMatchObject({ line: 5, id: 'a', error: { errors: [{ path: 'id', expected: 'an id not already used (line 1 has it)' }] } });
    expect(answers[5]).toMatchObject({ line: 6, error: { errors: [{ path: 'threshold', expected: expect.stringContaining('given once for the batch') }] } });
    expect(subjects(answers[6]!.matches)).toContain('kim-yong-bok');
  });

  it('given a CSV body with a quoted name and an empty cell, when screened, then each row is answered by id; a row with too many fields is an error line', async () => {
    const csv = 'id,name,kind,country\r\nr1,"RO, Kwang Chol",person,\r\nr2,Jane Doe,,GB\r\nr3,Kim,person,KP,extra\r\n';
    const answers = answersOf((await batch(csv, 'asOf=2024-12-16', 'text/csv')).payload);
    expect(answers.map((a) => a.id ?? a.line)).toEqual(['r1', 'r2', 4]);
    expect(subjects(answers[0]!.matches)).toContain('ro-kwang-chol');
    expect(answers[0]!.receipt.query).toEqual({ name: 'RO, Kwang Chol', kind: 'person' });
    expect(answers[1]!.receipt.query).toEqual({ name: 'Jane Doe', country: 'GB' });
    expect(answers[2]!.error.message).toContain('5 field(s), the header has 4');
  });

  it('given a CSV header with an unknown column, when screened, then the one answer is an error naming line 1', async () => {
    const answers = answersOf((await batch('id,name,nickname\nr1,Ro,x\n', '', 'text/csv')).payload);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ line: 1, error: { message: expect.stringContaining('nickname') } });
  });

  it('given since 2024-12-15 and asOf 2024-12-16, when screened, then "No Kwang-chol" gained Ro Kwang Chol and lost nothing, with both receipts', async () => {
    const answers = answersOf((await batch(ndjsonBody([{ id: 'c-2', name: 'No Kwang-chol' }, { id: 'c-1', name: 'Jane Doe' }]), 'asOf=2024-12-16&since=2024-12-15')).payload);
    expect(answers[0]!.id).toBe('c-2');
    expect(subjects(answers[0]!.gained)).toContain('ro-kwang-chol');
    expect(answers[0]!.lost).toEqual([]);
    expect(answers[0]!.receipts.since.basis.asOf).toBe('2024-12-15');
    expect(answers[0]!.receipts.now.basis.asOf).toBe('2024-12-16');
    expect(answers[0]!.receipts.since.basis.knownAt).toBe(answers[0]!.receipts.now.basis.knownAt);
    expect(answers[1]).toMatchObject({ id: 'c-1', gained: [], lost: [] });
  });

  it('given since an instant before the ledger recorded the designations, when screened, then the lookback moves knownAt and the match is gained', async () => {
    const answers = answersOf((await batch(ndjsonBody([{ id: 'x', name: 'No Kwang-chol' }]), 'asOf=2024-12-16&since=2024-12-16T09:00:00Z')).payload);
    expect(answers[0]!.receipts.since.basis).toMatchObject({ asOf: '2024-12-16', knownAt: '2024-12-16T09:00:00.000Z' });
    expect(subjects(answers[0]!.gained)).toContain('ro-kwang-chol');
  });

  it('given a body over 10 MB, when sent, then 413 names the limit', async () => {
    const line = `${JSON.stringify({ id: 'x', name: 'Jane Doe' })}\n`;
    const response = await batch(line.repeat(Math.ceil((10 * 1024 * 1024 + 1) / line.length)));
    expect(response.statusCode).toBe(413);
    expect(response.json().message).toContain('10 MB');
  });

  it.each([
    ['asOf=2024-02-30', 'asOf'],
    ['asOf=9999-12-31', 'asOf'],
    ['threshold=1.5', 'threshold'],
    ['threshold=abc', 'threshold'],
    ['limit=0', 'limit'],
    ['regime=nonsense', 'regime'],
    ['since=yesterday', 'since'],
    ['since=2024-12-17', 'since'],
    ['knownAt=2999-01-01T00:00:00Z', 'knownAt'],
    ['treshold=0.5', 'treshold'],
  ])('given the bad parameter %s, when sent, then 400 names %s', async (query, parameter) => {
    const response = await batch(ndjsonBody([{ id: 'x', name: 'Ro' }]), `asOf=2024-12-16&${query}`.replace('asOf=2024-12-16&asOf', 'asOf'));
    expect(response.statusCode).toBe(400);
    expect(response.json().parameter).toBe(parameter);
  });

  it('given a repeated regime, when screened, then only those regimes answer', async () => {
    const answers = answersOf((await batch(ndjsonBody([{ id: 'x', name: 'No Kwang-chol' }]), 'asOf=2024-12-16&regime=UN:DPRK&regime=US:RUSSIA-EO14024')).payload);
    expect(answers[0]!.receipt.query.regimes).toEqual(['UN:DPRK', 'US:RUSSIA-EO14024']);
    expect(answers[0]!.matches.map((m: Answer) => m.regime)).toEqual(['US:RUSSIA-EO14024']);
  });

  it('given a JSON body, when sent, then 415; given no token, then 401', async () => {
    const json = await service.app.inject({ method: 'POST', url: '/screenings/batch', headers: asReader, payload: { id: 'x', name: 'Ro' } });
    expect(json.statusCode).toBe(415);
    const anonymous = await service.app.inject({ method: 'POST', url: '/screenings/batch', headers: { 'content-type': 'application/x-ndjson' }, payload: '{"id":"x","name":"Ro"}' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('given the OpenAPI document, when read, then it documents the batch route and its parameters', async () => {
    const doc = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const parameters = doc.paths['/screenings/batch'].post.parameters.map((p: { name: string }) => p.name);
    expect(parameters).toEqual(expect.arrayContaining(['asOf', 'knownAt', 'threshold', 'limit', 'regime', 'since']));
  });
});

describe('a batch line answers what one screening answers', () => {
  const NAMES = ['No Kwang-chol', 'RO Kwang Chol', '로광철', 'Kim Yong Bok', 'Yong-bok KIM', 'Jane Doe', 'Ro Kwang'];
  it('for generated queries and bases, each line\'s receipt equals the POST /screenings receipt of the same query at the same basis', async () => {
    const query = fc.record(
      {
        name: fc.constantFrom(...NAMES),
        kind: fc.constantFrom('person', 'entity'),
        country: fc.constantFrom('KP', 'RU'),
        birthDate: fc.constantFrom('1956', '1960-01'),
      },
      { requiredKeys: ['name'] },
    );
    const basis = fc.record({
      asOf: fc.constantFrom('2024-12-15', '2024-12-16', '2025-06-01'),
      knownAt: fc.constantFrom('2024-12-16T09:00:00.000Z', '2024-12-16T10:00:00.000Z', '2025-01-01T00:00:00.000Z'),
      threshold: fc.constantFrom(0.6, 0.85, 0.95),
      limit: fc.integer({ min: 1, max: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(query, { minLength: 1, maxLength: 4 }), basis, async (queries, b) => {
        const lines = queries.map((q, i) => ({ id: `q${i}`, ...q }));
        const response = await batch(ndjsonBody(lines), new URLSearchParams(Object.entries(b).map(([k, v]): [string, string] => [k, String(v)])).toString());
        const answers = answersOf(response.payload);
        for (const [i, q] of queries.entries()) {
          const single = (await service.app.inject({ method: 'POST', url: '/screenings', headers: asReader, payload: { ...q, ...b } })).json();
          expect(answers[i]!.receipt).toEqual(single);
        }
      }),
      { seed: 12, numRuns: 40 },
    );
  });
});
