/**
 * The definition of DESIGN.md section 4, written as plainly as possible and independently of projections/:
 * take the events recorded at or before T, fold them per designation, evaluate the intervals at D.
 */
import type { LedgerEvent } from '../../events';

export interface RawEvent {
  readonly recordedAt: string;
  readonly event: LedgerEvent;
}

export interface NaiveDesignation {
  readonly subjectId: string;
  readonly designationId: string;
  readonly regime: string;
  readonly primaryName: string;
  readonly measures: readonly string[];
  readonly legalBasis: readonly string[];
}

interface Folded {
  subjectId: string;
  designationId: string;
  regime: string;
  from: string;
  to: string | undefined;
  withdrawn: boolean;
  base: Record<string, unknown>;
  amendments: Array<{ date: string; changes: Record<string, unknown>; publishedOn?: string }>;
}

export function naiveInForce(events: readonly RawEvent[], asOf: string, knownAt: string): NaiveDesignation[] {
  const folded = new Map<string, Folded>();
  for (const { recordedAt, event } of events) {
    if (recordedAt > knownAt) continue;
    const data = event.data as Record<string, any>;
    const key = `${data.subjectId}|${data.designationId}`;
    const current = folded.get(key);
    if (event.type === 'SubjectDesignated') {
      folded.set(key, {
        subjectId: data.subjectId,
        designationId: data.designationId,
        regime: data.regime,
        from: data.effectiveFrom,
        to: undefined,
        withdrawn: false,
        base: { identity: data.identity, measures: data.measures, legalBasis: data.legalBasis },
        amendments: [],
      });
    } else if (current !== undefined && event.type === 'DesignationAmended') {
      current.amendments.push({ date: data.effectiveFrom, changes: data.changes, publishedOn: data.publishedOn });
    } else if (current !== undefined && event.type === 'DesignationCorrected') {
      const { effectiveFrom, effectiveTo, withdrawn, delistingWithdrawn, amendmentsWithdrawn, ...changes } = data.corrections;
      if (effectiveFrom !== undefined) current.from = effectiveFrom;
      if (effectiveTo !== undefined) current.to = effectiveTo;
      // A withdrawal: what it names never had effect.
      if (withdrawn === true) current.withdrawn = true;
      if (delistingWithdrawn === true) current.to = undefined;
      if (amendmentsWithdrawn !== undefined) current.amendments = current.amendments.filter((a) => !amendmentsWithdrawn.includes(a.publishedOn));
      Object.assign(current.base, changes);
    } else if (current !== undefined && event.type === 'SubjectDelisted') {
      current.to = data.effectiveFrom;
    }
  }
  const result: NaiveDesignation[] = [];
  for (const d of folded.values()) {
    const inForce = !d.withdrawn && d.from <= asOf && (d.to === undefined || asOf < d.to);
    if (!inForce) continue;
    const attributes: Record<string, any> = { ...d.base };
    const applicable = d.amendments.filter((a) => a.date <= asOf);
    // Amendments apply in effective-date order; among equal dates, in the order they were recorded.
    applicable.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (const a of applicable) Object.assign(attributes, a.changes);
    const names = attributes.identity.names as Array<{ name: string; quality: string }>;
    result.push({
      subjectId: d.subjectId,
      designationId: d.designationId,
      regime: d.regime,
      primaryName: (names.find((n) => n.quality === 'primary') ?? names[0]!).name,
      measures: attributes.measures,
      legalBasis: attributes.legalBasis,
    });
  }
  return result.sort((a, b) => `${a.subjectId}|${a.designationId}`.localeCompare(`${b.subjectId}|${b.designationId}`));
}
