/**
 * The HTTP API under generated hostile input (issue "Proof under load, faults and hostile input", part 4).
 *
 * A real server (buildServer) over a real SQLite FILE store with the projector, seeded with the worked example.
 * Generated requests: methods and paths from the OpenAPI document (plus junk), hostile query strings, random and
 * mutated command bodies, malformed Authorization headers. Most go through `app.inject` (volume); a few hundred
 * go over a real socket with fetch, the change feed among them.
 *
 * Invariants, for every request: status < 500; a 4xx body is JSON with an `error` field; nothing is appended
 * unless the answer is 201 (and then exactly the events it lists, for a command the codecs accept; counted in
 * the SQLite file through a separate read-only connection); an input the generator knows is invalid gets a 4xx.
 * Afterwards the server is healthy, `verify` passes, no request was logged as a server fault and
 * Object.prototype is untouched.
 *
 * Reproduce a failure: fast-check prints the seed and path; pass them to fc.assert in the failing test.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCatalogue, type CommandType } from '../../src/commands/command-catalogue';
import { BODY_LIMIT, buildServer, MAX_URL_LENGTH } from '../../src/http/server';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { AUTH, logCapture, TOKENS } from '../http/support';
import {
  ALIASES,
  COMMAND_TYPES,
  damage,
  mutateBody,
  mutationArb,
  prerequisite,
  randomJsonArb,
  serialise,
  textDamageArb,
  VALID_SOURCE,
  validData,
  type Json,
  type Verdict,
} from './support/commands';
import { BAD_INSTANTS, BAD_REGIMES, counter, FUZZ_TIMEOUT_MS, futureInstant, IMPOSSIBLE_DATES, PERCENT_JUNK, reportCases, scaled, SEEDS, unicodeText } from './support/hostile';

const SEED = SEEDS.http;
const RUNS = { reads: scaled(4_200), commands: scaled(5_600), oversized: scaled(120), socket: scaled(360), feed: scaled(90) };

const { counts, add: tally } = counter();
const { counts: outcomes, add: outcome } = counter();

let dir: string;
let store: SqliteEventStore;
let projector: Projector;
let ledger: Ledger;
let app: FastifyInstance;
let countEvents: () => number;
let reader: Database.Database;
const log = logCapture();
let started = 0;
/** Process warnings during the run: a listener leak shows up as MaxListenersExceededWarning. */
const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
const verdicts: Record<string, number> = {};

/** Routes of the OpenAPI document: method and path template. */
let routes: Array<{ method: string; path: string; query: string[] }> = [];

beforeAll(async () => {
  started = Date.now();
  process.on('warning', onWarning);
  dir = mkdtempSync(join(tmpdir(), 'fuzz-http-'));
  const file = join(dir, 'ledger.db');
  store = SqliteEventStore.open(file);
  ledger = Ledger.over(store);
  await ledger.seedWorkedExample();
  projector = Projector.open(store, join(dir, 'views.db'));
  await projector.catchUp();
  projector.start();
  app = await buildServer({ auth: AUTH, ledger, projector, logger: { level: 'error', stream: log.stream } });
  // The events table, read through its own connection: not through the code under test.
  reader = new Database(file, { readonly: true });
  const statement = reader.prepare('SELECT count(*) AS n FROM events');
  countEvents = () => (statement.get() as { n: number }).n;

  const doc = JSON.parse((await app.inject({ url: '/openapi.json' })).body) as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
  };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
  expect(routes.length).toBeGreaterThan(20);
});

afterAll(async () => {
  const total = reportCases('http', SEED, counts, started);
  console.info(`[fuzz:http] statuses ${JSON.stringify(outcomes)}; command-body verdicts ${JSON.stringify(verdicts)}`);
  process.off('warning', onWarning);
  await app?.close();
  await projector?.close();
  await ledger?.close();
  reader?.close();
  rmSync(dir, { recursive: true, force: true });
  // (Only when every property ran: a run filtered with -t counts less.)
  if (counts['inject:routes+queries+auth'] !== undefined && counts['inject:command-bodies'] !== undefined) expect(total).toBeGreaterThanOrEqual(10_000);
});

