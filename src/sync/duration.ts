/** Durations as people write them in a sources file ("15m", "1h", "1s", "500ms"), as an io-ts codec to milliseconds. */
import * as t from 'io-ts';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d+)(ms|s|m|h|d)$/;

export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNITS[match[2]!]!;
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

export const Duration = new t.Type<number, string, unknown>(
  'a duration like "15m"',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    const ms = typeof u === 'string' ? parseDuration(u) : undefined;
    return ms === undefined ? t.failure(u, c, 'a duration like "15m"') : t.success(ms);
  },
  (ms) => `${ms}ms`,
);
