/**
 * A chunk of lines answered as one NDJSON text (workers/protocol.ts ChunkAnswers), and the check of its ids in
 * input order that the one-thread path makes before screening (a repeated id is answered with an error naming the
 * line that has it). Both sides of a parallel batch use these: a worker answers chunks, the thread that reads the
 * batch checks them, and answers a chunk itself when its worker failed.
 */
import type { BatchPlan } from './basis';
import type { RawLine } from './input';
import { decodeRawLine, ndjsonLine, repeatedIdAnswer, screenDecoded, type ScreenAt } from './line-answer';
import type { ChunkAnswers } from './workers/protocol';

export function answerChunk(lines: readonly RawLine[], plan: BatchPlan, screenAt: ScreenAt): ChunkAnswers {
  let text = '';
  const ids: string[] = [];
  const numbers: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (const raw of lines) {
    const decoded = decodeRawLine(raw, plan);
    if (decoded.kind === 'answered') {
      text += ndjsonLine(decoded.answer);
      continue;
    }
    ids.push(decoded.id);
    numbers.push(decoded.line);
    starts.push(text.length);
    text += ndjsonLine(screenDecoded(decoded, plan, screenAt));
    ends.push(text.length);
  }
  return { text, ids, lines: numbers, starts, ends };
}

/** Checks a batch's ids in input order, chunk after chunk. */
export class IdsInOrder {
  private readonly seen = new Map<string, number>();

  /** The chunk's text, with the answer of each line whose id an earlier line has replaced by that error. */
  check(chunk: ChunkAnswers): string {
    let repeated = false;
    for (let i = 0; i < chunk.ids.length; i++) {
      const id = chunk.ids[i]!;
      if (this.seen.has(id)) repeated = true;
      else this.seen.set(id, chunk.lines[i]!);
    }
    if (!repeated) return chunk.text;
    // Rare: rebuilt from the pieces. An id first seen in this chunk was recorded with its first line above, so
    // a later line of the same chunk with it is a repeat too.
    let text = '';
    let at = 0;
    for (let i = 0; i < chunk.ids.length; i++) {
      const id = chunk.ids[i]!;
      const line = chunk.lines[i]!;
      const first = this.seen.get(id)!;
      text += chunk.text.slice(at, chunk.starts[i]);
      text += first === line ? chunk.text.slice(chunk.starts[i], chunk.ends[i]) : ndjsonLine(repeatedIdAnswer(line, id, first));
      at = chunk.ends[i]!;
    }
    return text + chunk.text.slice(at);
  }
}
