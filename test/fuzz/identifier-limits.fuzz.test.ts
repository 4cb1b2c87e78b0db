/**
 * Identifiers at, just under and just past their length limits (issue 10 item 8, the "identifiers at their
 * length limits" shape of its "Done means"): a 700 KB commandId fitted in the body, was copied into every event
 * and halted every notification. Generated: one identifier of a command (commandId, correlationId, causationId,
 * data.subjectId, data.designationId, data.resolutionId) or of a watchlist (its id, an entry's id), of a length
 * around its limit (or far past it), written in the characters that identifier allows (unicode for the free ids).
 *
 * The limits, from the codecs: command, correlation and causation ids at most 200 printable characters
 * (src/commands/metadata.ts); ledger identifiers `[A-Za-z0-9][A-Za-z0-9._:/@#-]{0,199}` (events/primitives.ts);
 * watchlist and entry ids 1 to 200 characters without controls or "/" (src/watchlists/entry-codec.ts).
 *
 * Invariants: never a 500; at or under the limit accepted (201), and the id is what the ledger recorded (an
 * alias URL, a watchlist URL reach it too); past it a 400 whose errors name the field, and nothing appended.
 * Then the change feed, read from the start over a real socket, delivers every event the accepted commands
 * appended, with their full-length ids as CloudEvents attributes: one long id does not stall the feed.
 * (The Kafka publisher's side of the same promise: test/kafka/identifier-limits.test.ts, with a broker.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT, MAX_URL_LENGTH } from '../../src/http/server';
import { asReader, asWriter, SOURCE } from '../http/support';
import { fullService, type FullService } from './support/full-service';
import { counter, FUZZ_TIMEOUT_MS, reportCases, scaled, SEEDS } from './support/hostile';

const SEED = SEEDS.http + 30;
const RUNS = scaled(300);
const LIMIT = 200;
/** What the router reads of one path segment (src/http/server.ts: routerOptions.maxParamLength). */
const MAX_PARAM_LENGTH = 1000;

type Field = 'commandId' | 'correlationId' | 'causationId' | 'subjectId' | 'designationId' | 'resolutionId' | 'watchlistId' | 'entryId';
const FIELDS: readonly Field[] = ['commandId', 'correlationId', 'causationId', 'subjectId', 'designationId', 'resolutionId', 'watchlistId', 'entryId'];

/** The characters each identifier may be made of (the first one of a ledger identifier is a letter or digit). */
const LEDGER_ID_CHARS = [...'abcXYZ0189', '.', '_', ':', '/', '@', '#', '-'];
const FREE_ID_CHARS = [...'abcXYZ019', '-', '.', ':', ' ', 'é', 'ß', '로', 'Ж', '中', '@', '#', '%', '?', '&'];
const charsOf = (field: Field) => (field === 'subjectId' || field === 'designationId' || field === 'resolutionId' ? LEDGER_ID_CHARS : FREE_ID_CHARS);

/** Mostly the edge (limit - 2 ... limit + 2), sometimes far past it (the 700 KB id of the review). */
const lengthArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: LIMIT - 2, max: LIMIT + 2 }) },
  { weight: 2, arbitrary: fc.integer({ min: 24, max: LIMIT + 60 }) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 70_000, 700_000) },
);
const caseArb = fc.record({ field: fc.constantFrom(...FIELDS), length: lengthArb, fill: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), alias: fc.boolean() });
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** An id of exactly `length` UTF-16 units: a unique prefix (so rules never refuse it as taken), then filler. */
function idOf(c: Case, unique: string): string {
  const chars = charsOf(c.field);
  const prefix = `${unique}x`;
  let filler = '';
  for (let i = 0; filler.length < c.length - prefix.length; i++) filler += chars[c.fill[i % c.fill.length]! % chars.length]!;
  // A trailing blank would be a blank-edged id, another rule than length: end on a letter.
  return (prefix + filler).slice(0, c.length - 1) + 'z';
}

