/**
 * Hostile values shared by the fuzz suites: impossible dates, malformed instants, bad identifiers, unicode, and
 * the fixed seeds the suites run with (a failure names its seed and path, so `fc.assert(..., { seed, path })`
 * replays it exactly).
 */
import fc from 'fast-check';

/** One seed per suite, printed by each; change it to explore further, keep it fixed to reproduce. */
/**
 * The soak run (`npm run test:soak`) turns two knobs: LEDGER_FUZZ_SCALE multiplies every suite's case count, and
 * LEDGER_FUZZ_SEED moves the fixed seeds, so that a long run explores cases CI has not already passed.
 */
function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}
export const FUZZ_SCALE = knob('LEDGER_FUZZ_SCALE', 1);
const BASE_SEED = Math.floor(knob('LEDGER_FUZZ_SEED', 20_250_800));
export const SEEDS = { http: BASE_SEED + 1, cli: BASE_SEED + 2, importers: BASE_SEED + 3 } as const;
/** A suite's case count at this scale. */
export const scaled = (cases: number) => Math.max(1, Math.round(cases * FUZZ_SCALE));
export const FUZZ_TIMEOUT_MS = Math.round(300_000 * Math.max(1, FUZZ_SCALE));

/** Prints what a suite ran: a line the CI log keeps, and the totals the issue asks for. */
/** A tally by name, for the case and outcome counts each suite prints. */
export function counter() {
  const counts: Record<string, number> = {};
  return { counts, add: (what: string | number) => void (counts[what] = (counts[what] ?? 0) + 1) };
}

export function reportCases(suite: string, seed: number, counts: Record<string, number>, startedAt: number): number {
  // Requests a client library refused to send (fetch rejects a header with a control character) are listed, not counted.
  const total = Object.entries(counts)
    .filter(([k]) => !k.includes('not-sent'))
    .reduce((a, [, b]) => a + b, 0);
  const detail = Object.entries(counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.info(`[fuzz:${suite}] seed=${seed} cases=${total} (${detail}) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return total;
}

export const IMPOSSIBLE_DATES = [
  '2024-02-30',
  '2023-02-29',
  '2100-02-29',
  '2024-04-31',
  '2024-13-01',
  '2024-00-10',
  '2024-12-00',
  '2024-12-32',
  '0000-00-00',
  '24-12-16',
  '2024-1-1',
  '16/12/2024',
  '12/16/2024',
  '2024-12-16T00:00:00Z',
  ' 2024-12-16',
  '2024-12-16 ',
  '+002024-12-16',
  '２０２４-１２-１６',
  '2024‐12‐16',
  '99999-01-01',
  '',
  'today',
  'NaN',
];

export const BAD_INSTANTS = [
  '2024-12-16T24:00:00Z',
  '2024-12-16T23:60:00Z',
  '2024-12-16T23:59:60Z',
  '2024-02-30T00:00:00Z',
  '2024-12-16T23:00:00+01:00',
  '2024-12-16T23:00:00',
  '2024-12-16T23:00:00.1234Z',
  '2024-12-16',
  '2024-12-16t23:00:00z',
  '1734390000000',
  '',
];

export const BAD_PARTIAL_DATES = ['1964-02-30', '1964-13', '196', '1964-7', '1964-07-1', '00/00/1964', '1964-00', 'circa 1964'];

export const BAD_IDENTIFIERS = ['', ' ', '-leading-dash', '.dot', 'a b', 'ü-umlaut', 'a\u0000b', '../etc/passwd', 'a?b', 'a%2Fb', 'x'.repeat(201), 'line\nbreak', '😀'];

export const BAD_REGIMES = ['eu:rus', 'FR:RUS', 'EU:', 'EU:rus', 'EU:RUS ', 'EURUS', ':RUS', 'EU::RUS', `EU:${'A'.repeat(65)}`, 'UN:DPRK\n'];

export const BAD_ENUMS = ['persons', 'PERSON', 'Person', '', ' person', 'asset_freeze', 'freeze', 'FR', 'eu', 'primary ', 'null', '__proto__', 'constructor'];

export const BLANKS = ['', ' ', '\t', '\n', '\u00a0', '\u3000 ', '\r\n  '];

/** A future instant (knownAt must refuse it). Computed per call: the suites run for a while. */
export const futureInstant = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('로광철', 'Ро Кван Чхоль', 'محمد طاهر أنوري', 'e\u0301', '\u202eRTL', '\ufeffBOM', '\ud800', 'a\udc00b', '\u0000', '𝕏𝕐', '\u2028\u2029', '\u001b[31mred'),
);

/** Percent-encoding fragments, valid and not, to put into paths and query strings as they are. */
export const PERCENT_JUNK = ['%', '%%', '%G1', '%zz', '%E0%A4', '%C0%80', '%ED%A0%80', '%FF', '%00', '%2F', '%2e%2e', '%25', '%u0041', '%%41', '%2', '%e2%82'];
