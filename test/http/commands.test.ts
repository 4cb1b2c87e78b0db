/** Writes over HTTP: every status a command can end in, the actor from the token, read-your-writes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYPES } from '../../src/commands/command-catalogue';
import { WrongExpectedRevisionError, type EventStore } from '../../src/store/event-store';
import { asReader, asWriter, designation, SOURCE, testService, type TestService } from './support';

describe('POST /commands/{type} and the aliases', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await testService();
  });
  afterAll(() => service.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = asWriter) =>
    service.app.inject({ method: 'POST', url, headers, payload: payload as object });

  it('registers a route for every command type of the catalogue', () => {
    for (const type of COMMAND_TYPES) expect(service.app.hasRoute({ method: 'POST', url: `/commands/${type}` }), type).toBe(true);
  });

  it('201 with the appended events, the actor taken from the token', async () => {
    const response = await post('/commands/DesignateSubject', designation('subject-a'));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ status: 'accepted', streamId: 'subject-subject-a', events: [{ type: 'SubjectDesignated', revision: 0 }] });
    expect(body.events[0]).toEqual({
      eventId: expect.any(String),
      type: 'SubjectDesignated',
      revision: 0,
      position: expect.any(String),
      recordedAt: expect.stringMatching(/Z$/),
    });
    expect(response.headers.location).toBe('/subjects/subject-a');
    const [event] = await service.store.readStream('subject-subject-a');
    expect(event!.envelope.actor).toEqual({ id: 'alice', kind: 'person' });
    expect(event!.envelope.source).toEqual(SOURCE);
  });

  it('an immediate GET sees the write (read-your-writes)', async () => {
    const response = await post('/commands/DesignateSubject', designation('subject-ryw'));
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-read-your-writes']).toBe('ok');
    const read = await service.app.inject({ url: '/subjects/subject-ryw?asOf=2024-12-16', headers: asReader });
    expect(read.statusCode).toBe(200);
    expect(read.json().designations).toHaveLength(1);
  });

  it('200 with the first result for a repeated commandId, appending nothing', async () => {
    const body = { ...designation('subject-b'), commandId: 'client-cmd-1', correlationId: 'batch-7' };
    const first = await post('/commands/DesignateSubject', body);
    const second = await post('/commands/DesignateSubject', body);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: 'duplicate', commandId: 'client-cmd-1' });
    expect(second.json().events).toEqual(first.json().events);
    expect(await service.store.readStream('subject-subject-b')).toHaveLength(1);
    expect((await service.store.readStream('subject-subject-b'))[0]!.envelope.correlationId).toBe('batch-7');
  });

  it('400 invalid-command naming every bad field with its path', async () => {
    const response = await post('/commands/DesignateSubject', designation('subject-c', { effectiveFrom: '2024-02-30', measures: [] }));
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe('invalid-command');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'data.effectiveFrom', expected: 'IsoDate', actual: '"2024-02-30"' },
        expect.objectContaining({ path: 'data.measures' }),
      ]),
    );
  });

  it('400 when the source is missing, naming it', async () => {
    const response = await post('/commands/DesignateSubject', { data: designation('subject-d').data });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toContain('source');
  });

  it('400 when the body tries to set the actor: it comes from the token only', async () => {
    const response = await post('/commands/DesignateSubject', { ...designation('subject-e'), actor: { id: 'mallory', kind: 'person' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0]).toMatchObject({ path: 'actor', expected: expect.stringContaining('authenticated token') });
    expect(await service.store.readStream('subject-subject-e')).toEqual([]);
  });

  it('400 for a body that is not an object', async () => {
    const response = await post('/commands/DesignateSubject', [1, 2]);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid-command', errors: [{ path: '(root)' }] });
  });

  it('422 rule-violation naming the rule and the field', async () => {
    expect((await post('/commands/DesignateSubject', designation('subject-f'))).statusCode).toBe(201);
    const again = await post('/commands/DesignateSubject', designation('subject-f', { effectiveFrom: '2025-01-01' }));
    expect(again.statusCode).toBe(422);
    expect(again.json()).toEqual({ error: 'rule-violation', rule: expect.any(String), field: expect.any(String), message: expect.any(String) });
    const delist = await post('/commands/DelistSubject', {
      data: { subjectId: 'never-listed', regime: 'EU:RUS', effectiveFrom: '2025-01-01', legalBasis: ['X'], reason: 'r' },
      source: SOURCE,
    });
    expect(delist.statusCode).toBe(422);
    expect(delist.json().error).toBe('rule-violation');
  });

  it('404 for a command type the catalogue does not have', async () => {
    const response = await post('/commands/TeleportSubject', designation('subject-g'));
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toContain('/openapi.json');
  });

  it('aliases take the target id from the path', async () => {
    const { subjectId: _omitted, ...data } = designation('ignored').data;
    const listed = await post('/subjects/subject-h/designations', { data, source: SOURCE });
    expect(listed.statusCode).toBe(201);
    expect(listed.json().streamId).toBe('subject-subject-h');
    const amended = await post('/subjects/subject-h/amendments', {
      data: { regime: 'EU:RUS', effectiveFrom: '2025-02-01', changes: { measures: ['asset-freeze', 'travel-ban'] } },
      source: SOURCE,
    });
    expect(amended.statusCode).toBe(201);
    const corrected = await post('/subjects/subject-h/corrections', {
      data: { regime: 'EU:RUS', corrections: { reasons: 'fixed' }, reason: 'typo in the reasons' },
      source: SOURCE,
    });
    expect(corrected.statusCode).toBe(201);
    const delisted = await post('/subjects/subject-h/delistings', {
      data: { regime: 'EU:RUS', effectiveFrom: '2025-06-01', legalBasis: ['EU-RUS-PACKAGE-15'], reason: 'court ruling' },
      source: SOURCE,
    });
    expect(delisted.statusCode).toBe(201);
    expect((await service.store.readStream('subject-subject-h')).map((e) => e.type)).toEqual([
      'SubjectDesignated',
      'DesignationAmended',
      'DesignationCorrected',
      'SubjectDelisted',
    ]);
  });

  it('ids with reserved URL characters round-trip when percent-encoded', async () => {
    for (const id of ['a/b', 'x#1', 'u:v@w']) {
      const { subjectId: _omitted, ...data } = designation(id).data;
      const written = await post(`/subjects/${encodeURIComponent(id)}/designations`, { data, source: SOURCE });
      expect(written.statusCode, id).toBe(201);
      expect(written.headers.location).toBe(`/subjects/${encodeURIComponent(id)}`);
      const read = await service.app.inject({ url: `${written.headers.location}?asOf=2024-12-16`, headers: asReader });
      expect(read.json().subjectId).toBe(id);
    }
  });

  it('refuses an alias whose body names another target', async () => {
    const response = await post('/subjects/subject-i/designations', designation('someone-else'));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].path).toBe('data.subjectId');
  });

  it('resolution aliases: adopt, amend, repeal', async () => {
    const adopted = await post('/resolutions', {
      data: {
        resolutionId: 'EU-TEST-1',
        authority: 'EU',
        regimes: ['EU:RUS'],
        kind: 'regulation',
        reference: 'Reg 1',
        title: 'Test regulation',
        adoptedOn: '2024-01-01',
        inForceFrom: '2024-01-02',
        measures: ['asset-freeze'],
      },
      source: SOURCE,
    });
    expect(adopted.statusCode).toBe(201);
    expect(adopted.headers.location).toBe('/resolutions/EU-TEST-1');
    const amended = await post('/resolutions/EU-TEST-1/amendments', { data: { effectiveFrom: '2024-06-01', changes: { title: 'Renamed' } }, source: SOURCE });
    expect(amended.statusCode).toBe(201);
    const repealed = await post('/resolutions/EU-TEST-1/repeal', { data: { effectiveFrom: '2025-01-01', reason: 'lapsed' }, source: SOURCE });
    expect(repealed.statusCode).toBe(201);
  });
});

describe('409 conflict', () => {
  it('answers 409 when the stream keeps changing under the command', async () => {
    // A store whose appends always lose the race, as if another writer got in first every time.
    const losing = (store: EventStore): EventStore =>
      new Proxy(store, {
        get(target, property, receiver) {
          if (property === 'appendToStream') {
            return async (streamId: string) => {
              throw new WrongExpectedRevisionError(streamId, 'no-stream', 0);
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const service = await testService({ wrapStore: losing });
    try {
      const response = await service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: asWriter, payload: designation('racy') });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: 'conflict', streamId: 'subject-racy', attempts: expect.any(Number) });
    } finally {
      await service.close();
    }
  });
});
