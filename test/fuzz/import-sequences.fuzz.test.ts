/**
 * Sequences of imports and retractions (issue 10 item 1, the fuzz shape of its "Done means"): the defects of
 * items 1 and of the hostile pass each needed several steps (import A, import B dated in the future, retract,
 * re-import), which one-request fuzzing never finds. Generated: 2 to 5 steps over the real UN files, each an
 * import of one of three files under its real date, today, tomorrow (the tolerance edge) or the day after
 * (refused), or a retraction of one of those dates, with one of two reasons. Through the real importer and
 * retraction over a real SQLite store and projector (the CLI and HTTP route call the same two functions).
 *
 * Invariants after every step: a refused step appends nothing; an accepted one appends exactly what its report
 * says; an accepted import leaves the ledger saying what the file says (a dry run of it again plans no change:
 * the hostile pass found a re-import reporting "delisted 3" with nothing appended); an accepted retraction that
 * appended events leaves every asOf answering as before the import it withdraws. At the end verify passes.
 */
import fc from 'fast-check';
import type { Actor } from '../../events/envelope';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/import';
import { retractImport } from '../../src/importers/import/retract';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { data } from '../importers/fixtures';
import { counter, FUZZ_TIMEOUT_MS, reportCases, scaled, SEEDS } from './support/hostile';

const SEED = SEEDS.importers + 10;
const RUNS = scaled(12);
const FILES = ['2017-06-20', '2017-06-30', '2017-07-03'];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
/** The real date, today, tomorrow (accepted: the tolerance), the day after (refused as in the future). */
const DATES = ['real', day(0), day(1), day(2)] as const;
const AS_OF = ['2017-06-25', '2017-07-01', '2017-07-05', day(0), day(3)];
const REASONS = ['wrong file', 'tampered date'];
const OPERATOR = { id: 'ops:fuzz', kind: 'person' } as Actor;

/** A retraction of the latest accepted import (most of them: the way out a user takes), or of any date. */
type Step = { kind: 'import'; file: number; date: number } | { kind: 'retract'; latest: boolean; date: number; reason: number; real?: number };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('import' as const), file: fc.nat({ max: 2 }), date: fc.nat({ max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retract' as const), latest: fc.boolean(), date: fc.nat({ max: 3 }), reason: fc.nat({ max: 1 }), real: fc.nat({ max: 2 }) }) },
);

const { counts, add: tally } = counter();
let dir: string;
let started = 0;
/** paths[file][date]: the real file, or a copy whose dateGenerated says another day. */
let paths: string[][] = [];

beforeAll(() => {
  started = Date.now();
  dir = mkdtempSync(join(tmpdir(), 'fuzz-import-sequences-'));
  paths = FILES.map((date) => {
    const real = data('un', `un_consolidated_${date}.xml`);
    const text = readFileSync(real, 'utf8');
    return DATES.map((d, i) => {
      if (d === 'real') return real;
      const path = join(dir, `un_${date}_as_${i}.xml`);
      const dated = text.replace(/dateGenerated=(["'])\d{4}-\d\d-\d\d/, `dateGenerated=$1${d}`);
      expect(dated).not.toBe(text);
      writeFileSync(path, dated);
      return path;
    });
  });
});
afterAll(() => {
  reportCases('import-sequences', SEED, counts, started);
  rmSync(dir, { recursive: true, force: true });
});

const dateOf = (file: number, date: number) => (DATES[date] === 'real' ? FILES[file]! : DATES[date]!);

describe('import and retraction sequences', () => {
  it('refused => nothing appended; accepted => appended what it says, the ledger says what the file says, a retraction restores the state before', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 2, maxLength: 5 }), async (steps) => {
        const store = SqliteEventStore.open(':memory:');
        const ledger = Ledger.over(store);
        const projector = Projector.open(store, ':memory:');
        const ctx = { ledger, projector };
        const events = () => (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
        const stateNow = async () => {
          const answers = [];
          for (const asOf of AS_OF) {
            const { total, designations } = await projector.queries.state({ asOf, limit: 100_000 });
            answers.push({ asOf, total, designations: designations.map((d) => JSON.stringify(Object.fromEntries(Object.entries(d).filter(([k]) => !/recorded/i.test(k))))).sort() });
          }
          return answers;
        };
        /** The state before the first import of each publication date that appended something. */
        const before = new Map<string, Awaited<ReturnType<typeof stateNow>>>();
        let latest: string | undefined;
        try {
          for (const step of steps) {
            const count = events();
            if (step.kind === 'import') {
              const path = paths[step.file]![step.date]!;
              const publishedOn = dateOf(step.file, step.date);
              const prior = before.has(publishedOn) ? undefined : await stateNow();
              const report = await importFiles(ctx, 'un-xml', [path]).catch((error: Error) => error);
              if (report instanceof Error) {
                tally(`import refused: ${/in the future/.test(report.message) ? 'future' : /already holds/.test(report.message) ? 'older' : /was retracted/.test(report.message) ? 'retracted date' : 'other'}`);
                expect(report.name, report.message).toMatch(/ImportRefusedError|ListParseError/);
                expect(events()).toBe(count);
                continue;
              }
              tally('import accepted');
              latest = publishedOn;
              expect(events()).toBe(count + report.appendedEvents);
              if (report.appendedEvents > 0 && prior !== undefined) before.set(publishedOn, prior);
              const again = await importFiles(ctx, 'un-xml', [path], { dryRun: true });
              expect(again.entries, `a dry run of ${publishedOn} right after its import`).toMatchObject({ added: 0, amended: 0, delisted: 0 });
            } else {
              const any = step.real === undefined || DATES[step.date] !== 'real' ? dateOf(0, step.date) : FILES[step.real]!;
              const publishedOn = step.latest && latest !== undefined ? latest : any;
              const report = await retractImport(ctx, { list: 'UN', publishedOn, reason: REASONS[step.reason]!, actor: OPERATOR }).catch((error: Error) => error);
              if (report instanceof Error) {
                tally('retraction refused');
                expect(report.name, report.message).toBe('ImportRefusedError');
                expect(events()).toBe(count);
                continue;
              }
              tally(report.appendedEvents > 0 ? 'retraction accepted' : 'retraction repeated');
              expect(events()).toBe(count + report.appendedEvents);
              if (report.appendedEvents > 0 && before.has(publishedOn)) expect(await stateNow(), `after retracting ${publishedOn}`).toEqual(before.get(publishedOn));
            }
          }
          expect((await ledger.verify()).ok).toBe(true);
        } finally {
          await projector.close();
          await store.close();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, FUZZ_TIMEOUT_MS);
});
