/**
 * The name tokens of every watchlist entry, in memory, for the follower's candidate bound (candidate-bound.ts).
 *
 * Why: a batch of the log pairs its listed tokens with most of a generated watchlist's vocabulary, so nearly
 * every entry holds a paired token and must be bounded. Read from SQLite and tokenised again for each batch, that
 * was one pass over all entries per batch (profiled: 30 of 40 s of the follower on 100,000 entries). Here each
 * entry's tokens are kept as vocabulary ids in flat arrays, with postings (token -> entries holding it), so a
 * batch walks the postings of its paired tokens only and bounds each entry from memory.
 *
 * Each entry's joined reading (its words run together: joined key, word count and length) is kept too, with
 * postings by joined key, so that a batch's joined keys find their entries here and only those whose word count
 * and length leave the joined reading a chance are read from the file (joined-bound.ts). Read from SQLite, the
 * joined keys of one batch of a large import brought back 39,000 entries for the 44 kept (at 300,000 entries).
 *
 * Entries are kept in slots. A changed or removed entry's slot is marked dead (postings are not searched to drop
 * it) and the arrays are rebuilt once the dead outnumber the living. Pure bookkeeping: the store decides when the
 * index is current (watchlist-store.ts keeps it in step with the file's entry generation).
 */
import { runAtOnce, type Steps } from '../scheduling/steps';

/** A growable Int32Array: 4 bytes an element, where a JS number array takes 8 and an object per entry far more. */
class IntVector {
  private data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  at(i: number): number {
    return this.data[i]!;
  }
}

/** An entry's name as screening reads it run together (candidate-keys.ts joinedReading). */
export interface JoinedReading {
  readonly key: string;
  /** Its raw words (particles and honorifics included), which screening's joined reading compares. */
  readonly words: number;
  /** The length of the words run together. */
  readonly length: number;
}

/** The slots' joined readings, in flat arrays, with the slots filed under each joined key. */
class JoinedColumns {
  private readonly keys: string[] = [];
  private readonly keyNumber = new Map<string, number>();
  private readonly slotsUnder = new Map<string, IntVector>();
  /** Per slot: its key's number in `keys` (-1: no joined reading), its word count, its joined length. */
  private readonly key = new IntVector();
  private readonly words = new IntVector();
  private readonly length = new IntVector();

  /** Files the next slot (slots are pushed in order, one call each). */
  push(slot: number, reading: JoinedReading | undefined): void {
    if (reading === undefined) {
      this.key.push(-1);
      this.words.push(0);
      this.length.push(0);
      return;
    }
    let number = this.keyNumber.get(reading.key);
    if (number === undefined) {
      number = this.keys.push(reading.key) - 1;
      this.keyNumber.set(reading.key, number);
      this.slotsUnder.set(reading.key, new IntVector());
    }
    this.slotsUnder.get(reading.key)!.push(slot);
    this.key.push(number);
    this.words.push(reading.words);
    this.length.push(reading.length);
  }

  at(slot: number): JoinedReading | undefined {
    const number = this.key.at(slot);
    return number < 0 ? undefined : { key: this.keys[number]!, words: this.words.at(slot), length: this.length.at(slot) };
  }

  forEachUnder(keys: Iterable<string>, isLive: (slot: number) => boolean, visit: (slot: number, key: string, words: number, length: number) => void): void {
    for (const key of keys) {
      const slots = this.slotsUnder.get(key);
      if (slots === undefined) continue;
      for (let i = 0; i < slots.length; i += 1) {
        const slot = slots.at(i);
        if (isLive(slot)) visit(slot, key, this.words.at(slot), this.length.at(slot));
      }
    }
  }
}

export interface EntryLocation {
  readonly watchlistId: string;
  readonly entryId: string;
}

