/** Screening (DESIGN.md section 12): fuzzy name matching at any (asOf, knownAt), with receipts. */
export { nameTokens, normaliseIdentifier, phoneticKey, rawTokens, NOISE_WORDS } from './normalise';
export { prepareName, scoreBound, scoreName, type NameScore, type PreparedName, type TokenMatch } from './score';
export { ALGORITHM, DEFAULT_LIMIT, DEFAULT_THRESHOLD, inForceAt, ScreeningIndex, type Basis, type Screener } from './screening-index';
export { DEFAULT_KEEPING, IndexKeeper, type IndexUpdate, type KeepingPolicy } from './index-keeper';
export { compareReceipts, hashOf, seal, type Difference, type Receipt, type ReceiptBody, type VerifyOutcome } from './receipt';
export { decodeScreeningRequest, MAX_LIMIT, MAX_NAME_LENGTH, ScreeningRequest } from './query-codec';
export { decodeReceipt } from './receipt-codec';
export { loadScreeningEntries, subjectsChangedBetween } from './sqlite-source';
export { receiptOf, ScreeningService, type ScreeningReadSide } from './screening-service';
export * from './batch';
export type { MatchReason, ScreeningEntry, ScreeningMatch, ScreeningQuery } from './types';
