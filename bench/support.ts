/** Shared bits of the benchmarks: a table printer, RSS sampling, realistic designation data. */
import { randomUUID } from 'node:crypto';
import type { EnvelopeInput } from '../events';
import type { EventToAppend } from '../src/store/event-store';

export function printTable(title: string, rows: ReadonlyArray<Record<string, string | number>>): void {
  const headers = Object.keys(rows[0] ?? {});
  const cells = [headers, ...rows.map((r) => headers.map((h) => String(r[h])))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
}

/** Samples resident set size every few ms; `peak()` is the highest seen (MiB). */
export function rssSampler(intervalMs = 20) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    sample: () => {
      peak = Math.max(peak, process.memoryUsage.rss());
    },
    peakMiB: () => Math.round(peak / 1024 / 1024),
    stop: () => clearInterval(timer),
  };
}

export const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

const REGIMES = ['EU:RUS', 'UN:DPRK', 'US:SDGT', 'UK:RUSSIA', 'US:RUSSIA-EO14024', 'EU:IRN'];

/** A designation like the ones imports produce: a few names, a birth date, identifiers, an address. */
export function designationData(n: number) {
  const regime = REGIMES[n % REGIMES.length]!;
  return {
    subjectId: `subject-${n}`,
    designationId: `${regime}@2024-12-16`,
    authority: regime.slice(0, 2),
    regime,
    kind: n % 5 === 0 ? 'entity' : 'person',
    identity: {
      names: [
        { name: `SUBJECT ${n} Primary Name`, quality: 'primary', script: 'Latn' },
        { name: `Alias ${n} One`, quality: 'alias' },
        { name: `Alias ${n} Two`, quality: 'weak-alias' },
      ],
      birthDates: ['1964-03-12'],
      nationalities: ['KP'],
      identifiers: [{ type: 'passport', value: `P${n}`, country: 'KP' }],
      addresses: [{ city: 'Pyongyang', country: 'KP' }],
    },
    measures: ['asset-freeze', 'travel-ban'],
    legalBasis: ['EU-RUS-PACKAGE-15'],
    effectiveFrom: '2024-12-16',
    authorityReference: `REF.${n}`,
  };
}

export function envelopeFor(): EnvelopeInput {
  const id = randomUUID();
  return {
    eventId: id,
    schemaVersion: 1,
    actor: { id: 'bench', kind: 'service' },
    source: { publisher: 'benchmark' },
    commandId: id,
    correlationId: id,
    causationId: id,
  } as EnvelopeInput;
}

export function designatedEvent(n: number): EventToAppend {
  return { type: 'SubjectDesignated', data: designationData(n), envelope: envelopeFor() };
}
