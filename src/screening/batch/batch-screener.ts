/**
 * The streaming batch screener: raw lines in, one answer per line out, in input order. A bad line (not JSON,
 * a bad or unknown field, a repeated id) is answered with an error naming its line and field, and the batch goes
 * on; a fatal input error (a broken CSV quote, a body over its limit) is the last line. Only the ids seen so far
 * are kept (to refuse repeats), never the lines or the answers. This is the one-thread path; parallel-batch.ts
 * spreads the same steps (line-answer.ts) over worker threads.
 */
import { TimeSlice } from '../../scheduling/time-slice';
import type { BatchPlan } from './basis';
import type { RawLine } from './input';
import { decodeRawLine, ndjsonLine, repeatedIdAnswer, screenDecoded, type BatchAnswer, type ScreenAt } from './line-answer';

export type { BatchAnswer, ScreenAt } from './line-answer';

/**
 * Screens each line in turn. A body that has already arrived is read without the loop ever turning (each line is
 * an already-resolved promise), so the screener gives the loop a turn once a slice is spent: a 10,000-line batch
 * held the service's /health for 2 s, and one at threshold 0 for 24 s, before it did.
 */
export async function* screenBatch(lines: AsyncIterable<RawLine>, plan: BatchPlan, screenAt: ScreenAt, slice = new TimeSlice()): AsyncGenerator<BatchAnswer> {
  const seen = new Map<string, number>();
  for await (const raw of lines) {
    if (slice.spent) await slice.next();
    const decoded = decodeRawLine(raw, plan);
    if (decoded.kind === 'answered') {
      yield decoded.answer;
      if (decoded.fatal) return;
      continue;
    }
    const earlier = seen.get(decoded.id);
    if (earlier !== undefined) {
      yield repeatedIdAnswer(decoded.line, decoded.id, earlier);
      continue;
    }
    seen.set(decoded.id, decoded.line);
    yield screenDecoded(decoded, plan, screenAt);
  }
}

/** The answers as NDJSON text, one line each. */
export async function* ndjson(answers: AsyncIterable<BatchAnswer>): AsyncGenerator<string> {
  for await (const answer of answers) yield ndjsonLine(answer);
}