const { counts, add: tally } = counter();
let service: FullService;
let started = 0;
let n = 0;
/** Accepted commands' events, with the ids the feed must carry for them. */
const acceptedEvents: Array<{ eventId: string; commandId: string; correlationId: string }> = [];

beforeAll(async () => {
  started = Date.now();
  service = await fullService();
});
afterAll(async () => {
  reportCases('identifier-limits', SEED, counts, started);
  await service.close();
});

function designation(subjectId: string, extra: Record<string, unknown> = {}) {
  return {
    subjectId,
    kind: 'entity',
    regime: 'EU:RUS',
    identity: { names: [{ name: 'Limit Trading LLC', quality: 'primary' }] },
    measures: ['asset-freeze'],
    legalBasis: ['EU-RUS-PACKAGE-15'],
    effectiveFrom: '2024-12-16',
    ...extra,
  };
}

/** The request a case sends, the path its refusal must name, and where the accepted id can be read back. */
function requestOf(c: Case, id: string, unique: string) {
  const subjectId = `lim-${unique}`;
  switch (c.field) {
    case 'commandId':
    case 'correlationId':
    case 'causationId':
      return { method: 'POST' as const, url: '/commands/DesignateSubject', body: { data: designation(subjectId), source: SOURCE, [c.field]: id }, path: c.field, stream: `subject-${subjectId}` };
    case 'subjectId':
      // The resource-style alias puts the id in the URL path (percent-encoded), the command route in the body.
      return c.alias
        ? { method: 'POST' as const, url: `/subjects/${encodeURIComponent(id)}/designations`, body: { data: designation(id), source: SOURCE }, path: 'data.subjectId', stream: `subject-${id}` }
        : { method: 'POST' as const, url: '/commands/DesignateSubject', body: { data: designation(id), source: SOURCE }, path: 'data.subjectId', stream: `subject-${id}` };
    case 'designationId':
      return { method: 'POST' as const, url: '/commands/DesignateSubject', body: { data: designation(subjectId, { designationId: id }), source: SOURCE }, path: 'data.designationId', stream: `subject-${subjectId}` };
    case 'resolutionId':
      return {
        method: 'POST' as const,
        url: '/resolutions',
        body: {
          data: { resolutionId: id, authority: 'UN', regimes: ['UN:DPRK'], kind: 'security-council-resolution', reference: 'S/RES/1 (2030)', title: 'Limit', adoptedOn: '2020-01-01', inForceFrom: '2020-01-02', measures: ['asset-freeze'] },
          source: SOURCE,
        },
        path: 'data.resolutionId',
        stream: `resolution-${id}`,
      };
    case 'watchlistId':
      return { method: 'POST' as const, url: '/watchlists', body: { id, entries: [{ id: 'e1', name: 'Limit Trading LLC' }] }, path: 'id', watchlist: id };
    case 'entryId':
      return { method: 'POST' as const, url: '/watchlists', body: { id: `wl-${unique}`, entries: [{ id, name: 'Limit Trading LLC' }] }, path: 'entries.0.id', watchlist: `wl-${unique}`, entry: id };
  }
}

async function appended(stream: string | undefined): Promise<number> {
  return stream === undefined ? 0 : (await service.store.readStream(stream)).length;
}