// ---------------------------------------------------------------------------------------------------------
// Generators

type AuthClass = 'writer' | 'reader' | 'none';
interface AuthChoice {
  readonly header: string | undefined;
  readonly cls: AuthClass;
}

const longToken = (n: number) => 'A'.repeat(n);
const authArb: fc.Arbitrary<AuthChoice> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<AuthChoice>({ header: `Bearer ${TOKENS.writer}`, cls: 'writer' }) },
  { weight: 4, arbitrary: fc.constant<AuthChoice>({ header: `Bearer ${TOKENS.reader}`, cls: 'reader' }) },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.constantFrom<AuthChoice>(
        { header: undefined, cls: 'none' },
        { header: '', cls: 'none' },
        { header: 'Bearer', cls: 'none' },
        { header: 'Bearer ', cls: 'none' },
        { header: `Bearer ${TOKENS.expired}`, cls: 'none' },
        { header: `Bearer ${TOKENS.unknown}`, cls: 'none' },
        { header: `bearer ${TOKENS.writer}`, cls: 'writer' }, // the scheme is case-insensitive (RFC 6750)
        { header: `BEARER ${TOKENS.reader}`, cls: 'reader' },
        { header: `Bearer  ${TOKENS.writer}`, cls: 'none' },
        { header: `Bearer ${TOKENS.writer} `, cls: 'none' },
        { header: ` Bearer ${TOKENS.writer}`, cls: 'none' },
        { header: `Bearer ${TOKENS.writer}=`, cls: 'none' },
        { header: `Bearer ${TOKENS.writer}x`, cls: 'none' },
        { header: `Bearer ${TOKENS.writer.slice(0, -1)}`, cls: 'none' },
        { header: `Bearer ${TOKENS.writer.toUpperCase()}`, cls: 'none' },
        { header: `Basic ${Buffer.from(`alice:${TOKENS.writer}`).toString('base64')}`, cls: 'none' },
        { header: `Token ${TOKENS.writer}`, cls: 'none' },
        { header: `Bearer ${TOKENS.writer}, Bearer ${TOKENS.reader}`, cls: 'none' },
        { header: `Bearer "${TOKENS.writer}"`, cls: 'none' },
        { header: `Bearer ${longToken(9_000)}`, cls: 'none' },
        { header: `Bearer ${TOKENS.writer}\u0000`, cls: 'none' },
        { header: 'Bearer ====', cls: 'none' },
        { header: 'Bearer =abc', cls: 'none' },
        { header: `Bearer ${'a'.repeat(64)}${'='.repeat(5000)}`, cls: 'none' },
      ),
      // Anything at all; a random string is never a token (the tokens are long and fixed).
      fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => ({ header: s, cls: 'none' as const })),
      fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => ({ header: `Bearer ${s}`, cls: 'none' as const })),
    ),
  },
);

/** Percent-encodes every UTF-8 byte (encodeURIComponent throws on lone surrogates). */
const pct = (s: string) =>
  Array.from(Buffer.from(s, 'utf8'))
    .map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');

const idSegmentArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('ro-kwang-chol', 'kim-yong-bok', 'UNSC-1718', 'EU-RUS-PACKAGE-15', pct('EU:RUS@2024-12-16'), 'no-such-subject', 'fz-1') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(pct) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(pct) },
  { weight: 2, arbitrary: fc.constantFrom(...PERCENT_JUNK) },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e', ' ', '%20', 'a%2Fb', '%00', '~', '*', "'", '"', '<script>', '%3Cscript%3E') },
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 6_000 }).map((n) => 'a'.repeat(n)) },
);

