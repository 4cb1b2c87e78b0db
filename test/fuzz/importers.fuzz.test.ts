/**
 * Every importer under generated hostile input (issue "Proof under load, faults and hostile input", part 4).
 *
 * Each case takes a small VALID file carved out of a real publication (test/fuzz/support/list-seeds.ts: a real
 * header with two or three real records, a few KB), applies one to three mutations (bytes flipped, inserted,
 * deleted, truncated; values replaced with impossible dates and hostile text; DOCTYPEs with entity declarations
 * and external entities; invalid UTF-8; BOMs; encoding declarations; UTF-16 copies; CSV quote damage; huge fields;
 * elements nested 50k deep), writes it to a temp dir and parses it: `parseSnapshot` must resolve or throw a
 * ListParseError that names one of the files and a line (0 = the whole file), on one line. Anything else fails.
 * A DOCTYPE spliced in last must always be refused.
 *
 * A sample runs the whole import into a SQLite FILE store: it succeeds, or is refused (ListParseError,
 * ImportRefusedError) with nothing appended, counted through a separate read-only connection.
 * Then the classic XML attacks, explicitly, per XML format: billion laughs, quadratic blowup, XXE (file and http),
 * parameter entities, external DTDs; all refused, no file read, no request made.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListParseError } from '../../src/importers/errors';
import { ImportIncompleteError, ImportRefusedError, importFiles } from '../../src/importers/import';
import type { Format } from '../../src/importers/listing';
import { parseSnapshot } from '../../src/importers/parse';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { billionLaughsDoctype } from '../importers/fixtures';
import { counter, FUZZ_TIMEOUT_MS, reportCases, scaled, SEEDS as RUN_SEEDS } from './support/hostile';
import { ENTITY_DOCTYPES, FORMATS, isXml, listMutationArb, mutateList, SEEDS, spliceDoctype, type Seed } from './support/list-seeds';

const SEED = RUN_SEEDS.importers;
const RUNS_PER_FORMAT = scaled(1_720);
const IMPORT_SAMPLE = scaled(300);
/** A case that takes longer hangs or blows up: fast-check fails it. */
const CASE_TIMEOUT_MS = 10_000;

const { counts, add: tally } = counter();
const { counts: outcomes, add: outcome } = counter();

let dir: string;
let started = 0;
let canary: string;
const CANARY_TEXT = 'CANARY-3f9a1c-this-file-must-never-be-read';
/** Counts every request an external entity or DTD could make. */
let trap: Server;
let trapUrl: string;
let trapHits = 0;

