/**
 * The CLI's JSON input under generated hostile input (issue "Proof under load, faults and hostile input", part 4).
 *
 * In-process, the functions the CLI itself calls (src/cli/main.ts): `parseJson` on generated text, `readJsonInput`
 * on generated files, then `commandData` (JSON + flags) and the command handler over a real SQLite FILE store.
 * Then about twenty real `node bin/sanctions-ledger.mjs` runs with the nastiest inputs on stdin.
 *
 * Invariants: nothing but an InputError comes out of parsing and reading (a stack overflow on 100k levels of `[`
 * included); `commandData` never throws; the handler answers Left or Right, never throws; a Left appends nothing
 * (counted in the SQLite file through a separate read-only connection), a Right appends exactly its events and
 * only for data the codec accepts; an input the generator knows is invalid is refused as `invalid-command`
 * (exit 2). The real CLI exits 2 or 3 with one line on stderr and appends nothing.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, MAX_INPUT_BYTES, parseJson, readJsonInput } from '../../src/cli/input';
import { commandData, WRITE_COMMANDS, type WriteCommandSpec } from '../../src/cli/write-commands';
import { commandCatalogue, type CommandType } from '../../src/commands/command-catalogue';
import { Ledger } from '../../src/ledger';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { countEvents as countEventsInFile, runCli } from '../support/cli';
import { damage, mutateBody, mutationArb, prerequisite, randomJsonArb, serialise, textDamageArb, VALID_SOURCE, validData, type Json, type Verdict } from './support/commands';
import { BAD_IDENTIFIERS, counter, FUZZ_TIMEOUT_MS, IMPOSSIBLE_DATES, reportCases, scaled, SEEDS, unicodeText } from './support/hostile';

const SEED = SEEDS.cli;
const RUNS = { parse: scaled(4_600), files: scaled(700), commands: scaled(5_000), processes: scaled(20) };
const MAX_DEPTH = 64;

const { counts, add: tally } = counter();
const { counts: outcomes, add: outcome } = counter();

let dir: string;
let dbFile: string;
let store: SqliteEventStore;
let ledger: Ledger;
let reader: Database.Database;
let countEvents: () => number;
let started = 0;

beforeAll(async () => {
  started = Date.now();
  dir = mkdtempSync(join(tmpdir(), 'fuzz-cli-'));
  dbFile = join(dir, 'ledger.db');
  store = SqliteEventStore.open(dbFile);
  ledger = Ledger.over(store);
  await ledger.seedWorkedExample();
  reader = new Database(dbFile, { readonly: true });
  const statement = reader.prepare('SELECT count(*) AS n FROM events');
  countEvents = () => (statement.get() as { n: number }).n;
});

afterAll(async () => {
  const total = reportCases('cli', SEED, counts, started);
  console.info(`[fuzz:cli] outcomes ${JSON.stringify(outcomes)}`);
  reader?.close();
  await ledger?.close();
  rmSync(dir, { recursive: true, force: true });
  // (Only when every property ran: a run filtered with -t counts less.)
  if (['parseJson', 'readJsonInput', 'commandData+handler'].every((k) => counts[k] !== undefined)) expect(total).toBeGreaterThanOrEqual(10_000);
});

/** Deepest [ / { nesting outside strings: the oracle for the depth limit, written independently of input.ts. */
function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return max;
}

/** `__proto__`, or `constructor` holding `prototype`, as own keys anywhere (what secure-json-parse refuses). */
function prototypeKeyIn(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const own = (o: object, k: string) => Object.getOwnPropertyNames(o).includes(k);
  if (own(value, '__proto__')) return true;
  const ctor = own(value, 'constructor') ? (value as { constructor: unknown }).constructor : undefined;
  if (typeof ctor === 'object' && ctor !== null && own(ctor, 'prototype')) return true;
  return Object.values(value).some(prototypeKeyIn);
}

/** One line for a terminal: no control character (C0 or DEL) at all. */
const CONTROL = /[\u0000-\u001f\u007f]/;

