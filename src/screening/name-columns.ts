/**
 * The sizes of the candidate index's names in flat typed columns, by name id: what the index reads of every name
 * a query touches (hundreds per query) before it scores a few. Read from one PreparedName object each, the same
 * figures cost a pointer chase per name (objects scattered over the heap); here they sit side by side. Pure.
 */
import { sizeBound, type PreparedName } from './score';

export class NameColumns {
  private count = 0;
  private tokenCount = new Int32Array(1024);
  private weights = new Float64Array(1024);
  private words = new Int32Array(1024);
  private joinedLength = new Int32Array(1024);
  private reversedLength = new Int32Array(1024);
  /** Where a name's tokens start in `vocab` and `top` (a name's tokens end where the next name's start). */
  private start = new Int32Array(1025);
  /** Per token of each name, in order: its vocabulary id. */
  private vocab = new Int32Array(4096);
  /** Per token of each name: PreparedName.topWeights, the weight of its k heaviest tokens. */
  private top = new Float64Array(4096);

  /** Adds a name's sizes under the next id, with the vocabulary id of each of its tokens. */
  add(name: PreparedName, vocabIds: readonly number[]): number {
    const id = this.count++;
    if (this.count >= this.tokenCount.length) this.growNames();
    const from = this.start[id]!;
    const to = from + vocabIds.length;
    while (to > this.vocab.length) {
      this.vocab = grown(this.vocab);
      this.top = grown(this.top);
    }
    this.vocab.set(vocabIds, from);
    this.top.set(name.topWeights, from);
    this.start[id + 1] = to;
    this.tokenCount[id] = name.tokens.length;
    this.weights[id] = name.weight;
    this.words[id] = name.words;
    this.joinedLength[id] = name.joined.length;
    this.reversedLength[id] = name.reversed.length;
    return id;
  }

  weight(id: number): number {
    return this.weights[id]!;
  }

  wordCount(id: number): number {
    return this.words[id]!;
  }

  tokens(id: number): number {
    return this.tokenCount[id]!;
  }

  /** The vocabulary id of the name's token at `position`. */
  vocabAt(id: number, position: number): number {
    return this.vocab[this.start[id]! + position]!;
  }

  /** scoreBound(query, the name), from the columns. */
  bound(query: PreparedName, id: number): number {
    const pairs = Math.min(query.tokens.length, this.tokenCount[id]!);
    const listedTop = pairs === 0 ? 0 : this.top[this.start[id]! + pairs - 1]!;
    return sizeBound(query, pairs, listedTop, this.weights[id]!, this.words[id]!, this.joinedLength[id]!, this.reversedLength[id]!);
  }

  private growNames(): void {
    this.tokenCount = grown(this.tokenCount);
    this.weights = grown(this.weights);
    this.words = grown(this.words);
    this.joinedLength = grown(this.joinedLength);
    this.reversedLength = grown(this.reversedLength);
    this.start = grown(this.start);
  }
}

/** A typed array twice as long, its contents kept. */
export function grown<T extends Int32Array | Float64Array>(from: T): T {
  const to = new (from.constructor as new (length: number) => T)(from.length * 2);
  to.set(from);
  return to;
}
