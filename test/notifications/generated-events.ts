/**
 * Generated ledger traffic through real commands (`ledger.execute`), for the notification tests and the
 * Kafka benchmark: designations of many subjects under several regimes, then amendments, interleaved
 * round-robin so that each key's events are spread across the log (per-key order then means something).
 */
import * as E from 'fp-ts/Either';
import type { CommandInput } from '../../src/commands/command-handler';
import type { Ledger } from '../../src/ledger';

export const GENERATOR_METADATA = {
  actor: { id: 'generator@test', kind: 'service' },
  source: { publisher: 'notification test generator', documentRef: 'generated' },
} as const;

const REGIMES = ['EU:RUS', 'UN:DPRK', 'US:DPRK3', 'UK:RUS'] as const;

export function regimeOfSubject(subject: number): (typeof REGIMES)[number] {
  return REGIMES[subject % REGIMES.length]!;
}

/** The n-th command of a run over `subjects` subjects named `<prefix>-<i>`. */
export function generatedCommand(n: number, subjects: number, prefix: string): CommandInput {
  const subject = n % subjects;
  const round = Math.floor(n / subjects);
  const subjectId = `${prefix}-${subject}`;
  const regime = regimeOfSubject(subject);
  if (round === 0) {
    return {
      type: 'DesignateSubject',
      data: {
        subjectId,
        kind: subject % 2 === 0 ? 'person' : 'entity',
        regime,
        identity: { names: [{ name: `Generated Subject ${subject}`, quality: 'primary', script: 'Latn' }] },
        measures: ['asset-freeze'],
        legalBasis: [`GEN-${regime.replace(':', '-')}`],
        effectiveFrom: '2024-12-16',
        reasons: 'generated',
      },
    };
  }
  return {
    type: 'AmendDesignation',
    data: { subjectId, regime, effectiveFrom: '2024-12-20', changes: { reasons: `amendment ${round}` } },
  };
}

/** Executes commands [from, from + count) of the run; each appends one event. */
export async function appendGenerated(
  ledger: Ledger,
  options: { from?: number; count: number; subjects: number; prefix: string; signal?: AbortSignal },
): Promise<number> {
  const from = options.from ?? 0;
  let appended = 0;
  for (let n = from; n < from + options.count; n++) {
    if (options.signal?.aborted) break;
    const result = await ledger.execute(generatedCommand(n, options.subjects, options.prefix), {
      ...GENERATOR_METADATA,
      commandId: `${options.prefix}:${n}`,
    });
    if (E.isLeft(result)) throw new Error(`generated command ${n} refused: ${JSON.stringify(result.left)}`);
    appended += result.right.events.length;
  }
  return appended;
}
