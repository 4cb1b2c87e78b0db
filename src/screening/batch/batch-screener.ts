/**
 * The streaming batch screener: raw lines in, one answer per line out, in input order. A bad line (not JSON,
 * a bad or unknown field, a repeated id) is answered with an error naming its line and field, and the batch goes
 * on; a fatal input error (a broken CSV quote, a body over its limit) is the last line. Only the ids seen so far
 * are kept (to refuse repeats), never the lines or the answers.
 */
import * as E from 'fp-ts/Either';
import type { FieldError } from '../../../events';
import { TimeSlice } from '../../scheduling/time-slice';
import type { Receipt } from '../receipt';
import type { ScreeningQuery } from '../types';
import type { Basis, BatchPlan } from './basis';
import type { RawLine } from './input';
import { decodeBatchLine } from './line-codec';
import { matchChanges } from './lookback';

/** Screens one query at one basis, with its receipt (receiptOf over one index, pinned for the batch). */
export type ScreenAt = (query: ScreeningQuery, basis: Basis) => Receipt;

export type BatchAnswer =
  | { readonly id: string; readonly matches: Receipt['matches']; readonly receipt: Receipt }
  | { readonly id: string; readonly gained: Receipt['matches']; readonly lost: Receipt['matches']; readonly receipts: { readonly since: Receipt; readonly now: Receipt } }
  | { readonly line: number; readonly id?: string; readonly error: { readonly message: string; readonly errors: readonly FieldError[] } };

const lineError = (line: number, errors: FieldError[], id?: string): BatchAnswer => ({
  line,
  ...(id === undefined ? {} : { id }),
  error: { message: `line ${line}: ${errors.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; ')}`, errors },
});

/**
 * Screens each line in turn. A body that has already arrived is read without the loop ever turning (each line is
 * an already-resolved promise), so the screener gives the loop a turn once a slice is spent: a 10,000-line batch
 * held the service's /health for 2 s, and one at threshold 0 for 24 s, before it did.
 */
export async function* screenBatch(lines: AsyncIterable<RawLine>, plan: BatchPlan, screenAt: ScreenAt, slice = new TimeSlice()): AsyncGenerator<BatchAnswer> {
  const seen = new Map<string, number>();
  // The plan holds regimes, threshold and limit only when given, so each line's query says only what was asked.
  const { now: nowBasis, since: sinceBasis, ...shared } = plan;
  for await (const raw of lines) {
    if (slice.spent) await slice.next();
    if ('problem' in raw) {
      yield lineError(raw.line, [{ path: '(line)', expected: raw.fatal ? 'readable input (the rest of the batch is not read)' : 'one JSON object or CSV row', actual: raw.problem }]);
      if (raw.fatal) return;
      continue;
    }
    const decoded = decodeBatchLine(raw.value);
    const rawId = (raw.value as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' ? rawId : undefined;
    if (E.isLeft(decoded)) {
      yield lineError(raw.line, decoded.left, id);
      continue;
    }
    const { id: lineId, ...attributes } = decoded.right;
    const earlier = seen.get(lineId);
    if (earlier !== undefined) {
      yield lineError(raw.line, [{ path: 'id', expected: `an id not already used (line ${earlier} has it)`, actual: 'a repeated id' }], lineId);
      continue;
    }
    seen.set(lineId, raw.line);
    const query: ScreeningQuery = { ...attributes, ...shared };
    const now = screenAt(query, nowBasis);
    if (sinceBasis === undefined) {
      yield { id: lineId, matches: now.matches, receipt: now };
      continue;
    }
    const since = screenAt(query, sinceBasis);
    yield { id: lineId, ...matchChanges(since.matches, now.matches), receipts: { since, now } };
  }
}

/** The answers as NDJSON text, one line each. */
export async function* ndjson(answers: AsyncIterable<BatchAnswer>): AsyncGenerator<string> {
  for await (const answer of answers) yield `${JSON.stringify(answer)}\n`;
}
