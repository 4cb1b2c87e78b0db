/**
 * Screening against the read models: keeps a ScreeningIndex in step with the projector and answers with
 * receipts. The index is rebuilt from designation_segments whenever the projector's position has moved since
 * the last build (no projector hook exists yet for applying batches incrementally).
 */
import type Database from 'better-sqlite3';
import { resolveAsOf, resolveKnownAt } from '../queries/time';
import { ALGORITHM, DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningIndex } from './screening-index';
import { compareReceipts, seal, type Receipt, type VerifyOutcome } from './receipt';
import { loadScreeningEntries } from './sqlite-source';
import type { ScreeningQuery } from './types';
import type { ScreeningRequest } from './query-codec';

export interface ScreeningReadSide {
  readonly db: Database.Database;
  position(): string | undefined;
}

export class ScreeningService {
  private index: ScreeningIndex | undefined;
  private builtAt: string | undefined | null = null;

  constructor(private readonly readSide: ScreeningReadSide) {}

  /** The index as of the projector's current position (rebuilt if the projector has moved). */
  current(): { index: ScreeningIndex; position: string | undefined } {
    const position = this.readSide.position();
    if (this.index === undefined || this.builtAt !== (position ?? undefined)) {
      this.index = new ScreeningIndex(loadScreeningEntries(this.readSide.db));
      this.builtAt = position;
    }
    return { index: this.index, position };
  }

  screen(request: ScreeningRequest, now: Date = new Date()): Receipt {
    const { asOf: requestedAsOf, knownAt: requestedKnownAt, ...query } = request;
    const asOf = resolveAsOf(requestedAsOf);
    const knownAt = resolveKnownAt(requestedKnownAt, now);
    return this.screenAt(query, { asOf, knownAt });
  }

  verify(receipt: Receipt): VerifyOutcome {
    return compareReceipts(receipt, this.screenAt(receipt.query, { asOf: receipt.basis.asOf, knownAt: receipt.basis.knownAt }));
  }

  private screenAt(query: ScreeningQuery, basis: { asOf: string; knownAt: string }): Receipt {
    const { index, position } = this.current();
    return receiptOf(index, position, query, basis);
  }
}

/** Screens with an index built at `position` and seals the answer: what every screening answers. */
export function receiptOf(index: ScreeningIndex, position: string | undefined, query: ScreeningQuery, basis: { asOf: string; knownAt: string }): Receipt {
  const threshold = query.threshold ?? DEFAULT_THRESHOLD;
  const limit = query.limit ?? DEFAULT_LIMIT;
  const matches = index.screen(query, basis);
  return seal({ basis: { ...basis, position: position ?? null }, query, algorithm: ALGORITHM, threshold, limit, matches });
}
