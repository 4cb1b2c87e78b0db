/**
 * Effective-time intervals `[from, to)` over ISO calendar dates. ISO dates compare correctly as strings,
 * which keeps the hot paths free of Date objects.
 */
import type { IsoDate } from '../../events';

export interface EffectiveInterval {
  readonly effectiveFrom: IsoDate | string;
  /** Exclusive; absent while the designation has no delisting. */
  readonly effectiveTo?: IsoDate | string | undefined;
}

export function inForceOn(interval: EffectiveInterval, date: string): boolean {
  return interval.effectiveFrom <= date && (interval.effectiveTo === undefined || date < interval.effectiveTo);
}

export function overlaps(a: EffectiveInterval, b: EffectiveInterval): boolean {
  const aEndsAfterBStarts = a.effectiveTo === undefined || a.effectiveTo > b.effectiveFrom;
  const bEndsAfterAStarts = b.effectiveTo === undefined || b.effectiveTo > a.effectiveFrom;
  return aEndsAfterBStarts && bEndsAfterAStarts;
}
