/**
 * A generated ledger for the read-side benchmarks: ~100,000 subjects, ~10 events each, a realistic mix of
 * designations, amendments, corrections, delistings and relistings across 20 regimes, valid by construction
 * (the same sequences the deciders accept), appended one subject stream at a time.
 */
import type { EventStore, EventToAppend } from '../src/store/event-store';
import { envelopeFor } from './support';

const REGIMES = ['EU:RUS', 'EU:IRN', 'EU:SYR', 'EU:PRK', 'EU:BLR', 'UN:DPRK', 'UN:AL-QAIDA', 'UN:LIBYA', 'UN:SOMALIA', 'UN:TALIBAN', 'US:SDGT', 'US:RUSSIA-EO14024', 'US:IRAN', 'US:SDNTK', 'US:UKRAINE-EO13662', 'UK:RUSSIA', 'UK:DPRK', 'UK:IRAN', 'UK:SYRIA', 'UK:GLOBAL-HUMAN-RIGHTS'];
const MEASURES = [['asset-freeze'], ['asset-freeze', 'travel-ban'], ['asset-freeze', 'travel-ban', 'arms-embargo'], ['sectoral-restriction']];

/** A small deterministic PRNG (mulberry32) so every run generates the same ledger. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dayToDate = (day: number) => new Date(Date.UTC(2000, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);

export function subjectEvents(n: number, rnd: () => number): EventToAppend[] {
  const subjectId = `gen-${n}`;
  const kind = rnd() < 0.75 ? 'person' : 'entity';
  const names = [{ name: `Generated Subject ${n}`, quality: 'primary' }, { name: `Alias ${n}`, quality: 'alias' }];
  const events: Array<{ type: string; data: unknown }> = [];
  const regimeCount = rnd() < 0.3 ? 2 : 1;
  const firstRegime = Math.floor(rnd() * REGIMES.length);
  for (let r = 0; r < regimeCount; r++) {
    const regime = REGIMES[(firstRegime + r * 7) % REGIMES.length]!;
    const authority = regime.slice(0, 2);
    let day = Math.floor(rnd() * 9000);
    const designationId = `${regime}@${dayToDate(day)}`;
    const ref = { subjectId, designationId, authority, regime };
    events.push({ type: 'SubjectDesignated', data: { ...ref, kind, identity: { names, nationalities: ['RU'] }, measures: MEASURES[n % MEASURES.length], legalBasis: [`${authority}-ACT-${n % 50}`], effectiveFrom: dayToDate(day), authorityReference: `${authority}.${n}` } });
    const amendments = Math.floor(rnd() * (regimeCount === 1 ? 16 : 7));
    for (let a = 0; a < amendments; a++) {
      day += 1 + Math.floor(rnd() * 60);
      const changes = a % 2 === 0 ? { measures: MEASURES[(n + a) % MEASURES.length] } : { identity: { names: [...names, { name: `Alias ${n}-${a}`, quality: 'weak-alias' }] } };
      events.push({ type: 'DesignationAmended', data: { ...ref, effectiveFrom: dayToDate(day), changes } });
    }
    if (rnd() < 0.1) events.push({ type: 'DesignationCorrected', data: { ...ref, corrections: { authorityReference: `${authority}.${n}.c` }, reason: 'reference mistyped' } });
    if (rnd() < 0.3) {
      day += 1 + Math.floor(rnd() * 400);
      events.push({ type: 'SubjectDelisted', data: { ...ref, effectiveFrom: dayToDate(day), legalBasis: [`${authority}-DELIST-${n % 20}`], reason: 'delisted' } });
      if (rnd() < 0.3) {
        day += 1 + Math.floor(rnd() * 400);
        const relisted = { ...ref, designationId: `${regime}@${dayToDate(day)}` };
        events.push({ type: 'SubjectDesignated', data: { ...relisted, kind, identity: { names }, measures: ['asset-freeze'], legalBasis: [`${authority}-ACT-${n % 50}`], effectiveFrom: dayToDate(day) } });
      }
    }
  }
  return events.map((e) => ({ ...e, envelope: envelopeFor() }));
}

/** Appends subjects until `targetEvents` events exist; returns the counts. */
export async function generateLedger(store: EventStore, targetEvents: number, onProgress?: (events: number) => void) {
  const rnd = random(42);
  let events = 0;
  let subjects = 0;
  while (events < targetEvents) {
    const batch = subjectEvents(subjects, rnd);
    await store.appendToStream(`subject-gen-${subjects}`, batch, { expectedRevision: 'no-stream' });
    events += batch.length;
    subjects++;
    if (subjects % 10_000 === 0) onProgress?.(events);
  }
  return { events, subjects };
}

export { REGIMES };
