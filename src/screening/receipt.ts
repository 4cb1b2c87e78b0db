/**
 * Receipts (DESIGN.md section 12): the basis, the query, the algorithm, the threshold and the matches, sealed
 * with a SHA-256 over their canonical JSON, and the comparison of a receipt with a re-run. Pure.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json';
import type { ScreeningMatch, ScreeningQuery } from './types';

export interface ReceiptBody {
  readonly basis: { readonly asOf: string; readonly knownAt: string; readonly position: string | null };
  readonly query: ScreeningQuery;
  readonly algorithm: { readonly name: string; readonly version: string };
  readonly threshold: number;
  readonly limit: number;
  readonly matches: readonly ScreeningMatch[];
}

export interface Receipt extends ReceiptBody {
  /** SHA-256 (hex) of the canonical JSON of every other field. */
  readonly sha256: string;
}

export function hashOf(body: ReceiptBody): string {
  const { basis, query, algorithm, threshold, limit, matches } = body;
  return createHash('sha256').update(canonicalJson({ basis, query, algorithm, threshold, limit, matches })).digest('hex');
}

export function seal(body: ReceiptBody): Receipt {
  return { ...body, sha256: hashOf(body) };
}

export type Difference =
  | { readonly kind: 'receipt-altered'; readonly message: string }
  | { readonly kind: 'algorithm-changed'; readonly message: string }
  | { readonly kind: 'match-gained'; readonly subjectId: string; readonly designationId: string; readonly score: number; readonly message: string }
  | { readonly kind: 'match-lost'; readonly subjectId: string; readonly designationId: string; readonly score: number; readonly message: string }
  | { readonly kind: 'score-changed'; readonly subjectId: string; readonly designationId: string; readonly before: number; readonly after: number; readonly message: string }
  | { readonly kind: 'explanation-changed'; readonly subjectId: string; readonly designationId: string; readonly message: string };

export interface VerifyOutcome {
  readonly same: boolean;
  readonly differences: readonly Difference[];
  /** The re-run, sealed: what the ledger answers at the receipt's basis now. */
  readonly rerun: Receipt;
}

const keyOf = (m: ScreeningMatch) => `${m.subjectId}|${m.designationId}`;

/** Names each difference between a receipt as presented and the re-run of its query at its basis. */
export function compareReceipts(presented: Receipt, rerun: Receipt): VerifyOutcome {
  const differences: Difference[] = [];
  if (hashOf(presented) !== presented.sha256) {
    differences.push({ kind: 'receipt-altered', message: 'the receipt does not match its own sha256: it was changed after it was issued' });
  }
  if (presented.algorithm.name !== rerun.algorithm.name || presented.algorithm.version !== rerun.algorithm.version) {
    differences.push({ kind: 'algorithm-changed', message: `issued by ${presented.algorithm.name} ${presented.algorithm.version}, re-run with ${rerun.algorithm.name} ${rerun.algorithm.version}` });
  }
  const before = new Map(presented.matches.map((m) => [keyOf(m), m]));
  const after = new Map(rerun.matches.map((m) => [keyOf(m), m]));
  for (const [key, m] of before) {
    const now = after.get(key);
    if (now === undefined) {
      differences.push({ kind: 'match-lost', subjectId: m.subjectId, designationId: m.designationId, score: m.score, message: `${m.subjectId} (${m.regime}) matched at ${m.score} and no longer matches` });
    } else if (now.score !== m.score) {
      differences.push({ kind: 'score-changed', subjectId: m.subjectId, designationId: m.designationId, before: m.score, after: now.score, message: `${m.subjectId} (${m.regime}) scored ${m.score}, now ${now.score}` });
    } else if (canonicalJson(now) !== canonicalJson(m)) {
      differences.push({ kind: 'explanation-changed', subjectId: m.subjectId, designationId: m.designationId, message: `${m.subjectId} (${m.regime}) matches with the same score for a different reason or name` });
    }
  }
  for (const [key, m] of after) {
    if (!before.has(key)) {
      differences.push({ kind: 'match-gained', subjectId: m.subjectId, designationId: m.designationId, score: m.score, message: `${m.subjectId} (${m.regime}) now matches at ${m.score}` });
    }
  }
  return { same: differences.length === 0, differences, rerun };
}