function expectInputError(error: unknown, label: string, context: string): asserts error is InputError {
  expect(error, context).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  expect(message.startsWith(`${label}: `), `${context}: ${message}`).toBe(true);
  expect(message, context).not.toMatch(CONTROL);
}

// ---------------------------------------------------------------------------------------------------------
// Generated text

const validCommandText = fc.tuple(fc.constantFrom(...WRITE_COMMANDS), fc.nat()).map(([spec, n]) => JSON.stringify(validData(spec.type, `t${n}`)));

const deepText = fc
  .record({
    depth: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 60, max: 70 }), fc.integer({ min: 100, max: 150_000 }), fc.constantFrom(100_000, 150_000)),
    shape: fc.constantFrom('array', 'object', 'mixed', 'in-string'),
    closed: fc.boolean(),
    prefix: fc.constantFrom('', '{"subjectId":"x","identity":', '[1,'),
  })
  .map(({ depth, shape, closed, prefix }) => {
    if (shape === 'in-string') return `{"s":"${'['.repeat(depth)}"}`; // brackets inside a string are not nesting
    const open = shape === 'array' ? '[' : shape === 'object' ? '{"a":' : '[{"a":';
    const close = shape === 'array' ? ']' : shape === 'object' ? '}' : '}]';
    const count = shape === 'mixed' ? Math.ceil(depth / 2) : depth;
    const inner = `${open.repeat(count)}${shape === 'array' ? '' : '1'}${closed ? close.repeat(count) : ''}`;
    return prefix === '' ? inner : `${prefix}${inner}${closed ? (prefix.startsWith('[') ? ']' : '}') : ''}`;
  });

const hugeString = fc.integer({ min: 1_000, max: 400_000 }).map((n) => `{"reasons":"${'x'.repeat(n)}"}`);

const textArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')) },
  { weight: 3, arbitrary: fc.tuple(fc.json({ maxDepth: 4 }), textDamageArb).map(([t, d]) => damage(t, d).text) },
  { weight: 3, arbitrary: fc.tuple(validCommandText, fc.nat()).map(([t, at]) => t.slice(0, at % (t.length + 1))) },
  { weight: 3, arbitrary: deepText },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', '\ufeff{}', '{}\u0000', 'null', 'true', '1e999', '-0', '"\\ud800"', '{"a":1,"a":2}', '{"__proto__":{"polluted":1}}', '\u001b[2J\u001b[31mboom', 'x\ry', '{"a":\u2028 1}', "{'a':1}", '{a:1}', '[1,]', '{"a":1,}', '// c\n{}', '/* c */{}', 'NaN', 'Infinity', '[01]', '"\\x41"', '"\t"') },
);

// ---------------------------------------------------------------------------------------------------------
// Generated command input for the write commands (JSON + flags) and `submit`

const VALID_FLAG_VALUES: Record<string, string[]> = {
  subjectId: ['ro-kwang-chol', 'kim-yong-bok', 'fz-cli-new'],
  resolutionId: ['UNSC-1718', 'UNSC-2375', 'FZ-CLI-RES'],
  regime: ['EU:RUS', 'US:RUSSIA-EO14024', 'UN:DPRK'],
  regimes: ['UN:DPRK'],
  kind: ['person', 'entity', 'security-council-resolution'],
  authority: ['UN', 'EU'],
  effectiveFrom: ['2025-02-01', '2024-12-16'],
  'corrections.effectiveFrom': ['2024-12-16'],
  'corrections.effectiveTo': ['2026-01-01'],
  measures: ['asset-freeze', 'travel-ban'],
  'changes.measures': ['asset-freeze'],
  legalBasis: ['EU-RUS-PACKAGE-15'],
  'identity.names': ['RO Kwang Chol', 'Fuzz Name'],
  'identity.aliases': ['NO Kwang-chol'],
  'identity.nationalities': ['KP'],
  'identity.birthDates': ['1964', '1964-07-17'],
};
const hostileFlagValue = fc.oneof(fc.constantFrom(...IMPOSSIBLE_DATES, ...BAD_IDENTIFIERS, '', '-', '--', '--source'), unicodeText);

/** commander hands the action a string for a one-value flag and an array for a repeatable one. */
function flagArb(spec: WriteCommandSpec): fc.Arbitrary<Record<string, unknown>> {
  const entries = spec.flags.map((flag) => {
    const valid = VALID_FLAG_VALUES[flag.path] ?? ['some text'];
    const value = fc.oneof(fc.constantFrom(...valid), hostileFlagValue);
    const key = /--([a-z-]+)/.exec(flag.flag)![1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const given: fc.Arbitrary<string | string[]> = flag.shape === 'many' ? fc.array(value, { minLength: 1, maxLength: 3 }) : value;
    return fc.option(given, { nil: undefined, freq: 3 }).map((v) => [key, v] as const);
  });
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)));
}

