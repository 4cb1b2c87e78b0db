/**
 * Idempotency by command id (issue 10, item 5): the same id with the same type and data is a retry (200, the first
 * result); the same id with a different body is refused (422 command-id-reused) and appends nothing. Ids are unique
 * across the ledger (DESIGN.md section 5), so the same holds when the other command is on another stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asWriter, designation, SOURCE, testService, type TestService } from './support';

describe('command id reuse (HTTP)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await testService();
  });
  afterAll(async () => {
    await service.close();
  });

  const post = (url: string, body: unknown) => service.app.inject({ method: 'POST', url, headers: asWriter, payload: body as object });
  const eventsOf = async (subjectId: string) => (await service.store.readStream(`subject-${subjectId}`)).length;

  it('given an accepted designation, when the same id and body are sent again (even with another correlation id), then 200 duplicate', async () => {
    const body = { ...designation('reuse-1'), commandId: 'reuse-cmd-1' };
    expect((await post('/commands/DesignateSubject', body)).statusCode).toBe(201);
    const again = await post('/commands/DesignateSubject', { ...body, correlationId: 'another-trace' });
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ status: 'duplicate', commandId: 'reuse-cmd-1' });
    expect(await eventsOf('reuse-1')).toBe(1);
  });

  it('given an accepted designation, when its id is sent with different data, then 422 command-id-reused naming the id and stream, nothing appended', async () => {
    const body = { ...designation('reuse-2'), commandId: 'reuse-cmd-2' };
    expect((await post('/commands/DesignateSubject', body)).statusCode).toBe(201);
    const changed = await post('/commands/DesignateSubject', { ...designation('reuse-2', { measures: ['travel-ban'] }), commandId: 'reuse-cmd-2' });
    expect(changed.statusCode).toBe(422);
    const answer = JSON.parse(changed.body) as { rule: string; field: string; message: string };
    expect(answer).toMatchObject({ rule: 'command-id-reused', field: 'commandId' });
    expect(answer.message).toContain('reuse-cmd-2');
    expect(answer.message).toContain('subject-reuse-2');
    expect(await eventsOf('reuse-2')).toBe(1);
  });

  it("given an accepted designation, when a delisting is sent under the designation's id, then 422 and the designation stays open", async () => {
    expect((await post('/commands/DesignateSubject', { ...designation('reuse-3'), commandId: 'reuse-cmd-3' })).statusCode).toBe(201);
    const delisting = await post('/commands/DelistSubject', {
      data: { subjectId: 'reuse-3', regime: 'EU:RUS', effectiveFrom: '2025-01-10', legalBasis: ['EU-RUS-PACKAGE-15'], reason: 'delisted' },
      source: SOURCE,
      commandId: 'reuse-cmd-3',
    });
    expect(delisting.statusCode).toBe(422);
    expect(JSON.parse(delisting.body)).toMatchObject({ rule: 'command-id-reused' });
    expect(await eventsOf('reuse-3')).toBe(1);
  });

  it('given a designation of one subject under an id, when another subject is designated under it, then 422 naming the first stream, nothing appended', async () => {
    expect((await post('/commands/DesignateSubject', { ...designation('reuse-4'), commandId: 'reuse-cmd-4' })).statusCode).toBe(201);
    const other = await post('/commands/DesignateSubject', { ...designation('reuse-5'), commandId: 'reuse-cmd-4' });
    expect(other.statusCode).toBe(422);
    const answer = JSON.parse(other.body) as { rule: string; field: string; message: string };
    expect(answer).toMatchObject({ rule: 'command-id-reused', field: 'commandId' });
    expect(answer.message).toContain('subject-reuse-4');
    expect(await eventsOf('reuse-5')).toBe(0);
    // The id still answers its own command as before.
    expect((await post('/commands/DesignateSubject', { ...designation('reuse-4'), commandId: 'reuse-cmd-4' })).statusCode).toBe(200);
  });

  it('given two designations of different subjects under one fresh id at once, when both land, then exactly one is 201 and the other 422', async () => {
    const answers = await Promise.all(['reuse-6', 'reuse-7'].map((subject) => post('/commands/DesignateSubject', { ...designation(subject), commandId: 'reuse-cmd-6' })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 422]);
    expect((await eventsOf('reuse-6')) + (await eventsOf('reuse-7'))).toBe(1);
  });
});