export class EntryTokenIndex {
  private vocabulary = new Map<string, number>();
  private words: string[] = [];
  /** Token id -> the slots holding it (dead slots included until the next rebuild). */
  private postings: IntVector[] = [];
  private watchlistIds: string[] = [];
  private watchlistNumber = new Map<string, number>();
  /** Per watchlist: entry id -> its live slot. */
  private slotsOf = new Map<string, Map<string, number>>();
  private slotEntry: Array<string | undefined> = [];
  private slotWatchlist = new IntVector();
  private slotStart = new IntVector();
  private slotLength = new IntVector();
  private pool = new IntVector();
  private joined = new JoinedColumns();
  private live = 0;
  /** Per slot, the last walk that visited it (so an entry holding two paired tokens is bounded once). */
  private visited = new Uint32Array(0);
  private walk = 0;
  /** Moved by every rebuild of the arrays (compact), which moves the slots. */
  private epoch = 0;

  constructor(
    /** Dead slots tolerated before a rebuild is considered (then it happens once they outnumber the living). */
    private readonly options: { readonly compactAfter?: number } = {},
  ) {}

  get size(): number {
    return this.live;
  }

  /**
   * Adds an entry with its name tokens (screening's nameTokens, in order) and its joined reading (none: it can be
   * found by its tokens only), replacing what it held before.
   */
  put(watchlistId: string, entryId: string, tokens: readonly string[], joined?: JoinedReading): void {
    this.remove(watchlistId, entryId);
    let number = this.watchlistNumber.get(watchlistId);
    if (number === undefined) {
      number = this.watchlistIds.push(watchlistId) - 1;
      this.watchlistNumber.set(watchlistId, number);
    }
    const slot = this.slotEntry.push(entryId) - 1;
    this.slotWatchlist.push(number);
    this.slotStart.push(this.pool.length);
    this.slotLength.push(tokens.length);
    this.joined.push(slot, joined);
    for (const token of tokens) {
      const id = this.tokenId(token);
      this.pool.push(id);
      const holders = this.postings[id]!;
      // A token twice in one name is one posting.
      if (holders.length === 0 || holders.at(holders.length - 1) !== slot) holders.push(slot);
    }
    const slots = this.slotsOf.get(watchlistId) ?? new Map<string, number>();
    slots.set(entryId, slot);
    this.slotsOf.set(watchlistId, slots);
    this.live += 1;
  }

  remove(watchlistId: string, entryId: string): void {
    const slots = this.slotsOf.get(watchlistId);
    const slot = slots?.get(entryId);
    if (slot === undefined) return;
    slots!.delete(entryId);
    this.kill(slot);
    this.compactIfMostlyDead();
  }

  removeWatchlist(watchlistId: string): void {
    const slots = this.slotsOf.get(watchlistId);
    if (slots === undefined) return;
    // Forgotten before the rebuild, which would otherwise put its entries back.
    this.slotsOf.delete(watchlistId);
    for (const slot of slots.values()) this.kill(slot);
    this.compactIfMostlyDead();
  }

  /**
   * Calls `visit` once for every live entry holding one of these tokens, with its tokens in `scratch` (filled up
   * to the returned count; reused between calls, so copy what must outlive the call).
   */
  forEachHolder(tokens: Iterable<string>, scratch: string[], visit: (slot: number, length: number) => void): void {
    runAtOnce(this.holderSteps([...tokens], scratch, visit, Infinity));
  }

