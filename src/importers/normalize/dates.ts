/**
 * Date parsing for the formats' various conventions. Every parser returns undefined for text that is not a
 * REAL date (2001-02-30 is not), and the caller decides whether that fails the file or is only recorded.
 */
import { isRealCalendarDate } from '../../../events/primitives';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY-MM-DD` if y-m-d is a real day. */
export function isoDate(y: number, m: number, d: number): string | undefined {
  return isRealCalendarDate(y, m, d) && y >= 1000 ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : undefined;
}

/** Partial date `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; month/day of 0 mean "not given". */
export function partialDate(y: number, m = 0, d = 0): string | undefined {
  if (!Number.isInteger(y) || y < 1000 || y > 9999) return undefined;
  if (m === 0) return d === 0 ? pad(y, 4) : undefined;
  if (m < 1 || m > 12) return undefined;
  if (d === 0) return `${pad(y, 4)}-${pad(m)}`;
  return isoDate(y, m, d);
}

/**
 * ISO date, optionally followed by a time or a zone offset as the UN and EU files write them
 * (`2015-03-27-04:00`, `2020-04-15T15:29:22.497+02:00`): the publisher's own calendar date is kept.
 */
export function parseIsoDate(raw: string | undefined): string | undefined {
  const m = raw === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})(?:$|T|Z$|[+-]\d{2}:\d{2}$)/.exec(raw.trim());
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** `dd/mm/yyyy` (UK). */
export function parseDmy(raw: string | undefined): string | undefined {
  const m = raw === undefined ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw.trim());
  return m ? isoDate(Number(m[3]), Number(m[2]), Number(m[1])) : undefined;
}

/** `MM/DD/YYYY` (OFAC Publish_Date). */
export function parseMdy(raw: string | undefined): string | undefined {
  const m = raw === undefined ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw.trim());
  return m ? isoDate(Number(m[3]), Number(m[1]), Number(m[2])) : undefined;
}

/**
 * UK partial birth dates: `00/00/1980`, `00/08/1975`, `dd/mm/1968`, `dd/09/1958` (placeholders for unknown
 * parts), full `12/11/1967`, or a bare `1985`.
 */
export function parseDmyPartial(raw: string | undefined): string | undefined {
  const s = raw?.trim() ?? '';
  if (/^\d{4}$/.test(s)) return partialDate(Number(s));
  const m = /^(\d{1,2}|dd|DD)\/(\d{1,2}|mm|MM)\/(\d{4}|yyyy|YYYY)$/.exec(s);
  if (!m) return undefined;
  const num = (x: string): number => (/^\d+$/.test(x) ? Number(x) : 0);
  return partialDate(num(m[3]!), num(m[2]!), num(m[1]!));
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

function month(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  return MONTHS[w] ?? MONTHS[w.slice(0, 3)] ?? undefined;
}

/**
 * English free-text dates as OFAC and UN notes write them: `12 Mar 1964`, `12 Mar. 1964`, `Mar 1964`,
 * `March 1964`, `1964`, optionally prefixed by `circa`/`approximately`. Returns a partial date or undefined.
 */
export function parseLooseDate(raw: string | undefined): string | undefined {
  const s = (raw ?? '').trim().replace(/\.$/, '').replace(/^(circa|approximately|approx\.?|about)\s+/i, '');
  let m = /^(\d{4})$/.exec(s);
  if (m) return partialDate(Number(m[1]));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return partialDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^([A-Za-z]+\.?)\s+(\d{4})$/.exec(s);
  if (m) {
    const mo = month(m[1]!);
    return mo === undefined ? undefined : partialDate(Number(m[2]), mo);
  }
  m = /^(\d{1,2})\s+([A-Za-z]+\.?)\s+(\d{4})$/.exec(s);
  if (m) {
    const mo = month(m[2]!);
    return mo === undefined ? undefined : partialDate(Number(m[3]), mo, Number(m[1]));
  }
  return undefined;
}

/** Longest year range expanded into individual birth years; wider ranges are too vague to screen on. */
export const MAX_YEAR_RANGE = 10;

/** Years from..to inclusive, when the range is sane; undefined otherwise. */
export function yearRange(from: number, to: number): string[] | undefined {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1000 || to > 9999 || to < from) return undefined;
  if (to - from + 1 > MAX_YEAR_RANGE) return undefined;
  const years: string[] = [];
  for (let y = from; y <= to; y++) years.push(String(y));
  return years;
}

/**
 * Free-text date ranges (`1960 to 1962`, `01 Jan 1960 to 31 Dec 1962`, `circa 1955-1957`): the birth years
 * covered, or undefined if not a range we can read.
 */
export function parseLooseRange(raw: string): string[] | undefined {
  const s = raw.trim().replace(/\.$/, '').replace(/^(circa|approximately)\s+/i, '');
  const m = /^(.+?)\s*(?:\bto\b|-|–)\s*(.+)$/.exec(s);
  if (!m || /^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const from = parseLooseDate(m[1]);
  const to = parseLooseDate(m[2]);
  if (from === undefined || to === undefined) return undefined;
  if (from === to) return [from];
  if (from.slice(0, 7) === to.slice(0, 7) && from.length >= 7) return [from.slice(0, 7)];
  return yearRange(Number(from.slice(0, 4)), Number(to.slice(0, 4)));
}