beforeAll(async () => {
  started = Date.now();
  dir = mkdtempSync(join(tmpdir(), 'fuzz-importers-'));
  canary = join(dir, 'canary.txt');
  writeFileSync(canary, CANARY_TEXT);
  trap = createServer((_req, res) => {
    trapHits++;
    res.end(`<!ENTITY leaked "${CANARY_TEXT}">`);
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  const address = trap.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  trapUrl = `http://127.0.0.1:${address.port}/evil.dtd`;
});

afterAll(async () => {
  const total = reportCases('importers', SEED, counts, started);
  console.info(`[fuzz:importers] outcomes ${JSON.stringify(outcomes)}`);
  await new Promise<void>((resolve) => trap.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
  expect(trapHits, 'an external entity or DTD was fetched').toBe(0);
  // (Only when every format ran: a run filtered with -t counts less.)
  if (FORMATS.every((f) => counts[f] !== undefined)) expect(total).toBeGreaterThanOrEqual(10_000);
});

// ---------------------------------------------------------------------------------------------------------

let caseNumber = 0;

interface Case {
  readonly format: Format;
  readonly paths: string[];
  readonly options: { publishedOn?: string };
  readonly note: string;
  /** A DOCTYPE was spliced in last: the parser must refuse the file. */
  readonly mustRefuse: boolean;
  /** The DOCTYPE went into an otherwise untouched seed: the refusal must name the DOCTYPE. */
  readonly doctypeIntoSeed: boolean;
}

/** `gentle`: at most one mutation and no DOCTYPE, so that most files parse and the import goes on to append. */
const caseArb = (format: Format, gentle = false) =>
  fc.record({
    /** Index into the format's seeds (an index, not the seed: a counterexample stays readable). */
    seed: fc.nat(),
    target: fc.nat(),
    mutations: fc.array(gentle ? listMutationArb.filter((m) => ['replace-value', 'insert-token', 'bit-flip', 'bom', 'transcode-utf16', 'line-endings'].includes(m.kind)) : listMutationArb, { minLength: 0, maxLength: gentle ? 1 : 3 }),
    doctype: isXml(format) && !gentle ? fc.option(fc.nat(), { nil: undefined, freq: 6 }) : fc.constant(undefined),
    setDamage: format === 'ofac-csv' ? fc.constantFrom('none', 'none', 'none', 'none', 'none', 'none', 'drop-one', 'twice', 'bad-name', 'bad-date', 'no-date') : fc.constant('none'),
  });
type CaseSpec = typeof caseArb extends (f: Format) => fc.Arbitrary<infer T> ? T : never;

/** Writes the case's files into a fresh directory (the OFAC set keeps its base names: roles depend on them). */
function materialise(format: Format, spec: CaseSpec): Case {
  const caseDir = join(dir, 'cases', String(caseNumber++ % 64), String(caseNumber));
  mkdirSync(caseDir, { recursive: true });
  const ofFormat = SEEDS.filter((s) => s.format === format);
  const seed: Seed = ofFormat[spec.seed % ofFormat.length]!;
  const target = spec.target % seed.files.length;
  const notes: string[] = [seed.label];
  let mustRefuse = false;
  let upperCaseDoctype = false;
  const paths = seed.files.map((file, i) => {
    let bytes: Buffer = Buffer.from(file.bytes);
    if (i === target) {
      for (const m of spec.mutations) {
        const result = mutateList(format, bytes, m);
        bytes = result.bytes;
        notes.push(`${file.name}: ${result.note}`);
      }
      if (spec.doctype !== undefined) {
        const doctypes = ENTITY_DOCTYPES('ROOT', spec.doctype % 2 === 0 ? `file://${canary}` : trapUrl);
        const doctype = doctypes[spec.doctype % doctypes.length]!;
        bytes = spliceDoctype(bytes, doctype);
        // Reference the entities from a value, as an attack would.
        bytes = Buffer.from(bytes.toString('latin1').replace(/>([^<>\s][^<>]{0,40})</, '>&xxe;&lol9;&a;&a;&a;$1<'), 'latin1');
        mustRefuse = true;
        upperCaseDoctype = doctype.startsWith('<!DOCTYPE');
        notes.push(`${file.name}: DOCTYPE ${JSON.stringify(doctype.slice(0, 60))}`);
      }
    }
    const path = join(caseDir, file.name);
    writeFileSync(path, bytes);
    return path;
  });
  const options = { ...(seed.options ?? {}) };
  if (spec.setDamage === 'drop-one' && paths.length > 1) paths.splice(1 + (spec.target % (paths.length - 1)), 1);
  if (spec.setDamage === 'twice') {
    const again = join(caseDir, 'again');
    mkdirSync(again);
    const copy = join(again, basename(paths[paths.length - 1]!));
    writeFileSync(copy, seed.files[seed.files.length - 1]!.bytes);
    paths.push(copy);
  }
  if (spec.setDamage === 'bad-name') {
    const renamed = join(caseDir, 'sdn (1).csv');
    writeFileSync(renamed, seed.files[0]!.bytes);
    paths[0] = renamed;
  }
  if (spec.setDamage === 'bad-date') options.publishedOn = ['2019-02-30', '04/01/2019', '', '2019-1-4', 'today'][spec.target % 5]!;
  if (spec.setDamage === 'no-date') delete options.publishedOn;
  if (spec.setDamage !== 'none') notes.push(`set: ${spec.setDamage}`);
  return { format, paths, options, note: notes.join(' | '), mustRefuse, doctypeIntoSeed: upperCaseDoctype && spec.mutations.length === 0 };
}

/** The one acceptable failure: a ListParseError naming one of the files, a line, on one line. */
function expectListParseError(error: unknown, c: Case): asserts error is ListParseError {
  const context = `${c.note} -> ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`;
  expect(error, context).toBeInstanceOf(ListParseError);
  const e = error as ListParseError;
  expect(c.paths.map((p) => basename(p)), context).toContain(e.file);
  expect(Number.isInteger(e.line) && e.line >= 0, context).toBe(true);
  expect(e.message, context).not.toMatch(/[\r\n]/);
  expect(e.message, context).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  expect(e.message, context).not.toContain(CANARY_TEXT);
  expect(e.message, context).not.toContain(dir); // no local path, only the base name
}

async function parseCase(c: Case): Promise<void> {
  let error: unknown;
  let snapshot: Awaited<ReturnType<typeof parseSnapshot>> | undefined;
  try {
    snapshot = await parseSnapshot(c.format, c.paths, c.options);
  } catch (e) {
    error = e;
  }
  if (error === undefined) {
    expect(c.mustRefuse, `a DOCTYPE was accepted: ${c.note}`).toBe(false);
    expect(snapshot!.publishedOn, c.note).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(snapshot), c.note).not.toContain(CANARY_TEXT);
    outcome(`${c.format}:parsed`);
    return;
  }
  expectListParseError(error, c);
  if (c.doctypeIntoSeed) expect((error as Error).message, c.note).toMatch(/DOCTYPE/);
  outcome(`${c.format}:refused`);
}

describe('importers under generated hostile files', () => {
  it('start from seeds that parse', async () => {
    for (const seed of SEEDS) {
      const seedDir = join(dir, 'seeds', seed.label.replace(/[^\w.-]/g, '_'));
      mkdirSync(seedDir, { recursive: true });
      const paths = seed.files.map((f) => {
        const path = join(seedDir, f.name);
        writeFileSync(path, f.bytes);
        return path;
      });
      const snapshot = await parseSnapshot(seed.format, paths, seed.options);
      expect(snapshot.entries.length, seed.label).toBeGreaterThan(0);
      expect(seed.files.reduce((n, f) => n + f.bytes.length, 0), seed.label).toBeLessThan(40_000);
    }
    for (const format of FORMATS) expect(SEEDS.some((s) => s.format === format), format).toBe(true);
  });

  FORMATS.forEach((format, index) => {
    it(`${format}: parses or throws ListParseError, whatever the bytes (${RUNS_PER_FORMAT} cases, seed ${SEED + index})`, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(format), async (spec) => {
          tally(format);
          await parseCase(materialise(format, spec));
        }),
        { seed: SEED + index, numRuns: RUNS_PER_FORMAT, timeout: CASE_TIMEOUT_MS, endOnFailure: true },
      );
      rmSync(join(dir, 'cases'), { recursive: true, force: true });
    }, FUZZ_TIMEOUT_MS);
  });

  describe('the whole import: all or nothing', () => {
    let store: SqliteEventStore;
    let projector: Projector;
    let reader: Database.Database;
    let countEvents: () => number;

    beforeAll(async () => {
      const file = join(dir, 'ledger.db');
      store = SqliteEventStore.open(file);
      projector = Projector.open(store, join(dir, 'views.db'));
      reader = new Database(file, { readonly: true });
      const statement = reader.prepare('SELECT count(*) AS n FROM events');
      countEvents = () => (statement.get() as { n: number }).n;
    });
    afterAll(async () => {
      reader?.close();
      await projector?.close();
      await store?.close();
    });

    it(`imports a sample of generated files: a report, or a refusal with nothing appended (${IMPORT_SAMPLE} cases)`, async () => {
      const ctx = { ledger: Ledger.over(store), projector };
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(fc.constantFrom(...FORMATS), fc.boolean()).chain(([format, gentle]) => caseArb(format, gentle).map((spec) => ({ format, spec }))),
          async ({ format, spec }) => {
            tally('import');
            const c = materialise(format, spec);
            const before = countEvents();
            let error: unknown;
            let appended = 0;
            try {
              appended = (await importFiles(ctx, c.format, c.paths, c.options)).appendedEvents;
            } catch (e) {
              error = e;
            }
            const after = countEvents();
            if (error === undefined) {
              expect(c.mustRefuse, c.note).toBe(false);
              expect(after - before, c.note).toBe(appended);
              outcome(`import:${appended > 0 ? 'appended' : 'unchanged'}`);
              return;
            }
            const context = `${c.note} -> ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`;
            expect(error, `an import failed part-way: ${context}`).not.toBeInstanceOf(ImportIncompleteError);
            if (error instanceof ImportRefusedError) outcome('import:refused-by-rule');
            else {
              expectListParseError(error, c);
              outcome('import:refused-file');
            }
            expect(after - before, `a refused import appended events: ${context}`).toBe(0);
          },
        ),
        { seed: SEED + 10, numRuns: IMPORT_SAMPLE, timeout: CASE_TIMEOUT_MS * 3, endOnFailure: true },
      );
      expect((await Ledger.over(store).verify()).ok).toBe(true);
    }, FUZZ_TIMEOUT_MS);
  });

  describe('XML attacks, explicitly', () => {
    const ROOTS: Record<string, string> = { 'un-xml': 'CONSOLIDATED_LIST', 'ofac-xml': 'sdnList', 'eu-xml': 'export', 'uk-xml': 'Designations' };
    const xmlFormats = FORMATS.filter(isXml);

    const attacks = (root: string, target: () => string) => ({
      'billion laughs': billionLaughsDoctype(root),
      'quadratic blowup': `<!DOCTYPE ${root} [<!ENTITY a "${'a'.repeat(100_000)}">]>`,
      'XXE file://': `<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file://${canary}">]>`,
      'XXE /etc/passwd': `<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`,
      'XXE http://': `<!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "${target()}">]>`,
      'parameter entity': `<!DOCTYPE ${root} [<!ENTITY % p SYSTEM "${target()}"> %p;]>`,
      'nested parameter entity': `<!DOCTYPE ${root} [<!ENTITY % q "<!ENTITY &#x25; r SYSTEM '${target()}'>"> %q; %r;]>`,
      'external DTD': `<!DOCTYPE ${root} SYSTEM "${target()}">`,
      'public external DTD': `<!DOCTYPE ${root} PUBLIC "-//evil//DTD x//EN" "${target()}">`,
    });

    for (const format of xmlFormats) {
      describe(format, () => {
        const seed = () => SEEDS.find((s) => s.format === format)!;
        const root = ROOTS[format]!;
        const references = '&lol9;'.repeat(1) + '&a;'.repeat(10_000) + '&xxe;';

        it.each(Object.keys(attacks(root, () => '')))('%s is refused before any expansion, read or request', async (name) => {
          tally('xml-attacks');
          const doctype = attacks(root, () => trapUrl)[name as keyof ReturnType<typeof attacks>];
          const original = seed().files[0]!;
          const withDoctype = spliceDoctype(original.bytes, doctype).toString('utf8');
          // The references go into the first element value of the body.
          const text = withDoctype.replace(/(<[A-Za-z_][^<>]*>)([^<>\s][^<>]*)</, `$1${references}$2<`);
          const path = join(dir, 'attacks', format, name.replace(/\W+/g, '-'), original.name);
          mkdirSync(join(path, '..'), { recursive: true });
          writeFileSync(path, text);
          const hitsBefore = trapHits;
          const error = await parseSnapshot(format, [path]).catch((e: unknown) => e);
          const c: Case = { format, paths: [path], options: {}, note: `${format} ${name}`, mustRefuse: true, doctypeIntoSeed: true };
          expectListParseError(error, c);
          expect((error as Error).message).toMatch(/DOCTYPE/);
          expect(trapHits - hitsBefore).toBe(0);
          // And through the whole import: nothing appended (a fresh in-memory ledger).
          const store = SqliteEventStore.open(':memory:');
          const projector = Projector.open(store, ':memory:');
          try {
            const imported = await importFiles({ ledger: Ledger.over(store), projector }, format, [path]).catch((e: unknown) => e);
            expect(imported).toBeInstanceOf(ListParseError);
            expect((store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(0);
          } finally {
            await projector.close();
            await store.close();
          }
        });

        it('an entity reference without any DOCTYPE, and XInclude, read nothing', async () => {
          tally('xml-attacks');
          const original = seed().files[0]!;
          const undeclared = original.bytes.toString('utf8').replace(/(<[A-Za-z_][^<>]*>)([^<>\s][^<>]*)</, '$1&xxe;$2<');
          const path = join(dir, 'attacks', format, 'undeclared', original.name);
          mkdirSync(join(path, '..'), { recursive: true });
          writeFileSync(path, undeclared);
          expectListParseError(await parseSnapshot(format, [path]).catch((e: unknown) => e), { format, paths: [path], options: {}, note: 'undeclared entity', mustRefuse: true, doctypeIntoSeed: false });

          // XInclude is just an element to this parser: whatever it makes of it, the canary's text never appears.
          const xinclude = original.bytes.toString('utf8').replace(/(<[A-Za-z_][^<>!?]*>)/, `$1<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://${canary}" parse="text"/>`);
          const xpath = join(dir, 'attacks', format, 'xinclude', original.name);
          mkdirSync(join(xpath, '..'), { recursive: true });
          writeFileSync(xpath, xinclude);
          const result = await parseSnapshot(format, [xpath]).catch((e: unknown) => e);
          if (result instanceof Error) expectListParseError(result, { format, paths: [xpath], options: {}, note: 'xinclude', mustRefuse: false, doctypeIntoSeed: false });
          else expect(JSON.stringify(result)).not.toContain(CANARY_TEXT);
        });

        it('a DOCTYPE in a UTF-16 file is refused too', async () => {
          tally('xml-attacks');
          const original = seed().files[0]!;
          const text = spliceDoctype(original.bytes, attacks(root, () => trapUrl)['billion laughs']).toString('utf8').replace(/encoding="[^"]*"|encoding='[^']*'/, 'encoding="UTF-16"');
          const path = join(dir, 'attacks', format, 'utf16', original.name);
          mkdirSync(join(path, '..'), { recursive: true });
          writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
          const error = await parseSnapshot(format, [path]).catch((e: unknown) => e);
          expectListParseError(error, { format, paths: [path], options: {}, note: 'utf-16 doctype', mustRefuse: true, doctypeIntoSeed: true });
          expect((error as Error).message).toMatch(/DOCTYPE/);
        });
      });
    }
  });
});