const PARAM_NAMES = ['asOf', 'knownAt', 'authority', 'regime', 'limit', 'offset', 'from', 'to', 'q', 'after', 'type'];
const paramNameArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PARAM_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('asof', 'ASOF', 'as_of', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'q[]', 'a[b]', 'limit[]', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const FUTURE = '\u0000future:';
const paramValueArb = fc.oneof(
  fc.constantFrom('2024-12-16', '2024-12-15', '2006-10-14', '2024-12-17T12:00:00Z', '2024-12-16T23:00:00Z', '2024-12-16T23:00:00.000Z'),
  fc.constantFrom(...IMPOSSIBLE_DATES),
  fc.constantFrom(...BAD_INSTANTS),
  fc.integer({ min: 1, max: 3650 }).map((d) => `${FUTURE}${d}`),
  fc.constantFrom('UN', 'EU', 'US', 'UK', 'FR', 'eu', 'EU:RUS', 'UN:DPRK', 'US:RUSSIA-EO14024', ...BAD_REGIMES),
  fc.constantFrom('0', '1', '-1', '20', '100', '1000', '1001', '999999999', '1000000001', '1e3', '0x10', ' 1', '1.5', '99999999999999999999', 'NaN'),
  fc.constantFrom('ro', 'no kwang chol', 'RO Kwang Chol', '로광철', '%', '*', '"', "'; DROP TABLE events; --", '\\', 'a'.repeat(201)),
  fc.constantFrom('SubjectDesignated', 'SubjectDesignated,SubjectDelisted', '0', '-1', '1:2', 'abc', '99999999999'),
  unicodeText,
  fc.integer({ min: 100, max: 5_000 }).map((n) => 'x'.repeat(n)),
);

interface Param {
  readonly name: string;
  readonly value: string;
  /** false: put into the query string as it is (percent junk, spaces, unicode). */
  readonly encode: boolean;
}
const queryArb = fc.array(fc.record({ name: paramNameArb, value: paramValueArb, encode: fc.boolean() }), { maxLength: 6 });

const liveValue = (v: string) => (v.startsWith(FUTURE) ? futureInstant(Number(v.slice(FUTURE.length))) : v);
const queryString = (params: readonly Param[]) =>
  params.length === 0 ? '' : `?${params.map((p) => (p.encode ? `${pct(p.name)}=${pct(liveValue(p.value))}` : `${p.name}=${liveValue(p.value)}`)).join('&')}`;

/** Read routes that check every query parameter (unknown or repeated ones are refused). */
const CHECKED_QUERY_ROUTES = ['/state', '/subjects/{id}', '/subjects/{id}/history', '/subjects/{id}/designations/{designationId}/history', '/resolutions', '/resolutions/{id}', '/resolutions/{id}/history', '/diff', '/names'];
const DATE_PARAMS = ['asOf', 'from', 'to'];

/** 'invalid' when the query alone must make a checked GET route answer 400 (or 401/404 before it gets there). */
function queryVerdict(method: string, template: string, allowed: string[], params: readonly Param[]): Verdict {
  if (method !== 'GET' || !CHECKED_QUERY_ROUTES.includes(template) || !params.every((p) => p.encode)) return 'any';
  const names = params.map((p) => p.name);
  if (names.some((n) => n !== '' && !allowed.includes(n))) return 'invalid';
  if (new Set(names).size !== names.length && names.every((n) => n !== '')) return 'invalid';
  for (const p of params) {
    if (DATE_PARAMS.includes(p.name) && p.value !== '' && IMPOSSIBLE_DATES.includes(p.value)) return 'invalid';
    if (p.name === 'knownAt' && (p.value.startsWith(FUTURE) || (p.value !== '' && BAD_INSTANTS.includes(p.value)))) return 'invalid';
  }
  return 'any';
}

interface Req {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
  /** For the report when an invariant breaks. */
  readonly note: string;
  readonly verdict: Verdict;
  /** A command's verdict on its body alone: the verdict again if the token turns out to be a writer's after all. */
  readonly bodyVerdict?: Verdict;
  readonly auth: AuthClass;
  /** Set for POSTs to a command route: the type and how to rebuild the data the server decided on. */
  readonly command?: { type: CommandType; data: () => unknown };
  /** A route that needs a token, reached with a clean URL: no token means 401, a reader on a write 403. */
  readonly protectedRoute?: 'read' | 'write';
}

interface Res {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, unknown>;
}

/** The invariants every answer must keep; `before`/`after` are the event counts around the request. */
function check(req: Req, res: Res, before: number, after: number): void {
  const where = `${req.method} ${req.url.slice(0, 300)} [${req.note}] -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  outcome(res.statusCode);
  expect(res.statusCode, where).toBeLessThan(500);
  expect(res.body, where).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace, whatever the status
  if (res.statusCode >= 400 && req.method !== 'HEAD') {
    let parsed: unknown;
    expect(() => (parsed = JSON.parse(res.body)), where).not.toThrow();
    expect(typeof (parsed as { error?: unknown }).error, where).toBe('string');
  }
  if (req.verdict === 'invalid') expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
  if (req.protectedRoute !== undefined && req.auth === 'none') {
    expect(res.statusCode, where).toBe(401);
    expect(String(res.headers['www-authenticate']), where).toMatch(/^Bearer realm=/);
  }
  if (req.protectedRoute === 'write' && req.auth === 'reader') expect(res.statusCode, where).toBe(403);

  if (req.command === undefined || res.statusCode >= 300) {
    expect(after - before, `nothing may be appended: ${where}`).toBe(0);
    return;
  }
  const answer = JSON.parse(res.body) as { status: string; events: unknown[] };
  if (res.statusCode === 201) {
    expect(answer.status, where).toBe('accepted');
    expect(after - before, where).toBe(answer.events.length);
    // Independent of the generator's verdicts: only what the codec accepts may have been appended.
    expect(E.isRight((commandCatalogue[req.command.type].codec as { decode(u: unknown): E.Either<unknown, unknown> }).decode(req.command.data())), `appended an input the codec refuses: ${where}`).toBe(true);
  } else {
    expect(res.statusCode, where).toBe(200);
    expect(answer.status, where).toBe('duplicate');
    expect(after - before, where).toBe(0);
  }
}

async function inject(req: Req): Promise<void> {
  const before = countEvents();
  const res = await app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: req.headers,
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  });
  check(req, { statusCode: res.statusCode, body: res.body, headers: res.headers }, before, countEvents());
}

/**
 * fetch (and Node's HTTP parser) trim the spaces around a header value, so over a socket "Bearer <writer> " is
 * the writer's header: the class is recomputed from what actually arrives.
 */
function socketAuth(header: string | undefined, cls: AuthClass): AuthClass {
  if (header === undefined) return cls;
  const arrived = header.replace(/^[ \t]+|[ \t]+$/g, '');
  if (arrived === header) return cls;
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(arrived);
  if (match?.[1] === TOKENS.writer) return 'writer';
  if (match?.[1] === TOKENS.reader) return 'reader';
  return 'none';
}

const withAuth = (auth: AuthChoice, headers: Record<string, string> = {}) =>
  auth.header === undefined ? headers : { ...headers, authorization: auth.header };

// ---- route / method / query / auth cases

const readCaseArb = fc.record({
  route: fc.nat(),
  junkPath: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.array(idSegmentArb, { minLength: 1, maxLength: 4 }) }),
  method: fc.oneof({ weight: 8, arbitrary: fc.constant('doc') }, { weight: 2, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'SEARCH') }),
  ids: fc.tuple(idSegmentArb, idSegmentArb),
  query: queryArb,
  auth: authArb,
  body: fc.option(randomJsonArb, { nil: undefined }),
});

type ReadCase = typeof readCaseArb extends fc.Arbitrary<infer T> ? T : never;

function buildReadRequest(c: ReadCase): Req {
  const inject = routes.filter((r) => r.path !== '/feed'); // the feed streams forever: it is tried over the socket
  const route = inject[c.route % inject.length]!;
  const method = c.method === 'doc' ? route.method : c.method;
  // A URL fetch would not rewrite (dot segments, %2e) and that reaches the route's auth check unchanged.
  const clean =
    c.junkPath === undefined &&
    c.ids.every((id) => /^[A-Za-z0-9%._~-]+$/.test(id) && id.length < 200 && !/^\.{1,2}$/.test(id) && !/%2e/i.test(id) && decodes(id)) &&
    c.query.every((p) => p.encode);
  let n = 0;
  const path = c.junkPath === undefined ? route.path.replace(/\{[^}]+\}/g, () => c.ids[n++ % 2]!) : `/${c.junkPath.join('/')}`;
  const url = `${path}${queryString(c.query)}`;
  // Screenings are POSTed questions (the names are the caller's data): reader routes, not commands.
  const isScreening = route.path.startsWith('/screenings');
  const isCommand = route.method === 'POST' && route.path !== '/verify' && !isScreening;
  const access = route.path === '/health' || route.path === '/ready' ? undefined : route.method === 'POST' && !isScreening ? 'write' : 'read';
  const sendsBody = method !== 'GET' && method !== 'HEAD' && c.body !== undefined;
  const verdict = c.junkPath === undefined ? queryVerdict(method, route.path, route.query, c.query) : 'any';
  return {
    method,
    url,
    headers: withAuth(c.auth, sendsBody ? { 'content-type': 'application/json' } : {}),
    ...(sendsBody ? { payload: JSON.stringify(c.body) } : {}),
    note: `route ${route.method} ${route.path}`,
    verdict,
    auth: c.auth.cls,
    // A random body never makes a valid command; if it did, the 201 check would say so.
    ...(isCommand && method === 'POST' && c.junkPath === undefined ? { command: { type: commandTypeOf(route.path), data: () => (c.body as { data?: unknown } | undefined)?.data } } : {}),
    ...(clean && method === route.method && access !== undefined && url.length <= MAX_URL_LENGTH && c.junkPath === undefined ? { protectedRoute: access } : {}),
  };
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

function commandTypeOf(template: string): CommandType {
  if (template.startsWith('/commands/')) return template.slice('/commands/'.length) as CommandType;
  if (template === '/resolutions') return 'AdoptResolution';
  const alias = Object.entries(ALIASES).find(([, a]) => a.url('{id}').replace('%7Bid%7D', '{id}') === template);
  if (alias === undefined) throw new Error(`no command behind ${template}`);
  return alias[0] as CommandType;
}

// ---- command cases

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/json; charset=latin1', '', 'application/xml'];
const contentTypeArb = fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) });

const commandCaseArb = fc.record({
  type: fc.constantFrom(...COMMAND_TYPES),
  alias: fc.boolean(),
  idInBody: fc.boolean(),
  /** Its own new subject or resolution (recorded first), or the worked example's (whose history grows). */
  fresh: fc.boolean(),
  mode: fc.constantFrom('mutated', 'mutated', 'mutated', 'mutated', 'random', 'random-wrapped', 'valid'),
  mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
  random: randomJsonArb,
  damage: textDamageArb,
  commandId: fc.constantFrom('none', 'none', 'fresh', 'repeat'),
  auth: authArb,
  contentType: contentTypeArb,
});
type CommandCase = typeof commandCaseArb extends fc.Arbitrary<infer T> ? T : never;

let unique = 0;
const acceptedCommandIds: string[] = [];

function buildCommandRequest(c: CommandCase): Req {
  unique++;
  const alias = c.alias ? ALIASES[c.type] : undefined;
  const data = validData(c.type, `h${unique}`, c.fresh);
  const pathId = alias === undefined ? undefined : String(data[alias.idField]);
  if (alias !== undefined && !c.idInBody) delete data[alias.idField];
  const body: { [key: string]: Json } = { data, source: { ...VALID_SOURCE } };
  if (c.commandId === 'fresh') body.commandId = `fz-cmd-${unique}`;
  if (c.commandId === 'repeat' && acceptedCommandIds.length > 0) body.commandId = acceptedCommandIds[unique % acceptedCommandIds.length]!;

  let text: string;
  let verdict: Verdict = 'any';
  let note: string;
  let sent: unknown;
  if (c.mode === 'random' || c.mode === 'random-wrapped') {
    sent = c.mode === 'random' ? c.random : { data: c.random, source: VALID_SOURCE };
    text = JSON.stringify(sent);
    note = `${c.mode} ${text.slice(0, 120)}`;
  } else if (c.mode === 'valid') {
    sent = body;
    text = JSON.stringify(body);
    note = 'valid';
  } else {
    const mutated = mutateBody(c.type, body, c.mutations, alias?.idField);
    text = serialise(mutated);
    verdict = mutated.verdict;
    note = mutated.applied.join('; ');
    sent = mutated.raw.length === 0 ? mutated.body : undefined;
  }
  const damaged = damage(text, c.damage);
  if (c.damage.kind !== 'none') {
    text = damaged.text;
    verdict = damaged.verdict;
    note += `; text ${c.damage.kind}`;
    sent = undefined;
  }
  const isJson = /^application\/json(;|$)/i.test(c.contentType);
  if (!isJson) verdict = 'invalid'; // 415
  if (Buffer.byteLength(text) > BODY_LIMIT && isJson) note += ' (over the body limit)';
  const url = alias === undefined ? `/commands/${c.type}` : alias.url(pathId!);
  const decided = () => {
    // What the server decided on: the body as parsed, with the path's id on an alias route.
    const parsed = (sent ?? JSON.parse(text)) as { data?: Record<string, unknown> };
    return alias === undefined || typeof parsed.data !== 'object' || parsed.data === null ? parsed.data : { ...parsed.data, [alias.idField]: pathId };
  };
  return {
    method: 'POST',
    url,
    headers: withAuth(c.auth, c.contentType === '' ? {} : { 'content-type': c.contentType }),
    payload: text,
    note: `${c.type}${alias ? ' (alias)' : ''} ${note}`,
    verdict: c.auth.cls === 'writer' ? verdict : 'invalid',
    bodyVerdict: verdict,
    auth: c.auth.cls,
    command: { type: c.type, data: decided },
    ...(isJson ? { protectedRoute: 'write' as const } : {}),
  };
}

/** Records the designation or resolution a `fresh` command targets, before the request is counted. */
async function recordPrerequisite(c: CommandCase): Promise<void> {
  const needed = c.fresh ? prerequisite(c.type, `h${unique}`) : undefined;
  if (needed === undefined) return;
  const result = await ledger.execute(needed, { actor: { id: 'fuzz-setup', kind: 'service' }, source: VALID_SOURCE });
  expect(E.isRight(result), JSON.stringify(result)).toBe(true);
}

// ---------------------------------------------------------------------------------------------------------

describe('HTTP API under generated hostile input', () => {
  it(`answers every generated route, method, query string and Authorization header below 500 (${RUNS.reads} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(readCaseArb, async (c) => {
        tally('inject:routes+queries+auth');
        await inject(buildReadRequest(c));
      }),
      { seed: SEED, numRuns: RUNS.reads, endOnFailure: true },
    );
  }, FUZZ_TIMEOUT_MS);

  it(`refuses every invalid command body and appends nothing for it (${RUNS.commands} cases, seed ${SEED + 1})`, async () => {
    await fc.assert(
      fc.asyncProperty(commandCaseArb, async (c) => {
        tally('inject:command-bodies');
        const req = buildCommandRequest(c);
        verdicts[req.verdict] = (verdicts[req.verdict] ?? 0) + 1;
        await recordPrerequisite(c);
        const before = countEvents();
        const res = await app.inject({ method: 'POST', url: req.url, headers: req.headers, payload: req.payload! });
        check(req, { statusCode: res.statusCode, body: res.body, headers: res.headers }, before, countEvents());
        if (res.statusCode === 201) {
          const id = (JSON.parse(res.body) as { commandId: string }).commandId;
          if (acceptedCommandIds.length < 50) acceptedCommandIds.push(id);
        }
        if (Buffer.byteLength(req.payload!) > BODY_LIMIT && req.headers['content-type'] === 'application/json' && c.auth.cls === 'writer') {
          expect(res.statusCode, req.note).toBe(413);
        }
      }),
      { seed: SEED + 1, numRuns: RUNS.commands, endOnFailure: true },
    );
    // Some of the generated commands were valid: the oracle above saw accepted ones, not only refusals.
    expect(outcomes[201] ?? 0).toBeGreaterThan(50);
  }, FUZZ_TIMEOUT_MS);

  it(`refuses oversized bodies (413) and URLs (414) before any work (${RUNS.oversized} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COMMAND_TYPES),
        fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT * 3 }),
        fc.integer({ min: MAX_URL_LENGTH + 1, max: 60_000 }),
        fc.constantFrom('/state', '/names', '/subjects/ro-kwang-chol', '/diff', '/resolutions', '/health'),
        async (type, bodySize, urlSize, readPath) => {
          tally('inject:oversized');
          const data = validData(type, `big${bodySize}`);
          const filler = 'x'.repeat(bodySize);
          const payload = JSON.stringify({ data: { ...data, reasons: filler }, source: VALID_SOURCE });
          const before = countEvents();
          const big = await app.inject({ method: 'POST', url: `/commands/${type}`, headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json' }, payload });
          expect(big.statusCode).toBe(413);
          expect(JSON.parse(big.body)).toMatchObject({ error: 'payload-too-large' });
          const query = `?q=${'y'.repeat(urlSize)}`;
          const long = await app.inject({ url: `${readPath}${query}`, headers: { authorization: `Bearer ${TOKENS.reader}` } });
          expect(long.statusCode).toBe(414);
          expect(JSON.parse(long.body)).toMatchObject({ error: 'uri-too-long' });
          const longWrite = await app.inject({ method: 'POST', url: `/commands/${type}${query}`, headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json' }, payload: JSON.stringify({ data, source: VALID_SOURCE }) });
          expect(longWrite.statusCode).toBe(414);
          expect(countEvents()).toBe(before);
        },
      ),
      { seed: SEED + 2, numRuns: RUNS.oversized, endOnFailure: true },
    );
  }, FUZZ_TIMEOUT_MS);

  describe('over a real socket', () => {
    let base: string;
    beforeAll(async () => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      base = `http://127.0.0.1:${address.port}`;
    });

    /** fetch refuses some requests itself (a header with a line break, a TRACE): those are not sent. */
    async function send(req: Req): Promise<boolean> {
      let init: RequestInit;
      let url: URL;
      try {
        url = new URL(req.url, base);
        init = { method: req.method, headers: req.headers, ...(req.payload === undefined || req.method === 'GET' || req.method === 'HEAD' ? {} : { body: req.payload }) };
        new Request(url, init);
      } catch {
        tally('socket:not-sent(fetch refused)');
        return false;
      }
      const before = countEvents();
      let res: Response;
      try {
        res = await fetch(url, init);
      } catch (error) {
        // undici checks header values only when sending: a control character in Authorization never leaves.
        if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_INVALID_ARG') throw error;
        tally('socket:not-sent(fetch refused)');
        return false;
      }
      const body = await res.text();
      // fetch trims the Authorization value: a token with stray blanks arrives clean, and the body decides again.
      const auth = socketAuth(req.headers.authorization, req.auth);
      const verdict = auth === req.auth || req.bodyVerdict === undefined ? req.verdict : auth === 'writer' ? req.bodyVerdict : 'invalid';
      check(
        { ...req, auth, verdict, ...(init.body === undefined && req.command !== undefined ? { command: undefined, verdict: 'any' as const } : {}) },
        { statusCode: res.status, body, headers: Object.fromEntries(res.headers) },
        before,
        countEvents(),
      );
      return true;
    }

    it(`keeps the invariants for generated requests sent with fetch (${RUNS.socket} cases)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(readCaseArb.map((c) => async () => buildReadRequest(c)), commandCaseArb.map((c) => async () => {
          const req = buildCommandRequest(c);
          await recordPrerequisite(c);
          return req;
        })), async (make) => {
          if (await send(await make())) tally('socket:requests');
        }),
        { seed: SEED + 3, numRuns: RUNS.socket, endOnFailure: true },
      );
    }, FUZZ_TIMEOUT_MS);

    it(`answers the change feed's hostile queries and Last-Event-ID headers (${RUNS.feed} cases)`, async () => {
      const feedValue = fc.oneof(paramValueArb, fc.constantFrom('0', '1', '5', '-1', '18446744073709551616', '1.5', 'abc', ''));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ name: fc.constantFrom('authority', 'regime', 'type', 'after', 'limit', 'x'), value: feedValue, encode: fc.boolean() }), { maxLength: 4 }),
          fc.option(feedValue, { nil: undefined }),
          authArb,
          async (query, lastEventId, auth) => {
            const headers = withAuth(auth, lastEventId === undefined ? {} : { 'last-event-id': lastEventId });
            let url: URL;
            try {
              url = new URL(`/feed${queryString(query)}`, base);
              new Request(url, { headers });
            } catch {
              tally('socket:not-sent(fetch refused)');
              return;
            }
            const controller = new AbortController();
            const before = countEvents();
            let res: Response;
            try {
              res = await fetch(url, { headers, signal: controller.signal });
            } catch (error) {
              if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_INVALID_ARG') throw error;
              tally('socket:not-sent(fetch refused)');
              return;
            }
            tally('socket:feed');
            outcome(res.status);
            expect(res.status).toBeLessThan(500);
            if (res.status === 200) {
              expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
              controller.abort();
            } else {
              const text = await res.text();
              expect(JSON.parse(text), text).toHaveProperty('error');
              // An oversized URL is refused before the token is looked at.
              if (url.pathname.length + url.search.length > MAX_URL_LENGTH) expect(res.status, text).toBe(414);
              else if (socketAuth(auth.header, auth.cls) === 'none') expect(res.status, text).toBe(401);
            }
            expect(countEvents()).toBe(before);
          },
        ),
        { seed: SEED + 4, numRuns: RUNS.feed, endOnFailure: true },
      );
    }, FUZZ_TIMEOUT_MS);
  });

  it('is still healthy afterwards: /health, /ready, verify, no server fault logged, no prototype polluted', async () => {
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    await projector.catchUp();
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode, ready.body).toBe(200);
    const verify = await app.inject({ method: 'POST', url: '/verify', headers: { authorization: `Bearer ${TOKENS.writer}` } });
    expect(verify.statusCode).toBe(200);
    const report = JSON.parse(verify.body) as { ok: boolean; eventsChecked: number };
    expect(report).toMatchObject({ ok: true });
    expect(report.eventsChecked).toBe(countEvents());
    expect(log.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50)).toEqual([]);
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    console.info(`[fuzz:http] ledger holds ${countEvents()} events after the run; verify ok over ${report.eventsChecked}`);
  });
});
