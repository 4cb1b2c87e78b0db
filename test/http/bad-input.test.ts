/** Bad input of every kind gets a 4xx that says what was wrong: never a 500, never a stack trace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asReader, asWriter, designation, logCapture, testService, type TestService } from './support';

describe('bad input', () => {
  let service: TestService;
  const log = logCapture();
  beforeAll(async () => {
    service = await testService({ seed: true, logger: { level: 'info', stream: log.stream } });
  });
  afterAll(async () => {
    await service.close();
    // Nothing above was a server fault: no request may have been logged as one.
    expect(log.lines.filter((line) => JSON.parse(line).level >= 50)).toEqual([]);
  });

  const get = (url: string) => service.app.inject({ url, headers: asReader });

  function expectClientError(response: { statusCode: number; body: string }, status: number) {
    expect(response.statusCode).toBe(status);
    expect(response.body).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(response.body).not.toContain('stack');
    return JSON.parse(response.body) as Record<string, unknown>;
  }

  const parameterCases: Array<[string, string, string]> = [
    ['asOf that is not a real date', '/subjects/ro-kwang-chol?asOf=2024-02-30', 'asOf'],
    ['asOf in another format', '/state?asOf=16/12/2024', 'asOf'],
    ['knownAt that is not an instant', '/subjects/ro-kwang-chol?knownAt=2024-12-16', 'knownAt'],
    ['knownAt with a zone offset instead of Z', '/state?knownAt=2024-12-16T23:00:00%2B01:00', 'knownAt'],
    ['knownAt in the future', `/state?knownAt=${new Date(Date.now() + 86_400_000).toISOString()}`, 'knownAt'],
    ['an unknown authority', '/state?authority=FR', 'authority'],
    ['a regime in the wrong format', '/state?regime=eu-rus', 'regime'],
    ['a regime of an unknown authority', '/resolutions?regime=FR:RUS', 'regime'],
    ['a limit that is not a number', '/state?limit=ten', 'limit'],
    ['a limit over the maximum', '/state?limit=100000', 'limit'],
    ['a negative offset', '/state?offset=-1', 'offset'],
    ['a repeated parameter', '/state?asOf=2024-12-15&asOf=2024-12-16', 'asOf'],
    ['an unknown parameter (a typo must not answer for today)', '/subjects/ro-kwang-chol?asof=2024-12-15', 'asof'],
    ['diff without dates', '/diff', 'from'],
    ['diff with a bad to', '/diff?from=2024-12-15&to=2024-13-01', 'to'],
    ['diff with from after to (swapped dates)', '/diff?from=2024-12-16&to=2024-12-15', 'from'],
    ['names without q', '/names', 'q'],
  ];
  for (const [what, url, parameter] of parameterCases) {
    it(`400 naming the parameter: ${what}`, async () => {
      const body = expectClientError(await get(url), 400);
      expect(body).toMatchObject({ error: 'invalid-parameter', parameter });
      expect(body.message).toEqual(expect.stringContaining(parameter));
    });
  }

  it('404 for an unknown subject, designation and resolution', async () => {
    for (const url of [
      '/subjects/nobody-at-all',
      '/subjects/nobody-at-all/history',
      '/subjects/ro-kwang-chol/designations/no-such-designation/history',
      '/resolutions/NO-SUCH-ACT',
      '/resolutions/NO-SUCH-ACT/history',
    ]) {
      const body = expectClientError(await get(url), 404);
      expect(body.error, url).toBe('not-found');
    }
  });

  it('404 for an unknown route', async () => {
    expectClientError(await get('/no/such/route'), 404);
  });

  it('414 for a URL over 4 KiB, before authentication or any work', async () => {
    const long = `/state?regime=${'A'.repeat(5000)}`;
    expectClientError(await service.app.inject({ url: long }), 414);
  });

  it('413 for a body over 1 MiB', async () => {
    const payload = JSON.stringify({ ...designation('big'), padding: 'x'.repeat(1024 * 1024) });
    const body = expectClientError(
      await service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: { ...asWriter, 'content-type': 'application/json' }, payload }),
      413,
    );
    expect(body.error).toBe('payload-too-large');
  });

  it('400 with a clear message for malformed JSON', async () => {
    const body = expectClientError(
      await service.app.inject({
        method: 'POST',
        url: '/commands/DesignateSubject',
        headers: { ...asWriter, 'content-type': 'application/json' },
        payload: '{"data": {"subjectId": "x",}',
      }),
      400,
    );
    expect(body.error).toBe('malformed-json');
    expect(body.message).toMatch(/not valid JSON/);
  });

  it('400 for a body that is not UTF-8 (a Windows-1252 "José"), naming line and column; nothing is recorded', async () => {
    const text = JSON.stringify(designation('latin-1-subject', { identity: { names: [{ name: 'José Roe', quality: 'primary' }] } }));
    const response = await service.app.inject({
      method: 'POST',
      url: '/commands/DesignateSubject',
      headers: { ...asWriter, 'content-type': 'application/json' },
      payload: Buffer.from(text, 'latin1'),
    });
    const body = expectClientError(response, 400);
    expect(body.error).toBe('malformed-json');
    expect(body.message).toContain(`line 1, column ${text.indexOf('é') + 1} is not UTF-8 (byte 0xe9)`);
    expect((await get('/subjects/latin-1-subject/history')).statusCode).toBe(404);
  });

  it('400 for an empty JSON body and for prototype poisoning', async () => {
    const post = (payload: string) =>
      service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: { ...asWriter, 'content-type': 'application/json' }, payload });
    expect(expectClientError(await post(''), 400).error).toBe('malformed-json');
    const poisoned = expectClientError(await post('{"__proto__": {"admin": true}, "data": {}, "source": {}}'), 400);
    expect(poisoned).toMatchObject({ error: 'malformed-json', message: expect.stringContaining('__proto__') });
    expect(expectClientError(await post('{"constructor": {"prototype": {"admin": true}}}'), 400).error).toBe('malformed-json');
  });

  it('415 for a body that is not JSON', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/commands/DesignateSubject',
      headers: { ...asWriter, 'content-type': 'text/plain' },
      payload: 'designate ro',
    });
    expect(expectClientError(response, 415).error).toBe('unsupported-media-type');
  });

  it('400 for a POST without a body', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers: asWriter });
    expect(expectClientError(response, 400).error).toBe('invalid-command');
  });

  it('400 for a path whose percent-encoding is broken', async () => {
    expect(expectClientError(await get('/subjects/%E0%A4%A'), 400).error).toBe('bad-url');
  });

  it('the malformed-JSON message says where the error is', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/commands/DesignateSubject',
      headers: { ...asWriter, 'content-type': 'application/json' },
      payload: '{\n  "data": {"subjectId": "x",}\n}',
    });
    expect(expectClientError(response, 400).message).toMatch(/not valid JSON: .*(line 2|position)/);
  });
});