const commandCaseArb = fc.constantFrom(...WRITE_COMMANDS, 'submit' as const).chain((spec) =>
  fc.record({
    spec: fc.constant(spec),
    mode: fc.constantFrom('mutated', 'mutated', 'mutated', 'mutated', 'random', 'valid'),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
    random: randomJsonArb,
    damage: textDamageArb,
    flags: spec === 'submit' ? fc.constant({}) : fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: flagArb(spec) }),
    publisher: fc.oneof({ weight: 8, arbitrary: fc.constant<string | undefined>('Fuzz Journal') }, { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, '', '  ') }),
  }),
);
type CommandCase = typeof commandCaseArb extends fc.Arbitrary<infer T> ? T : never;

let unique = 0;

interface Built {
  readonly type: CommandType;
  readonly unique: string;
  readonly text: string;
  readonly verdict: Verdict;
  readonly note: string;
}

/** The JSON text a user would pipe in, and whether the generator knows it must be refused. */
function buildInput(c: CommandCase): Built {
  unique++;
  const type = c.spec === 'submit' ? WRITE_COMMANDS[unique % WRITE_COMMANDS.length]!.type : c.spec.type;
  const body: { [key: string]: Json } = { data: validData(type, `c${unique}`, true), source: { ...VALID_SOURCE } };
  let verdict: Verdict = 'any';
  let note: string = c.mode;
  let shaped: { body: Json; raw: string[] };
  if (c.mode === 'random') {
    shaped = { body: c.random, raw: [] };
  } else {
    const mutated = c.mode === 'mutated' ? mutateBody(type, body, c.mutations) : { body: body as Json, raw: [], verdict: 'any' as Verdict, applied: [], lastTarget: undefined };
    note = mutated.applied.join('; ') || c.mode;
    const b = (mutated.body ?? {}) as Record<string, Json>;
    if (c.spec === 'submit') {
      // `submit` reads {type, data, metadata}; other top-level keys are ignored, so mutations there prove nothing.
      const metadata: Record<string, Json> = { actor: { id: 'fuzz-cli', kind: 'service' } };
      for (const key of ['source', 'commandId', 'correlationId', 'causationId']) if (b[key] !== undefined) metadata[key] = b[key]!;
      shaped = { body: { type, ...(b.data === undefined ? {} : { data: b.data }), metadata }, raw: mutated.raw };
      const landed = mutated.lastTarget?.[0];
      if (typeof landed === 'string' && ['data', 'source', 'commandId', 'correlationId', 'causationId'].includes(landed)) verdict = mutated.verdict;
    } else {
      // A write command reads the data itself; --source and the other flags supply the rest.
      shaped = { body: b.data ?? null, raw: mutated.raw };
      if (mutated.lastTarget?.[0] === 'data' && Object.keys(c.flags).length === 0) verdict = mutated.verdict;
    }
  }
  let text = serialise(shaped);
  if (c.damage.kind !== 'none') {
    const damaged = damage(text, c.damage);
    text = damaged.text;
    verdict = damaged.verdict === 'invalid' ? 'invalid' : 'any';
    note += `; text ${c.damage.kind}`;
  }
  return { type, unique: `c${unique}`, text, verdict, note };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The oracle for duplicate keys, written apart from src/json/duplicate-keys.ts (which uses jsonc-parser): a scan
 * of text that JSON.parse already accepted, one token at a time, with a set of keys per open object.
 */
function hasDuplicateKey(text: string): boolean {
  const token = /\s*("(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:"]+)/gy;
  const open: Array<Set<string> | undefined> = [];
  let expectKey = false;
  for (let match = token.exec(text); match !== null; match = token.exec(text)) {
    const t = match[1]!;
    if (t === '{') { open.push(new Set()); expectKey = true; }
    else if (t === '[') { open.push(undefined); expectKey = false; }
    else if (t === '}' || t === ']') { open.pop(); expectKey = false; }
    else if (t === ',') expectKey = open[open.length - 1] !== undefined;
    else if (t === ':') expectKey = false;
    else if (expectKey) {
      const keys = open[open.length - 1]!;
      const key = JSON.parse(t) as string;
      if (keys.has(key)) return true;
      keys.add(key);
      expectKey = false;
    }
  }
  return false;
}

