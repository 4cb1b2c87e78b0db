/**
 * One batch line, from raw line to answer, in the steps both batch paths share (batch-screener.ts on this thread,
 * workers/batch-worker.ts on a worker thread), so that the two give the same answers byte for byte: a raw line is
 * decoded into a query or answered at once with its error; a decoded line is screened. Only the check for a
 * repeated id needs the lines before it, so it stays with whoever reads the batch in order. Pure but for screenAt.
 */
import * as E from 'fp-ts/Either';
import type { FieldError } from '../../../events';
import type { Receipt } from '../receipt';
import type { ScreeningQuery } from '../types';
import type { Basis, BatchPlan } from './basis';
import { messageOf, type RawLine } from './input';
import { decodeBatchLine } from './line-codec';
import { matchChanges } from './lookback';

/** Screens one query at one basis, with its receipt (receiptOf over one index, pinned for the batch). */
export type ScreenAt = (query: ScreeningQuery, basis: Basis) => Receipt;

export type BatchAnswer =
  | { readonly id: string; readonly matches: Receipt['matches']; readonly receipt: Receipt }
  | { readonly id: string; readonly gained: Receipt['matches']; readonly lost: Receipt['matches']; readonly receipts: { readonly since: Receipt; readonly now: Receipt } }
  | { readonly line: number; readonly id?: string; readonly error: { readonly message: string; readonly errors: readonly FieldError[] } };

/** A line decoded: answered already (`fatal`: nothing after it is read), or a query to screen under the caller's id. */
export type DecodedLine =
  | { readonly kind: 'answered'; readonly answer: BatchAnswer; readonly fatal: boolean }
  | { readonly kind: 'query'; readonly line: number; readonly id: string; readonly query: ScreeningQuery };

const lineError = (line: number, errors: FieldError[], id?: string): BatchAnswer => ({
  line,
  ...(id === undefined ? {} : { id }),
  error: { message: `line ${line}: ${errors.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; ')}`, errors },
});

/** The answer to a line whose id an earlier line (`earlier`) already used. */
export const repeatedIdAnswer = (line: number, id: string, earlier: number): BatchAnswer =>
  lineError(line, [{ path: 'id', expected: `an id not already used (line ${earlier} has it)`, actual: 'a repeated id' }], id);

const unreadable = (line: number, problem: string, fatal: boolean): DecodedLine => {
  const expected = fatal ? 'readable input (the rest of the batch is not read)' : 'one JSON object or CSV row';
  return { kind: 'answered', answer: lineError(line, [{ path: '(line)', expected, actual: problem }]), fatal };
};

export function decodeRawLine(raw: RawLine, plan: BatchPlan): DecodedLine {
  if ('problem' in raw) return unreadable(raw.line, raw.problem, raw.fatal);
  let value: unknown;
  if ('json' in raw) {
    try {
      value = JSON.parse(raw.json) as unknown;
    } catch (error) {
      return unreadable(raw.line, `not valid JSON (${messageOf(error)})`, false);
    }
  } else value = raw.value;
  const decoded = decodeBatchLine(value);
  if (E.isLeft(decoded)) {
    const rawId = (value as { id?: unknown } | null)?.id;
    return { kind: 'answered', answer: lineError(raw.line, decoded.left, typeof rawId === 'string' ? rawId : undefined), fatal: false };
  }
  // The plan holds regimes, threshold and limit only when given, so each line's query says only what was asked.
  const { now: _now, since: _since, ...shared } = plan;
  const { id, ...attributes } = decoded.right;
  return { kind: 'query', line: raw.line, id, query: { ...attributes, ...shared } };
}

/** Screens a decoded line at the plan's basis (and, for a lookback, at its earlier one too). */
export function screenDecoded(line: { readonly id: string; readonly query: ScreeningQuery }, plan: BatchPlan, screenAt: ScreenAt): BatchAnswer {
  const now = screenAt(line.query, plan.now);
  if (plan.since === undefined) return { id: line.id, matches: now.matches, receipt: now };
  const since = screenAt(line.query, plan.since);
  return { id: line.id, ...matchChanges(since.matches, now.matches), receipts: { since, now } };
}

/** An answer as one NDJSON line. */
export const ndjsonLine = (answer: BatchAnswer): string => `${JSON.stringify(answer)}\n`;
