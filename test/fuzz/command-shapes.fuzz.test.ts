/**
 * Input that parses but means something else (issue 10 item 7, the shapes of its "Done means"): a field the
 * command does not know, anywhere in its data (`effectiveTo` on a designation, `reason` for `reasons`, a
 * misspelt field of a nested name), was dropped silently; a key given twice let the last one win; a name of
 * zero-width or control characters was recorded as a name. Through the real HTTP service, with generated paths.
 *
 * Oracles: which fields exist is read from the served OpenAPI document's body schemas (the contract a caller
 * reads), not from the codecs under test; each case is sent again without its fault and must then be accepted,
 * so the fault was the reason for the refusal. Invisible characters are listed here by hand from Unicode's
 * categories (zero-width and format characters, bidi controls, C0 and C1 controls, combining marks, blanks).
 */
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandType } from '../../src/commands/command-catalogue';
import { asWriter } from '../http/support';
import { COMMAND_TYPES, prerequisite, VALID_SOURCE, validData, type Json } from './support/commands';
import { fullService, postText, type FullService } from './support/full-service';
import { counter, FUZZ_TIMEOUT_MS, reportCases, scaled, SEEDS } from './support/hostile';

const SEED = SEEDS.http + 40;
const RUNS = { unknown: scaled(250), duplicate: scaled(250), invisible: scaled(300) };

type Path = (string | number)[];
interface Schema {
  readonly properties?: Record<string, Schema>;
  readonly items?: Schema;
}

const { counts, add: tally } = counter();
let service: FullService;
let started = 0;
let unique = 0;
/** The documented body schema of each command route. */
const bodySchemas = new Map<CommandType, Schema>();

beforeAll(async () => {
  started = Date.now();
  service = await fullService();
  const doc = (await service.app.inject({ url: '/openapi.json' })).json() as {
    paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: Schema }> } } }>;
  };
  for (const type of COMMAND_TYPES) {
    const schema = doc.paths[`/commands/${type}`]?.post?.requestBody?.content['application/json']?.schema;
    expect(schema?.properties?.data, type).toBeDefined();
    bodySchemas.set(type, schema!);
  }
}, 60_000);
afterAll(async () => {
  reportCases('command-shapes', SEED, counts, started);
  await service.close();
});

// ---- bodies and paths

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object in a JSON tree (the root included), by path. */
function objectPaths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (isObject(value)) {
    out.push(prefix);
    for (const [key, child] of Object.entries(value)) objectPaths(child, [...prefix, key], out);
  } else if (Array.isArray(value)) value.forEach((child, i) => objectPaths(child, [...prefix, i], out));
  return out;
}

const at = (root: Json, path: Path): Json | undefined => path.reduce<Json | undefined>((node, key) => (node as Record<string, Json> | undefined)?.[key as string], root);
const schemaAt = (root: Schema, path: Path): Schema | undefined =>
  path.reduce<Schema | undefined>((node, key) => (typeof key === 'number' ? node?.items : node?.properties?.[key]), root);
const dotted = (path: Path) => path.join('.');

/** A command that the ledger accepts as it is: its own new subject or resolution, recorded first if it needs one. */
async function acceptableCommand(type: CommandType): Promise<{ [key: string]: Json }> {
  const id = `shape${++unique}`;
  const needed = prerequisite(type, id);
  if (needed !== undefined) {
    const setUp = await service.ledger.execute(needed, { actor: { id: 'fuzz-setup', kind: 'service' }, source: VALID_SOURCE });
    expect(E.isRight(setUp), JSON.stringify(setUp)).toBe(true);
  }
  return { data: validData(type, id, true), source: { ...VALID_SOURCE } };
}

/** Misspellings as a careless user makes them (of a key that is there), or any name. */
const nameArb = (siblings: readonly string[]) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...(siblings.length > 0 ? siblings : ['name'])), fc.nat(), fc.constantFrom('drop', 'double', 'plural', 'singular', 'upper', 'lower', 'ID')).map(([key, i, how]) => {
      const at = i % key.length;
      if (how === 'drop') return key.slice(0, at) + key.slice(at + 1);
      if (how === 'double') return key.slice(0, at) + key[at] + key.slice(at);
      if (how === 'plural') return `${key}s`;
      if (how === 'singular') return key.replace(/s$/, '');
      if (how === 'upper') return key[0]!.toUpperCase() + key.slice(1);
      if (how === 'lower') return key.toLowerCase();
      return key.replace(/Id$/, 'ID');
    }),
    fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/),
  );

