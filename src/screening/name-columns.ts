/**
 * The sizes of the candidate index's names in one flat record per name id: what the index reads of every name a
 * query touches (hundreds per query) before it scores a few. Read from one PreparedName object each, the same
 * figures cost a pointer chase per name (objects scattered over the heap); kept in a typed array per figure, a
 * touched name still cost one cache miss per figure. Here a name's figures sit side by side. Pure.
 */
import { joinedLengthBound, sizeBound, type PreparedName } from './score';

/** The fields of a name's record, and the record's length. */
const WEIGHT = 0;
const WORDS = 1;
const JOINED_LENGTH = 2;
const REVERSED_LENGTH = 3;
const TOKENS = 4;
/** Where the name's tokens start in `vocab` and `top`. */
const START = 5;
/** topWeights[0] and topWeights[1]: the bound of a query of one or two tokens reads no further. */
const TOP = 6;
const RECORD = 8;

export class NameColumns {
  private count = 0;
  private records = new Float64Array(1024 * RECORD);
  private tokenEnd = 0;
  /** Per token of each name, in order: its vocabulary id. */
  private vocab = new Int32Array(4096);
  /** Per token of each name: PreparedName.topWeights, the weight of its k heaviest tokens. */
  private top = new Float64Array(4096);

  /** Adds a name's sizes under the next id, with the vocabulary id of each of its tokens. */
  add(name: PreparedName, vocabIds: readonly number[]): number {
    const id = this.count++;
    if (this.count * RECORD > this.records.length) this.records = grown(this.records);
    const from = this.tokenEnd;
    this.tokenEnd = from + vocabIds.length;
    while (this.tokenEnd > this.vocab.length) {
      this.vocab = grown(this.vocab);
      this.top = grown(this.top);
    }
    this.vocab.set(vocabIds, from);
    this.top.set(name.topWeights, from);
    const r = id * RECORD;
    this.records[r + WEIGHT] = name.weight;
    this.records[r + WORDS] = name.words;
    this.records[r + JOINED_LENGTH] = name.joined.length;
    this.records[r + REVERSED_LENGTH] = name.reversed.length;
    this.records[r + TOKENS] = name.tokens.length;
    this.records[r + START] = from;
    this.records[r + TOP] = name.topWeights[0] ?? 0;
    this.records[r + TOP + 1] = name.topWeights[1] ?? 0;
    return id;
  }

  weight(id: number): number {
    return this.records[id * RECORD + WEIGHT]!;
  }

  wordCount(id: number): number {
    return this.records[id * RECORD + WORDS]!;
  }

  tokens(id: number): number {
    return this.records[id * RECORD + TOKENS]!;
  }

  /** The vocabulary id of the name's token at `position`. */
  vocabAt(id: number, position: number): number {
    return this.vocab[this.records[id * RECORD + START]! + position]!;
  }

  /** scoreBound(query, the name), from the record. */
  bound(query: PreparedName, id: number): number {
    const r = id * RECORD;
    const pairs = Math.min(query.tokens.length, this.records[r + TOKENS]!);
    const listedTop = pairs === 0 ? 0 : pairs <= 2 ? this.records[r + TOP + pairs - 1]! : this.top[this.records[r + START]! + pairs - 1]!;
    return sizeBound(query, pairs, listedTop, this.records[r + WEIGHT]!, this.records[r + WORDS]!, this.records[r + JOINED_LENGTH]!, this.records[r + REVERSED_LENGTH]!);
  }

  /** What the joined reading can score at most against the name, from the lengths alone. */
  joinedBound(query: PreparedName, id: number): number {
    return joinedLengthBound(query, this.records[id * RECORD + JOINED_LENGTH]!, this.records[id * RECORD + REVERSED_LENGTH]!);
  }
}

/** A typed array twice as long, its contents kept. */
export function grown<T extends Int32Array | Float64Array>(from: T): T {
  const to = new (from.constructor as new (length: number) => T)(from.length * 2);
  to.set(from);
  return to;
}
