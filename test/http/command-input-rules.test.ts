/**
 * Input that is accepted but means something else (issue 10, items 7 and 8): unknown fields, duplicate keys,
 * invisible names and unbounded identifiers are refused with the field's path, and nothing is appended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asWriter, designation, SOURCE, testService, type TestService } from './support';

describe('command input rules (HTTP)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await testService();
  });
  afterAll(async () => {
    await service.close();
  });

  const post = (url: string, body: unknown) => service.app.inject({ method: 'POST', url, headers: asWriter, payload: body as object });
  const postText = (url: string, text: string) =>
    service.app.inject({ method: 'POST', url, headers: { ...asWriter, 'content-type': 'application/json' }, payload: text });
  const eventsOf = async (subjectId: string) => (await service.store.readStream(`subject-${subjectId}`)).length;

  async function expectRefusedAt(response: { statusCode: number; body: string }, path: string) {
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body) as { error: string; errors: Array<{ path: string }> };
    expect(body.error).toBe('invalid-command');
    expect(body.errors.map((e) => e.path)).toContain(path);
  }

  const unknownFields: Array<[string, string, Record<string, unknown>, string]> = [
    ['effectiveTo on a designation', 'uf-1', { effectiveTo: '2025-01-01' }, 'data.effectiveTo'],
    ['reason for reasons', 'uf-2', { reason: 'misspelt reasons' }, 'data.reason'],
    ['designationID for designationId', 'uf-3', { designationID: 'EU-X-1' }, 'data.designationID'],
    ['a misspelt field of a nested name', 'uf-4', { identity: { names: [{ name: 'Test', quality: 'primary', scirpt: 'Latn' }] } }, 'data.identity.names.0.scirpt'],
  ];
  for (const [what, subjectId, overrides, path] of unknownFields) {
    it(`given ${what}, when submitted, then 400 naming ${path} and nothing is appended`, async () => {
      await expectRefusedAt(await post('/commands/DesignateSubject', designation(subjectId, overrides)), path);
      expect(await eventsOf(subjectId)).toBe(0);
    });
  }

  it('given an unknown field in the source, when submitted, then 400 naming source.publishr', async () => {
    const body = { ...designation('uf-5'), source: { ...SOURCE, publishr: 'typo' } };
    await expectRefusedAt(await post('/commands/DesignateSubject', body), 'source.publishr');
    expect(await eventsOf('uf-5')).toBe(0);
  });

  it('given a known field, when submitted, then it is accepted (the rule refuses only what it does not know)', async () => {
    const response = await post('/commands/DesignateSubject', designation('uf-ok', { reasons: 'known field', designationId: 'EU-UF-OK' }));
    expect(response.statusCode).toBe(201);
  });

  for (const [what, name] of [
    ['only zero-width spaces', '\u200B\u200B'],
    ['a zero-width joiner and a BOM', '\u200D\uFEFF'],
    ['control characters', '\u0000\u0007\u001F'],
    ['a word joiner and blanks', ' \u2060 '],
  ]) {
    it(`given a name of ${what}, when submitted, then 400 "no visible character" and nothing is appended`, async () => {
      const response = await post('/commands/DesignateSubject', designation('inv-1', { identity: { names: [{ name, quality: 'primary' }] } }));
      await expectRefusedAt(response, 'data.identity.names.0.name');
      expect(response.body).toContain('visible character');
      expect(await eventsOf('inv-1')).toBe(0);
    });
  }

  it('given a duplicate JSON key in the body, when submitted, then 400 naming the key path and nothing is appended', async () => {
    const text = JSON.stringify(designation('dup-1')).replace('"effectiveFrom":"2024-12-16"', '"effectiveFrom":"2024-12-16","effectiveFrom":"2025-06-01"');
    const response = await postText('/commands/DesignateSubject', text);
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body) as { error: string; message: string };
    expect(body.error).toBe('malformed-json');
    expect(body.message).toContain('data.effectiveFrom');
    expect(await eventsOf('dup-1')).toBe(0);
  });

  it('given a commandId of 200 characters, when submitted, then accepted; one more character is 400 naming commandId', async () => {
    const atLimit = await post('/commands/DesignateSubject', { ...designation('len-1'), commandId: 'c'.repeat(200) });
    expect(atLimit.statusCode).toBe(201);
    const over = await post('/commands/DesignateSubject', { ...designation('len-2'), commandId: 'c'.repeat(201) });
    await expectRefusedAt(over, 'commandId');
    expect(over.body).toContain('200');
    expect(await eventsOf('len-2')).toBe(0);
  });

  it('given a 700 KB commandId or correlationId, when submitted, then 400 naming the field and nothing is appended', async () => {
    for (const field of ['commandId', 'correlationId', 'causationId']) {
      const response = await post('/commands/DesignateSubject', { ...designation('len-3'), [field]: 'x'.repeat(700_000) });
      await expectRefusedAt(response, field);
    }
    expect(await eventsOf('len-3')).toBe(0);
  });

  it('given a name one past the name limit, when submitted, then 400 naming the name and the limit', async () => {
    const ok = await post('/commands/DesignateSubject', designation('len-4', { identity: { names: [{ name: 'n'.repeat(1000), quality: 'primary' }] } }));
    expect(ok.statusCode).toBe(201);
    const over = await post('/commands/DesignateSubject', designation('len-5', { identity: { names: [{ name: 'n'.repeat(1001), quality: 'primary' }] } }));
    await expectRefusedAt(over, 'data.identity.names.0.name');
    expect(over.body).toContain('1000');
  });

  it('given reasons one past the text limit, when submitted, then 400 naming data.reasons', async () => {
    const over = await post('/commands/DesignateSubject', designation('len-6', { reasons: 'r'.repeat(20_001) }));
    await expectRefusedAt(over, 'data.reasons');
    expect(await eventsOf('len-6')).toBe(0);
  });
});

describe('parameters and the date ceiling (issue 10, items 4 and 6)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await testService();
  });
  afterAll(async () => {
    await service.close();
  });
  const post = (url: string, body: unknown) => service.app.inject({ method: 'POST', url, headers: asWriter, payload: body as object });
  const get = (url: string) => service.app.inject({ url, headers: asWriter });
  const eventsOf = async (subjectId: string) => (await service.store.readStream(`subject-${subjectId}`)).length;

  it('given a write with an unknown query parameter (?dryrun=true), when posted, then 400 naming it and nothing is appended', async () => {
    const response = await post('/commands/DesignateSubject?dryrun=true', designation('param-1'));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid-parameter', parameter: 'dryrun' });
    expect(await eventsOf('param-1')).toBe(0);
  });

  it('given a misspelt filter, when /state?regim=EU:RUS is asked, then 400 naming regim (not the unfiltered state)', async () => {
    const response = await get('/state?regim=EU:RUS');
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ parameter: 'regim' });
  });

  it('given asOf=9999-12-31, when /state is asked, then 400 naming asOf and the ceiling', async () => {
    const response = await get('/state?asOf=9999-12-31');
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ parameter: 'asOf' });
    expect(response.body).toContain('9999-12-31');
    expect((await get('/state?asOf=9999-12-30')).statusCode).toBe(200);
  });

  it('given a designation effective 9999-12-31, when submitted, then 400 naming data.effectiveFrom and nothing is appended', async () => {
    const response = await post('/commands/DesignateSubject', designation('ceil-1', { effectiveFrom: '9999-12-31' }));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors.map((e: { path: string }) => e.path)).toContain('data.effectiveFrom');
    expect(await eventsOf('ceil-1')).toBe(0);
  });

  it('given an open designation, when a delisting on 9999-12-31 is submitted, then 400 and the designation stays as it was', async () => {
    expect((await post('/commands/DesignateSubject', designation('ceil-2'))).statusCode).toBe(201);
    const response = await post('/commands/DelistSubject', {
      data: { subjectId: 'ceil-2', regime: 'EU:RUS', effectiveFrom: '9999-12-31', legalBasis: ['EU-RUS-PACKAGE-15'], reason: 'delisted' },
      source: SOURCE,
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors.map((e: { path: string }) => e.path)).toContain('data.effectiveFrom');
    expect(await eventsOf('ceil-2')).toBe(1);
  });
});
