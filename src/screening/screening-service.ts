/**
 * Screening against the read models: keeps a ScreeningIndex in step with the projector (index-keeper.ts: the
 * subjects changed since the last call are replaced, a rebuild only when that is cheaper) and answers with
 * receipts.
 */
import type Database from 'better-sqlite3';
import { resolveAsOf, resolveKnownAt } from '../queries/time';
import { DEFAULT_KEEPING, IndexKeeper, type IndexUpdate, type KeepingPolicy } from './index-keeper';
import { ALGORITHM, DEFAULT_LIMIT, DEFAULT_THRESHOLD, type Screener } from './screening-index';
import { compareReceipts, seal, type Receipt, type VerifyOutcome } from './receipt';
import type { ScreeningQuery } from './types';
import type { ScreeningRequest } from './query-codec';

export interface ScreeningReadSide {
  readonly db: Database.Database;
  position(): string | undefined;
}

export class ScreeningService {
  private readonly keeper: IndexKeeper;

  constructor(
    private readonly readSide: ScreeningReadSide,
    policy: KeepingPolicy = DEFAULT_KEEPING,
  ) {
    this.keeper = new IndexKeeper(readSide.db, policy);
  }

  /**
   * The index as of the projector's current position, as a snapshot: it keeps answering at that position while
   * later calls bring the index further (a batch pins one for all its lines).
   */
  current(): { index: Screener; position: string | undefined } {
    const position = this.readSide.position();
    return { index: this.keeper.indexAt(position).snapshot(), position };
  }

  /** The views file the index is read from, undefined for an in-memory one: what batch workers open. */
  get viewsFile(): string | undefined {
    const { db } = this.readSide;
    return db.memory ? undefined : db.name;
  }

  /** How the last call to current() brought the index to its position. */
  get lastUpdate(): IndexUpdate {
    return this.keeper.lastUpdate;
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

/** Screens with an index at `position` and seals the answer: what every screening answers. */
export function receiptOf(index: Screener, position: string | undefined, query: ScreeningQuery, basis: { asOf: string; knownAt: string }): Receipt {
  const threshold = query.threshold ?? DEFAULT_THRESHOLD;
  const limit = query.limit ?? DEFAULT_LIMIT;
  const matches = index.screen(query, basis);
  return seal({ basis: { ...basis, position: position ?? null }, query, algorithm: ALGORITHM, threshold, limit, matches });
}
