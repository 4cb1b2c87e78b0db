/**
 * Proof that a change to the screening machinery left the answers alone: an older checkout's index and this
 * checkout's answer the same queries over every shared list, and their receipts (matches, scores, why, sha256)
 * must be byte-identical. The queries are listed names with every perturbation of bench/screening-quality.ts,
 * other thresholds and limits, birth dates and countries that agree or contradict, kinds, regimes, identifiers,
 * and faker names in many locales; the entries get varied effective and recorded intervals, screened at several
 * bases. This checkout's index is also kept current (built from part of the entries, the rest and some changed
 * subjects replaced in) and must answer as the older one built afresh. Exits 1 naming the first differences.
 * Run: node bin/run-ts.mjs bench/screening-same-answers.ts --before <older checkout root>
 */
import { allFakers } from '@faker-js/faker';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { receiptOf, ScreeningIndex, type ScreeningEntry, type ScreeningQuery, type Screener } from '../src/screening';
import { loadAllLists } from './screening-lists';

const at = process.argv.indexOf('--before');
if (at === -1) throw new Error('usage: screening-same-answers.ts --before <older checkout root>');
const older = (await import(pathToFileURL(resolve(process.argv[at + 1]!, 'src/screening/index.ts')).href)) as {
  ScreeningIndex: new (entries: readonly ScreeningEntry[]) => Screener;
  receiptOf: typeof receiptOf;
};

const { entries: inForceAlways, listings } = await loadAllLists();
/** Every fifth entry starts late, every seventh ended, every eleventh was recorded late: the bitemporal filter has work. */
const entries = inForceAlways.map((e, i): ScreeningEntry => ({
  ...e,
  ...(i % 5 === 0 ? { effectiveFrom: '2020-06-01' } : {}),
  ...(i % 7 === 0 ? { effectiveTo: '2022-01-01' } : {}),
  ...(i % 11 === 0 ? { recordedFrom: '2021-03-01T00:00:00.000Z' } : {}),
}));
const BASES = [
  { asOf: '2025-01-01', knownAt: '2025-01-01T00:00:00.000Z' },
  { asOf: '2021-01-01', knownAt: '2021-01-01T00:00:00.000Z' },
  { asOf: '2021-01-01', knownAt: '2025-01-01T00:00:00.000Z' },
];

const typo = (s: string) => { const m = Math.floor(s.length / 2); return `${s.slice(0, m)}${s[m] === 'x' ? 'y' : 'x'}${s.slice(m + 1)}`; };
const PERTURB: Array<(n: string) => string> = [
  (n) => n,
  (n) => n.split(/\s+/).reverse().join(' '),
  (n) => n.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' '),
  (n) => n.replace(/\s+/, ''),
  typo,
  (n) => n.slice(0, Math.floor(n.length / 2)) + n.slice(Math.floor(n.length / 2) + 1),
  (n) => n.split(/\s+/).map((w, i) => (i === 0 ? w[0]! : w)).join(' '),
];
const THRESHOLDS = [undefined, undefined, 0.7, 0.9, 0.95, 0.6];
const LIMITS = [undefined, 1, 5, 100];

const queries: ScreeningQuery[] = [];
listings.forEach((l, i) => {
  if (i % 4 !== 0) return;
  const names = l.identity.names;
  const name = names[(i >> 2) % names.length]!.name;
  const query: ScreeningQuery = { name: PERTURB[(i >> 2) % PERTURB.length]!(name) };
  const threshold = THRESHOLDS[(i >> 3) % THRESHOLDS.length];
  const limit = LIMITS[(i >> 4) % LIMITS.length];
  const birth = l.identity.birthDates?.[0];
  const country = l.identity.nationalities?.[0];
  const identifier = l.identity.identifiers?.[0];
  queries.push({
    ...query,
    ...(threshold === undefined ? {} : { threshold }),
    ...(limit === undefined ? {} : { limit }),
    ...(i % 3 === 0 && birth !== undefined ? { birthDate: i % 6 === 0 ? birth : '1901' } : {}),
    ...(i % 5 === 0 && country !== undefined ? { country: i % 10 === 0 ? country : 'Atlantis' } : {}),
    ...(i % 9 === 0 ? { kind: l.kind } : i % 13 === 0 ? { kind: 'vessel' as const } : {}),
    ...(i % 17 === 0 && l.regimes[0] !== undefined ? { regimes: [l.regimes[0]] } : {}),
    ...(i % 19 === 0 && identifier !== undefined ? { identifiers: [{ value: identifier.value }] } : {}),
  });
});
for (const locale of ['en', 'de', 'fr', 'es', 'ru', 'ar', 'fa', 'ko', 'ja', 'zh_CN', 'tr', 'pt_BR', 'he', 'hi'].filter((l) => l in allFakers)) {
  const faker = allFakers[locale as keyof typeof allFakers];
  faker.seed(7);
  for (let i = 0; i < 120; i++) queries.push({ name: i % 4 === 3 ? faker.company.name() : faker.person.fullName(), ...(i % 5 === 0 ? { threshold: 0.7 } : {}) });
}

const before = new older.ScreeningIndex(entries);
const fresh = new ScreeningIndex(entries);
// Kept current: two thirds first, then the rest (new words arrive) and every 13th subject renamed (an alias added, one dropped).
const kept = new ScreeningIndex(entries.slice(0, Math.floor((entries.length * 2) / 3)));
kept.replaceSubjects([], entries.slice(Math.floor((entries.length * 2) / 3)));
const renamed = entries.filter((_, i) => i % 13 === 0);
kept.replaceSubjects(renamed.map((e) => e.subjectId), renamed.map((e) => ({ ...e, names: [...e.names.slice(1), { name: `${e.primaryName} Zqxw`, quality: 'weak' }] })));
kept.replaceSubjects(renamed.map((e) => e.subjectId), renamed);

let compared = 0;
let withMatches = 0;
const differences: string[] = [];
for (const basis of BASES) {
  for (const query of queries) {
    const expected = JSON.stringify(older.receiptOf(before, '1', query, basis));
    for (const [label, index] of [['fresh', fresh], ['kept current', kept]] as const) {
      compared++;
      if (JSON.stringify(receiptOf(index, '1', query, basis)) !== expected && differences.length < 10) differences.push(`${label} at ${JSON.stringify(basis)}: ${JSON.stringify(query)}`);
    }
    if (!expected.includes('"matches":[]')) withMatches++;
  }
}
console.log(`${queries.length} queries x ${BASES.length} bases, ${withMatches} answers with matches; ${compared} receipts compared (fresh and kept-current index): ${differences.length === 0 ? 'all byte-identical' : 'DIFFERENCES'}`);
differences.forEach((d) => console.log(`  differs: ${d}`));
process.exitCode = differences.length === 0 ? 0 : 1;