  /**
   * forEachHolder, pausing after every `every` entries visited (at 1,000,000 entries one batch's walk can take a
   * second). Use a slot inside `visit` (location(slot)): slots move when the arrays are rebuilt. Writes during a
   * pause are seen or not (a removed entry is skipped once removed); a rebuild during a pause restarts the walk,
   * without pausing. An entry may then be visited twice, as it may when another walk ran during a pause (the
   * stamps in `visited` are then the other walk's), or when it was put during a pause.
   */
  *holderSteps(tokens: readonly string[], scratch: string[], visit: (slot: number, length: number) => void, every = 4_096): Steps<void> {
    const epoch = this.epoch;
    const walk = this.startWalk();
    let budget = every;
    for (const token of tokens) {
      const id = this.vocabulary.get(token);
      if (id === undefined) continue;
      const holders = this.postings[id]!;
      for (let i = 0; i < holders.length; i += 1) {
        const slot = holders.at(i);
        if (this.visited[slot] === walk || this.slotEntry[slot] === undefined) continue;
        // A slot put during a pause may lie beyond `visited`: it is then not marked, and visited again if it holds another of the tokens.
        this.visited[slot] = walk;
        const start = this.slotStart.at(slot);
        const length = this.slotLength.at(slot);
        for (let k = 0; k < length; k += 1) scratch[k] = this.words[this.pool.at(start + k)]!;
        visit(slot, length);
        if ((budget -= 1) > 0) continue;
        yield;
        budget = every;
        if (this.epoch !== epoch) {
          this.forEachHolder(tokens, scratch, visit);
          return;
        }
      }
    }
  }

  /** A new stamp for `visited`, grown to the slots there are. */
  private startWalk(): number {
    if (this.visited.length < this.slotEntry.length) {
      const grown = new Uint32Array(Math.max(1024, this.slotEntry.length * 2));
      grown.set(this.visited);
      this.visited = grown;
    }
    return (this.walk += 1);
  }

  /**
   * Calls `visit` once for every live entry whose joined reading is filed under one of these keys (give each key
   * once), with that key, the reading's word count and its length.
   */
  forEachJoined(keys: Iterable<string>, visit: (slot: number, key: string, words: number, length: number) => void): void {
    this.joined.forEachUnder(keys, (slot) => this.slotEntry[slot] !== undefined, visit);
  }

  location(slot: number): EntryLocation {
    return { watchlistId: this.watchlistIds[this.slotWatchlist.at(slot)]!, entryId: this.slotEntry[slot]! };
  }

  private tokenId(token: string): number {
    let id = this.vocabulary.get(token);
    if (id === undefined) {
      id = this.words.push(token) - 1;
      this.vocabulary.set(token, id);
      this.postings.push(new IntVector());
    }
    return id;
  }

  private kill(slot: number): void {
    this.slotEntry[slot] = undefined;
    this.live -= 1;
  }

  private compactIfMostlyDead(): void {
    const dead = this.slotEntry.length - this.live;
    if (dead > (this.options.compactAfter ?? 10_000) && dead > this.live) this.compact();
  }

  /**
   * Rebuilds the arrays from the live slots only: dead slots, their postings and the tokens no live entry holds are
   * dropped (a removed name should not linger in the process longer than it must).
   */
  private compact(): void {
    const old = { entry: this.slotEntry, watchlist: this.slotWatchlist, start: this.slotStart, length: this.slotLength, pool: this.pool, words: this.words, watchlistIds: this.watchlistIds, joined: this.joined };
    this.vocabulary = new Map();
    this.words = [];
    this.watchlistIds = [];
    this.watchlistNumber = new Map();
    this.slotsOf = new Map();
    this.slotEntry = [];
    this.slotWatchlist = new IntVector();
    this.slotStart = new IntVector();
    this.slotLength = new IntVector();
    this.pool = new IntVector();
    this.postings = [];
    this.joined = new JoinedColumns();
    this.visited = new Uint32Array(0);
    this.epoch += 1;
    this.live = 0;
    const tokens: string[] = [];
    for (let slot = 0; slot < old.entry.length; slot += 1) {
      const entryId = old.entry[slot];
      if (entryId === undefined) continue;
      tokens.length = 0;
      const start = old.start.at(slot);
      for (let k = 0; k < old.length.at(slot); k += 1) tokens.push(old.words[old.pool.at(start + k)]!);
      this.put(old.watchlistIds[old.watchlist.at(slot)]!, entryId, tokens, old.joined.at(slot));
    }
  }
}