/** Serialises `value`, giving the key `key` of the object at `target` twice (its own value, then `second`). */
function withDuplicate(value: Json, target: Path, key: string, second: Json, path: Path = []): string {
  if (Array.isArray(value)) return `[${value.map((v, i) => withDuplicate(v, target, key, second, [...path, i])).join(',')}]`;
  if (!isObject(value)) return JSON.stringify(value);
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${withDuplicate(v, target, key, second, [...path, k])}`);
  if (dotted(path) === dotted(target) && path.length === target.length) {
    const i = Object.keys(value).indexOf(key);
    members.splice(i + 1, 0, `${JSON.stringify(key)}:${JSON.stringify(second)}`);
  }
  return `{${members.join(',')}}`;
}

const post = (url: string, body: Json) => postText(service.app, url, JSON.stringify(body));
const smallJson = fc.oneof(fc.constantFrom<Json>('2025-01-01', 'x', true, 0, null, [], {}, ['a'], { a: 1 }), fc.string({ maxLength: 10 }));

async function expectAcceptedWithoutTheFault(url: string, body: Json, context: string) {
  const control = await post(url, body);
  expect(control.statusCode, `the same body without its fault: ${context}: ${control.body.slice(0, 300)}`).toBeLessThan(300);
}

// ---- invisible names

const INVISIBLE = {
  'zero-width': ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u180E'],
  bidi: ['\u200E', '\u200F', '\u061C', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'],
  c0: ['\u0000', '\u0001', '\u0007', '\u0009', '\u000A', '\u000D', '\u001B', '\u001F', '\u007F'],
  c1: ['\u0080', '\u0085', '\u008D', '\u009B', '\u009F'],
  combining: ['\u0300', '\u0301', '\u0308', '\u0336', '\u034F', '\u20DD', '\uFE0F', '\uFE20'],
  blank: [' ', '\u00A0', '\u2003', '\u3000', '\u2028'],
} as const;
type Kind = keyof typeof INVISIBLE;
const KINDS = Object.keys(INVISIBLE) as Kind[];
/** One to eight invisible characters, of one kind or mixed. */
const invisibleArb = fc.tuple(fc.constantFrom<Kind | 'mixed'>(...KINDS, 'mixed'), fc.array(fc.nat(), { minLength: 1, maxLength: 8 })).map(([kind, picks]) => {
  const pool: readonly string[] = kind === 'mixed' ? Object.values(INVISIBLE).flat() : INVISIBLE[kind];
  return { kind, name: picks.map((p) => pool[p % pool.length]!).join('') };
});

/** Where a name is given: in a command, a screening query, a watchlist entry. */
type Target = 'designation' | 'amendment' | 'correction' | 'screening' | 'watchlist';
const TARGETS: readonly Target[] = ['designation', 'amendment', 'correction', 'screening', 'watchlist'];

async function nameRequest(target: Target, name: string): Promise<{ url: string; body: Json; path: string; valid: Json }> {
  const id = `inv${++unique}`;
  const names = (n: string) => [{ name: n, quality: 'primary' }];
  switch (target) {
    case 'designation': {
      const body = await acceptableCommand('DesignateSubject');
      const make = (n: string) => ({ ...body, data: { ...(body.data as object), identity: { names: names(n) } } });
      return { url: '/commands/DesignateSubject', body: make(name), path: 'data.identity.names.0.name', valid: make('Visible Name') };
    }
    case 'amendment': {
      const body = await acceptableCommand('AmendDesignation');
      const data = body.data as { [key: string]: Json };
      const make = (n: string) => ({ ...body, data: { ...data, changes: { identity: { names: names(n) } } } });
      return { url: '/commands/AmendDesignation', body: make(name), path: 'data.changes.identity.names.0.name', valid: make('Visible Name') };
    }
    case 'correction': {
      const body = await acceptableCommand('CorrectDesignation');
      const data = body.data as { [key: string]: Json };
      const make = (n: string) => ({ ...body, data: { ...data, corrections: { identity: { names: names(n) } } } });
      return { url: '/commands/CorrectDesignation', body: make(name), path: 'data.corrections.identity.names.0.name', valid: make('Visible Name') };
    }
    case 'screening':
      return { url: '/screenings', body: { name }, path: 'name', valid: { name: 'Visible Name' } };
    case 'watchlist': {
      const make = (n: string, suffix: string) => ({ id: `wl-${id}${suffix}`, entries: [{ id: 'e1', name: n }] });
      return { url: '/watchlists', body: make(name, ''), path: 'entries.0.name', valid: make('Visible Name', '-ok') };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('command input that parses but means something else', () => {
  it(`refuses an unknown field anywhere in a command, naming its exact path, and appends nothing (${RUNS.unknown} cases)`, async () => {
    const caseArb = fc.record({ type: fc.constantFrom(...COMMAND_TYPES), pick: fc.nat(), seed: fc.nat(), value: smallJson });
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ type, pick, seed, value }) => {
        const body = await acceptableCommand(type);
        const schema = bodySchemas.get(type)!;
        const objects = objectPaths(body);
        const target = objects[pick % objects.length]!;
        const node = at(body, target) as { [key: string]: Json };
        const documented = Object.keys(schemaAt(schema, target)?.properties ?? {});
        // A name the document does not list at that place (a misspelling of a neighbour, mostly).
        const candidates = fc.sample(nameArb(Object.keys(node)), { seed, numRuns: 20 }).filter((n) => !documented.includes(n) && !(n in node) && !['__proto__', 'constructor', 'prototype'].includes(n));
        if (candidates.length === 0) return;
        const name = candidates[0]!;
        const faulty = structuredClone(body);
        (at(faulty, target) as Record<string, Json>)[name] = value;
        const before = await service.eventCount();
        const response = await post(`/commands/${type}`, faulty);
        const path = dotted([...target, name]);
        const context = `${type} with ${path}: ${response.statusCode} ${response.body.slice(0, 300)}`;
        tally(`unknown:${target.length === 0 ? 'top' : target[0] === 'source' ? 'source' : target.length === 1 ? 'data' : 'nested'}`);
        expect(response.statusCode, context).toBe(400);
        expect((response.json() as { errors: Array<{ path: string }> }).errors.map((e) => e.path), context).toContain(path);
        expect(await service.eventCount(), context).toBe(before);
        await expectAcceptedWithoutTheFault(`/commands/${type}`, body, context);
      }),
      { seed: SEED, numRuns: RUNS.unknown, endOnFailure: true },
    );
    for (const where of ['top', 'source', 'data', 'nested']) expect(counts[`unknown:${where}`] ?? 0, where).toBeGreaterThan(0);
  }, FUZZ_TIMEOUT_MS);

  it(`refuses a key given twice at any depth (commands, screenings, watchlists), naming it, and appends nothing (${RUNS.duplicate} cases)`, async () => {
    const caseArb = fc.record({ route: fc.constantFrom<CommandType | 'screening' | 'watchlist'>(...COMMAND_TYPES, 'screening', 'watchlist'), pick: fc.nat(), key: fc.nat(), same: fc.boolean(), value: smallJson });
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ route, pick, key, same, value }) => {
        const id = `dup${++unique}`;
        const [url, body]: [string, Json] =
          route === 'screening'
            ? ['/screenings', { name: 'RO Kwang Chol', identifiers: [{ type: 'passport', value: '381310014' }] }]
            : route === 'watchlist'
              ? ['/watchlists', { id: `wl-${id}`, entries: [{ id: 'e1', name: 'Someone Else', identifiers: [{ type: 'passport', value: '1' }] }] }]
              : [`/commands/${route}`, await acceptableCommand(route)];
        const objects = objectPaths(body).filter((p) => Object.keys(at(body, p) as object).length > 0);
        const target = objects[pick % objects.length]!;
        const keys = Object.keys(at(body, target) as object);
        const duplicated = keys[key % keys.length]!;
        const second = same ? (at(body, [...target, duplicated]) as Json) : value;
        const text = withDuplicate(body, target, duplicated, second);
        const before = await service.eventCount();
        const watchlistsBefore = service.watchlists.list().length;
        const response = await postText(service.app, url, text);
        const path = dotted([...target, duplicated]);
        const context = `${route}: ${path} twice: ${response.statusCode} ${response.body.slice(0, 300)}`;
        tally(`duplicate:${route === 'screening' || route === 'watchlist' ? route : 'command'}`);
        expect(response.statusCode, context).toBe(400);
        expect(response.json(), context).toMatchObject({ error: 'malformed-json' });
        expect((response.json() as { message: string }).message, context).toContain(path);
        expect(await service.eventCount(), context).toBe(before);
        expect(service.watchlists.list().length, context).toBe(watchlistsBefore);
        await expectAcceptedWithoutTheFault(url, body, context);
      }),
      { seed: SEED + 1, numRuns: RUNS.duplicate, endOnFailure: true },
    );
  }, FUZZ_TIMEOUT_MS);

  it(`refuses a name made only of invisible characters in commands, screenings and watchlist entries (${RUNS.invisible} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TARGETS), invisibleArb, async (target, { kind, name }) => {
        const req = await nameRequest(target, name);
        const before = await service.eventCount();
        const watchlistsBefore = service.watchlists.list().length;
        const response = await service.app.inject({ method: 'POST', url: req.url, headers: asWriter, payload: req.body as object });
        const codes = [...name].map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
        const context = `${target}, a name of ${kind} characters (${codes}): ${response.statusCode} ${response.body.slice(0, 300)}`;
        tally(`invisible:${target}:${kind}`);
        expect(response.statusCode, context).toBe(400);
        expect((response.json() as { errors?: Array<{ path: string }> }).errors?.map((e) => e.path), context).toContain(req.path);
        expect(await service.eventCount(), context).toBe(before);
        expect(service.watchlists.list().length, context).toBe(watchlistsBefore);
        await expectAcceptedWithoutTheFault(req.url, req.valid, context);
      }),
      { seed: SEED + 2, numRuns: RUNS.invisible, endOnFailure: true },
    );
  }, FUZZ_TIMEOUT_MS);
});