describe('CLI JSON input under generated hostile input', () => {
  it(`parseJson returns the value or throws an InputError, whatever the text (${RUNS.parse} cases, seed ${SEED})`, () => {
    fc.assert(
      fc.property(textArb, (text) => {
        tally('parseJson');
        let value: unknown;
        let error: unknown;
        try {
          value = parseJson(text, 'stdin');
        } catch (e) {
          error = e;
        }
        const context = `text ${JSON.stringify(text.slice(0, 200))} (${text.length} chars)`;
        let reference: { ok: true; value: unknown } | { ok: false };
        try {
          reference = { ok: true, value: JSON.parse(text) as unknown };
        } catch {
          reference = { ok: false };
        }
        if (depthOf(text) > MAX_DEPTH) {
          expectInputError(error, 'stdin', context);
          expect((error as Error).message).toContain('nested deeper than');
          outcome('parse:too-deep');
        } else if (!reference.ok) {
          expectInputError(error, 'stdin', context);
          outcome('parse:malformed');
        } else if (hasDuplicateKey(text)) {
          expectInputError(error, 'stdin', context);
          if (!prototypeKeyIn(reference.value)) expect((error as Error).message, context).toContain('given twice');
          outcome('parse:duplicate-key');
        } else if (prototypeKeyIn(reference.value)) {
          expectInputError(error, 'stdin', context);
          outcome('parse:prototype-key');
        } else {
          expect(error, context).toBeUndefined();
          expect(value, context).toStrictEqual(reference.value);
          outcome('parse:ok');
        }
      }),
      { seed: SEED, numRuns: RUNS.parse, endOnFailure: true },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, FUZZ_TIMEOUT_MS);

  it(`readJsonInput reads generated files: a value or an InputError, never anything else (${RUNS.files} cases)`, async () => {
    const files = join(dir, 'inputs');
    mkdirSync(files);
    let n = 0;
    const special = [files, join(files, 'missing.json'), '/dev/null', join(files, 'sub', '..', 'missing'), ''];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 6, arbitrary: textArb.map((t) => Buffer.from(t, 'utf8')) },
          { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
          { weight: 1, arbitrary: validCommandText.map((t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)])) },
          { weight: 1, arbitrary: fc.integer({ min: MAX_INPUT_BYTES - 2, max: MAX_INPUT_BYTES + 300_000 }).map((size) => Buffer.alloc(size, 0x20)) },
          { weight: 1, arbitrary: fc.constantFrom(...special) },
        ),
        async (content) => {
          tally('readJsonInput');
          const path = typeof content === 'string' ? content : join(files, `in-${n++}.json`);
          if (typeof content !== 'string') writeFileSync(path, content);
          let error: unknown;
          try {
            await readJsonInput(path);
          } catch (e) {
            error = e;
          }
          if (error !== undefined) {
            expectInputError(error, path, `file ${path}`);
            outcome('read:refused');
          } else outcome('read:ok');
          if (typeof content !== 'string' && content.length > MAX_INPUT_BYTES) {
            expect((error as Error | undefined)?.message, path).toMatch(/larger than the 1 MiB limit/);
          }
        },
      ),
      { seed: SEED + 1, numRuns: RUNS.files, endOnFailure: true },
    );
  }, FUZZ_TIMEOUT_MS);

  it(`commandData and the command handler refuse every invalid input and append nothing for it (${RUNS.commands} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(commandCaseArb, async (c) => {
        tally('commandData+handler');
        const built = buildInput(c);
        const context = `${c.spec === 'submit' ? 'submit' : c.spec.name} [${built.note}] flags ${JSON.stringify(c.flags).slice(0, 200)} text ${built.text.slice(0, 200)}`;
        let json: unknown;
        try {
          if (Buffer.byteLength(built.text) > MAX_INPUT_BYTES) {
            // readJsonInput stops reading at the limit: go through it (a file) for the inputs it must refuse.
            const file = join(dir, `big-${built.unique}.json`);
            writeFileSync(file, built.text);
            try {
              json = await readJsonInput(file);
            } finally {
              rmSync(file);
            }
            expect.fail(`readJsonInput accepted ${built.text.length} bytes`);
          }
          json = parseJson(built.text, 'stdin');
        } catch (error) {
          expectInputError(error, Buffer.byteLength(built.text) > MAX_INPUT_BYTES ? join(dir, `big-${built.unique}.json`) : 'stdin', context);
          outcome('cli:exit-2 (input)');
          return;
        }
        // The designation or resolution the command targets (recorded before counting).
        const needed = prerequisite(built.type, built.unique);
        if (needed !== undefined) {
          const setUp = await ledger.execute(needed, { actor: { id: 'fuzz-setup', kind: 'service' }, source: VALID_SOURCE });
          expect(E.isRight(setUp), JSON.stringify(setUp)).toBe(true);
        }
        let type: string;
        let data: unknown;
        let metadata: unknown;
        if (c.spec === 'submit') {
          // What main.ts does with the parsed submit input.
          const parsed = (json ?? {}) as { type?: unknown; data?: unknown; metadata?: unknown };
          type = String(parsed.type);
          data = parsed.data;
          metadata = parsed.metadata;
        } else {
          type = c.spec.type;
          data = commandData(c.spec, json, c.flags); // must not throw, whatever the JSON and flags
          metadata = { actor: { id: 'fuzz-cli', kind: 'person' }, source: { ...(c.publisher === undefined ? {} : { publisher: c.publisher }) } };
        }
        const before = countEvents();
        const result = await ledger.execute({ type, data }, metadata);
        const after = countEvents();
        if (E.isLeft(result)) {
          expect(after - before, `a refused command appended events: ${context}`).toBe(0);
          expect(result.left.kind, context).not.toBe('conflict');
          expect(result.left.message, context).not.toMatch(CONTROL);
          if (built.verdict === 'invalid') expect(result.left.kind, context).toBe('invalid-command');
          outcome(`cli:exit-${result.left.kind === 'invalid-command' ? 2 : 3} (${result.left.kind})`);
          return;
        }
        expect(built.verdict, `an invalid input was accepted: ${context}`).toBe('any');
        if (result.right.status === 'accepted') {
          expect(after - before, context).toBe(result.right.events.length);
          const codec = commandCatalogue[type as keyof typeof commandCatalogue].codec as { decode(u: unknown): E.Either<unknown, unknown> };
          expect(E.isRight(codec.decode(data)), `appended data the codec refuses: ${context}`).toBe(true);
          outcome('cli:exit-0 (accepted)');
        } else {
          expect(after - before, context).toBe(0);
          outcome('cli:exit-0 (duplicate)');
        }
      }),
      { seed: SEED + 2, numRuns: RUNS.commands, endOnFailure: true },
    );
    expect((await ledger.verify()).ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(outcomes['cli:exit-0 (accepted)'] ?? 0).toBeGreaterThan(50);
  }, FUZZ_TIMEOUT_MS);

  it(`the real CLI (node bin/sanctions-ledger.mjs) exits 2 or 3 with one line on stderr and appends nothing (${RUNS.processes} runs)`, () => {
    const db = join(dir, 'process.db');
    const seeded = runCli(['--db', db, 'seed']);
    expect(seeded.status, seeded.stderr).toBe(0);
    const events = countEventsInFile(db);
    expect(events).toBe(9);

    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const valid = JSON.stringify(validData('DesignateSubject', 'proc'));
    const fixed: Array<readonly [string, readonly string[], string | Buffer]> = [
      ['100k levels of [', ['designate', '-', '--source', 'OJ'], deep(100_000)],
      ['100k unclosed [', ['submit', '-'], '['.repeat(100_000)],
      ['100k levels of {"a":', ['designate', '-', '--source', 'OJ'], `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
      ['deep junk inside a valid command', ['designate', '-', '--source', 'OJ'], valid.replace('"kind"', `"x":${deep(10_000)},"kind"`)],
      ['a number that overflows to Infinity', ['designate', '-', '--source', 'OJ'], valid.replace('"kind"', '"x":1e999,"kind"')],
      ['just over 1 MiB', ['designate', '-', '--source', 'OJ'], `{"reasons":"${'x'.repeat(MAX_INPUT_BYTES)}"}`],
      ['random binary', ['submit', '-'], Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
      ['terminal escapes and carriage returns', ['designate', '-', '--source', 'OJ'], '\u001b[2J\u001b[31mred\rforged line\n'],
      ['invalid UTF-8 and NUL bytes', ['submit', '-'], Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x00, 0xff, 0x7d])],
      ['names that are not a list, with --name', ['designate', '-', '--name', 'X', '--source', 'OJ'], JSON.stringify({ ...JSON.parse(valid), identity: { names: 'not a list' } })],
      ['a __proto__ key with a valid-but-wrong command', ['submit', '-'], `{"__proto__":{"polluted":1},"type":"DelistSubject","data":{"subjectId":"nobody","regime":"EU:RUS","effectiveFrom":"2025-01-01","legalBasis":["X"],"reason":"r"},"metadata":{"actor":{"id":"a","kind":"person"},"source":{"publisher":"p"}}}`],
      ['an impossible date', ['designate', '-', '--source', 'OJ'], valid.replace('2024-12-16', '2024-02-30')],
      ['truncated JSON', ['designate', '-', '--source', 'OJ'], valid.slice(0, 97)],
    ];
    // Generated invalid commands, from the same generator as above (fixed seed): the last mutation invalidates.
    const generated = fc
      .sample(commandCaseArb.filter((c) => c.spec !== 'submit' && c.mode === 'mutated' && Object.keys(c.flags).length === 0 && c.publisher === 'Fuzz Journal'), { seed: SEED + 3, numRuns: 20 * RUNS.processes })
      .map((c) => ({ c, built: buildInput(c) }))
      .filter(({ built }) => built.verdict === 'invalid' && built.text.length < 200_000)
      .slice(0, RUNS.processes - fixed.length)
      .map(({ c, built }) => [`generated: ${built.note}`, [(c.spec as WriteCommandSpec).name, '-', '--source', 'Fuzz Journal'], built.text] as const);

    const cases = [...fixed, ...generated];
    expect(cases.length).toBe(RUNS.processes);
    for (const [label, args, input] of cases) {
      tally('child-process');
      const result = runCli(['--db', db, ...args], { input });
      const context = `${label}: exit ${result.status}, stderr ${JSON.stringify(result.stderr.slice(0, 300))}`;
      expect([2, 3], context).toContain(result.status);
      outcome(`process:exit-${result.status}`);
      expect(result.stderr, context).toMatch(/^sanctions-ledger: [^\n]*\n$/);
      expect(result.stderr.slice(0, -1), context).not.toMatch(CONTROL);
      expect(result.stdout, context).toBe('');
      expect(countEventsInFile(db), context).toBe(events);
    }
    expect(runCli(['--db', db, 'verify']).status).toBe(0);
  }, FUZZ_TIMEOUT_MS);
});
