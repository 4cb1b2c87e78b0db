/** Bearer tokens: configuration formats, the 401/403 answers, and tokens never reaching the log. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfigFromEnv, AuthConfigError, digestOf, matchToken, parseTokenFile, parseTokenList } from '../../src/http/auth-config';
import { COMMAND_TYPES } from '../../src/commands/command-catalogue';
import { AUTH, asReader, asWriter, bearer, designation, logCapture, testService, TOKENS, type TestService } from './support';

describe('token configuration', () => {
  it('reads LEDGER_TOKENS as name:role:token (a token with colons could never be presented, see token-alphabet.test.ts)', () => {
    const [a, b] = parseTokenList(' screening:reader:aaaaaaaaaaaaaaaa-with.dots , alice:writer:bbbbbbbbbbbbbbbb ');
    expect(a).toMatchObject({ name: 'screening', role: 'reader', kind: 'service' });
    expect(a!.digest.equals(digestOf('aaaaaaaaaaaaaaaa-with.dots'))).toBe(true);
    expect(b).toMatchObject({ name: 'alice', role: 'writer' });
  });

  it('refuses bad entries at startup with a message that names the entry', () => {
    expect(() => parseTokenList('alice:admin:bbbbbbbbbbbbbbbb')).toThrow(/entry 1: role must be reader or writer/);
    expect(() => parseTokenList('alice:writer')).toThrow(/expected name:role:token/);
    expect(() => parseTokenList('alice:writer:short')).toThrow(/shorter than 16/);
  });

  it('reads the JSON file format: token or sha256, kind, expiry', () => {
    const tokens = parseTokenFile(
      JSON.stringify({
        tokens: [
          { name: 'alice', role: 'writer', kind: 'person', token: TOKENS.writer, expiresAt: '2030-01-01T00:00:00Z' },
          { name: 'screening', role: 'reader', sha256: digestOf(TOKENS.reader).toString('hex') },
        ],
      }),
    );
    expect(tokens[0]).toMatchObject({ name: 'alice', role: 'writer', kind: 'person', expiresAt: Date.parse('2030-01-01T00:00:00Z') });
    expect(tokens[1]).toMatchObject({ name: 'screening', role: 'reader', kind: 'service' });
    const config = { tokens, publicReads: false };
    expect(matchToken(config, TOKENS.reader)).toMatchObject({ ok: true, token: { name: 'screening' } });
    expect(matchToken(config, TOKENS.writer, Date.parse('2031-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
    expect(() => parseTokenFile('{"tokens":[{"name":"x","role":"writer"}]}')).toThrow(/exactly one of token or sha256/);
    expect(() => parseTokenFile('{"tokens":[{"name":"x","role":"writer","token":"0123456789abcdef","expiresAt":"tomorrow"}]}')).toThrow(/expiresAt/);
    expect(() => parseTokenFile('not json')).toThrow(AuthConfigError);
  });

  it('combines LEDGER_TOKENS and LEDGER_TOKENS_FILE, refusing duplicates', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.json');
    writeFileSync(file, JSON.stringify([{ name: 'bob', role: 'reader', token: 'cccccccccccccccccccc' }]));
    const config = authConfigFromEnv({ LEDGER_TOKENS: 'alice:writer:bbbbbbbbbbbbbbbb', LEDGER_TOKENS_FILE: file, LEDGER_PUBLIC_READS: 'TRUE' });
    expect(config.tokens.map((t) => t.name)).toEqual(['alice', 'bob']);
    expect(config.publicReads).toBe(true);
    expect(() => authConfigFromEnv({ LEDGER_TOKENS: 'bob:writer:dddddddddddddddd', LEDGER_TOKENS_FILE: file })).toThrow(/"bob" is configured twice/);
    expect(() => authConfigFromEnv({ LEDGER_TOKENS: 'a:writer:eeeeeeeeeeeeeeee,b:reader:eeeeeeeeeeeeeeee' })).toThrow(/reuses/);
    expect(() => authConfigFromEnv({ LEDGER_TOKENS_FILE: join(tmpdir(), 'no-such-file.json') })).toThrow(/cannot read/);
    expect(() => authConfigFromEnv({ LEDGER_PUBLIC_READS: 'yes' })).toThrow(/true or false/);
  });
});

describe('authentication and roles over HTTP', () => {
  let service: TestService;
  const log = logCapture();
  beforeAll(async () => {
    service = await testService({ seed: true, logger: { level: 'trace', stream: log.stream } });
  });
  afterAll(() => service.close());

  const read = (headers: Record<string, string>) => service.app.inject({ url: '/subjects/ro-kwang-chol?asOf=2024-12-16', headers });
  const write = (headers: Record<string, string>) =>
    service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', headers, payload: designation(`auth-${Math.random().toString(36).slice(2)}`) });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing', {}, /^Bearer realm="sanctions-ledger"$/],
    ['malformed (Basic scheme)', { authorization: 'Basic YWxpY2U6c2VjcmV0' }, /error="invalid_request"/],
    ['malformed (no token)', { authorization: 'Bearer ' }, /error="invalid_request"/],
    ['unknown', bearer(TOKENS.unknown), /error="invalid_token", error_description="unknown token"/],
    ['expired', bearer(TOKENS.expired), /error="invalid_token", error_description="the token has expired"/],
  ];
  for (const [what, headers, challenge] of cases) {
    it(`401 with WWW-Authenticate for a ${what} token, on reads and writes`, async () => {
      for (const response of [await read(headers), await write(headers)]) {
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(challenge);
        expect(response.json().error).toBe('unauthorized');
      }
    });
  }

  it('403 for a reader calling a write; the reader may read', async () => {
    const response = await write(asReader);
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(/insufficient_scope/);
    expect((await read(asReader)).statusCode).toBe(200);
  });

  it('a writer may write and read (writer implies reader)', async () => {
    expect((await write(asWriter)).statusCode).toBe(201);
    expect((await read(asWriter)).statusCode).toBe(200);
  });

  it('an unknown route is a 404 for anyone: there is nothing behind it to protect', async () => {
    expect((await service.app.inject({ url: '/no/such/route' })).statusCode).toBe(404);
  });

  it('accepts the scheme in any case', async () => {
    expect((await read({ authorization: `bearer ${TOKENS.reader}` })).statusCode).toBe(200);
  });

  it('verify needs a writer', async () => {
    expect((await service.app.inject({ method: 'POST', url: '/verify', headers: asReader })).statusCode).toBe(403);
    const verified = await service.app.inject({ method: 'POST', url: '/verify', headers: asWriter });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ ok: true, eventsChecked: expect.any(Number) });
  });

  it('health, readiness, the OpenAPI document and the docs need no token', async () => {
    for (const url of ['/health', '/ready', '/openapi.json', '/docs']) {
      const response = await service.app.inject({ url });
      expect(response.statusCode, url).toBeLessThan(400);
    }
  });

  it('never writes a token to the log, even at trace level', async () => {
    for (const token of Object.values(TOKENS)) {
      await read(bearer(token));
      await write(bearer(token));
    }
    await service.app.inject({ url: '/state', headers: { ...asReader, 'x-debug': TOKENS.reader.slice(0, 4) } });
    service.app.log.info({ req: { headers: { authorization: `Bearer ${TOKENS.writer}` } } }, 'a plugin logging raw headers');
    service.app.log.info({ headers: { authorization: `Bearer ${TOKENS.writer}` } }, 'and another');
    const text = log.text();
    expect(log.lines.length).toBeGreaterThan(20);
    expect(text).toContain('"principal":"alice"');
    for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
    expect(text).toContain('[redacted]');
  });
});

describe('every route of the OpenAPI document', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await testService({ seed: true, withImports: true });
  });
  afterAll(() => service.close());

  /** Every operation the document lists, path parameters filled in with a real value. */
  async function operations(): Promise<Array<{ method: string; url: string }>> {
    const doc = (await service.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const fill = (path: string) => path.replace('{format}', 'un-xml').replace(/\{[^}]+\}/g, 'ro-kwang-chol');
    return Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url: fill(path) })));
  }
  const countEvents = async () => (await service.store.readAll({ maxCount: 100_000 })).length;
  /** Screenings are questions, not writes: a POST because the query (names, identifiers) is the caller's data. */
  const READ_POSTS = ['/screenings', '/screenings/verify', '/screenings/batch'];

  it('every write (POST) refuses a missing, malformed, unknown, expired or reader token, and appends nothing', async () => {
    const writes = (await operations()).filter((o) => o.method === 'POST' && !READ_POSTS.includes(o.url));
    // Every command type, its aliases, the upload of a list file and verify: a document that lost them would pass vacuously.
    expect(writes.map((w) => w.url)).toEqual(expect.arrayContaining([...COMMAND_TYPES.map((type) => `/commands/${type}`), '/resolutions', '/subjects/ro-kwang-chol/delistings', '/imports/un-xml', '/verify']));
    const before = await countEvents();
    const refusals: Array<[Record<string, string>, number]> = [
      [{}, 401],
      [{ authorization: 'Basic YWxpY2U6c2VjcmV0' }, 401],
      [{ authorization: 'Bearer ' }, 401],
      [bearer(TOKENS.unknown), 401],
      [bearer(TOKENS.expired), 401],
      [asReader, 403],
    ];
    for (const { url } of writes) {
      for (const [headers, status] of refusals) {
        const response = await service.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: designation('never-written') });
        expect(response.statusCode, `POST ${url} with ${JSON.stringify(headers)}`).toBe(status);
        expect(response.headers['www-authenticate'], url).toMatch(/^Bearer realm="sanctions-ledger"/);
      }
    }
    expect(await countEvents()).toBe(before);
  });

  it('every read (GET) is refused without a token and answered to a reader', async () => {
    const reads = (await operations()).filter((o) => o.method === 'GET' && !['/health', '/ready', '/docs'].includes(o.url) && !o.url.startsWith('/docs'));
    expect(reads.map((r) => r.url)).toEqual(expect.arrayContaining(['/state', '/subjects/ro-kwang-chol']));
    expect((await service.app.inject({ url: '/feed' })).statusCode).toBe(401); // a stream: a reader's answer never ends (test/notifications/sse-route.test.ts)
    for (const { url } of reads.filter((r) => r.url !== '/feed')) {
      const query = '?asOf=2024-12-16';
      expect((await service.app.inject({ url: url + query })).statusCode, url).toBe(401);
      const answered = await service.app.inject({ url: url + query, headers: asReader });
      expect([401, 403], `${url} as a reader: ${answered.body.slice(0, 200)}`).not.toContain(answered.statusCode);
    }
    const posted = (await operations()).filter((o) => o.method === 'POST' && READ_POSTS.includes(o.url));
    expect(posted.map((p) => p.url).sort()).toEqual([...READ_POSTS].sort());
    for (const { url } of posted) {
      const body = { headers: { 'content-type': 'application/json' }, payload: { name: 'No Kwang-chol' } };
      expect((await service.app.inject({ method: 'POST', url, ...body })).statusCode, url).toBe(401);
      const answered = await service.app.inject({ method: 'POST', url, ...body, headers: { ...body.headers, ...asReader } });
      expect([401, 403], `POST ${url} as a reader: ${answered.body.slice(0, 200)}`).not.toContain(answered.statusCode);
    }
  });
});

describe('LEDGER_PUBLIC_READS=true', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await testService({ seed: true, auth: { ...AUTH, publicReads: true } });
  });
  afterAll(() => service.close());

  it('lets queries through without a token, but not writes', async () => {
    expect((await service.app.inject({ url: '/subjects/ro-kwang-chol' })).statusCode).toBe(200);
    const write = await service.app.inject({ method: 'POST', url: '/commands/DesignateSubject', payload: designation('public-x') });
    expect(write.statusCode).toBe(401);
  });

  it('still refuses a bad token on a read', async () => {
    expect((await service.app.inject({ url: '/subjects/ro-kwang-chol', headers: bearer(TOKENS.unknown) })).statusCode).toBe(401);
  });
});