describe('identifiers at their length limits', () => {
  it(`accepts every identifier up to its limit and refuses one past it naming the field (${RUNS} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const unique = `${++n}`;
        const id = idOf(c, unique);
        expect(id.length).toBe(c.length);
        const req = requestOf(c, id, unique);
        const stream = 'stream' in req ? req.stream : undefined;
        const totalBefore = await service.eventCount();
        const response = await service.app.inject({ method: req.method, url: req.url, headers: asWriter, payload: req.body });
        const context = `${c.field} of ${c.length} characters${c.alias ? ' (alias)' : ''}: ${response.statusCode} ${response.body.slice(0, 300)}`;
        expect(response.statusCode, context).toBeLessThan(500);
        const within = c.length <= LIMIT;
        tally(`${c.field}:${within ? 'within' : 'past'}`);
        if (Buffer.byteLength(JSON.stringify(req.body)) > BODY_LIMIT) {
          // 700,000 characters of a three-byte script: the body limit answers first.
          expect(response.statusCode, context).toBe(413);
          expect(await service.eventCount(), context).toBe(totalBefore);
          return;
        }
        if (req.url.length > MAX_URL_LENGTH) {
          // The id is in the URL path and the URL is past its limit: 414 before any work, the URL never echoed.
          expect(response.statusCode, context).toBe(414);
          expect(response.json(), context).toMatchObject({ error: 'uri-too-long' });
          expect(await service.eventCount(), context).toBe(totalBefore);
          return;
        }
        if (!within && c.alias && encodeURIComponent(id).length > MAX_PARAM_LENGTH && response.json<{ error: string }>().error === 'bad-url') {
          // Past what the router reads of a path segment, the URL itself may be what is refused (not echoed whole).
          expect(response.statusCode, context).toBe(400);
          expect(response.body.length, context).toBeLessThan(1_000);
          expect(await service.eventCount(), context).toBe(totalBefore);
          return;
        }
        if (!within) {
          expect(response.statusCode, context).toBe(400);
          const errors = (response.json() as { errors?: Array<{ path: string }> }).errors ?? [];
          expect(errors.map((e) => e.path), context).toContain(req.path);
          expect(await service.eventCount(), context).toBe(totalBefore);
          return;
        }
        expect(response.statusCode, context).toBe(201);
        if ('watchlist' in req) {
          // The id reads back through its own URL, however long it is once percent-encoded.
          const read = await service.app.inject({ url: `/watchlists/${encodeURIComponent(req.watchlist!)}`, headers: asReader });
          expect(read.statusCode, `${context}; GET ${read.statusCode} ${read.body.slice(0, 200)}`).toBe(200);
          if ('entry' in req) expect(read.body).toContain(JSON.stringify(req.entry).slice(1, -1));
          return;
        }
        const answer = response.json() as { commandId: string; events: Array<{ eventId: string }> };
        expect(answer.events.length, context).toBe(1);
        expect(await appended(stream), context).toBe(1);
        const [recorded] = await service.store.readStream(stream!);
        const envelope = recorded!.envelope as { commandId: string; correlationId: string; causationId?: string };
        if (c.field === 'commandId' || c.field === 'correlationId' || c.field === 'causationId') expect(envelope[c.field], context).toBe(id);
        acceptedEvents.push({ eventId: answer.events[0]!.eventId, commandId: envelope.commandId, correlationId: envelope.correlationId });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    for (const field of FIELDS) {
      expect(counts[`${field}:within`] ?? 0, field).toBeGreaterThan(0);
      expect(counts[`${field}:past`] ?? 0, field).toBeGreaterThan(0);
    }
  }, FUZZ_TIMEOUT_MS);

  it('delivers every accepted command on the change feed from the start, full-length ids and all (no stall)', async () => {
    expect(acceptedEvents.length).toBeGreaterThan(20);
    const base = await service.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    const missing = new Map(acceptedEvents.map((e) => [e.eventId, e]));
    try {
      const response = await fetch(`${base}/feed`, { headers: asReader, signal: controller.signal });
      expect(response.status).toBe(200);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        const frames = buffer.split('\n\n');
        buffer = frames.pop()!;
        for (const frame of frames) {
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          if (data === undefined) continue;
          const event = JSON.parse(data.slice('data: '.length)) as { id: string; commandid: string; correlationid: string };
          const expected = missing.get(event.id);
          if (expected === undefined) continue;
          expect(event.commandid).toBe(expected.commandId);
          expect(event.correlationid).toBe(expected.correlationId);
          missing.delete(event.id);
        }
        if (missing.size === 0) break;
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    expect([...missing.keys()], 'events the feed never delivered').toEqual([]);
  }, 60_000);
});
