/**
 * The follower's candidates bounded the way screening bounds its own (src/screening/candidate-index.ts), so an
 * entry that shares one paired token with a listed name but could never reach the threshold against it is not
 * screened at all. Pure.
 *
 * Screening scores a listed name for a query only if the weight of the tokens paired under a shared lookup key
 * (query side: each position holding a paired token; listed side: each position holding one), plus for each query
 * initial 1 and the heaviest listed token of its letter, reaches `threshold - (BIRTH_AGREES + COUNTRY_AGREES)`
 * over both names' weight; names found through the joined key or an identifier are scored regardless. This
 * module computes that same bound from the same pairing (candidate-keys.ts tokenPartners), over EVERY listed
 * name an entry token pairs with (screening leaves out some of its commonest tokens when looking names up, never
 * when bounding), so it is never below screening's: no entry screening could match is dropped. Entries or names
 * of more than 30 tokens, where screening's own bound gives up, are always kept.
 * test/watchlists/candidate-keys.property.test.ts checks it against screening on generated names.
 */
import { DEFAULT_THRESHOLD, nameTokens } from '../screening';
// Screening's own figures, not copies: the bound must move with them. MASK_BITS: past it screening's bound is 1.
import { MASK_BITS } from '../screening/candidate-index';
import { FEATURE_HEADROOM } from '../screening/screening-index';
import { weight } from '../screening/score';

/** Watchlist entries carry no threshold of their own (entry-codec.ts): they are screened at the default. */
const FLOOR = DEFAULT_THRESHOLD - FEATURE_HEADROOM;

interface ListedName {
  readonly tokens: readonly string[];
  readonly weight: number;
}

type Segment = { readonly names: ReadonlyArray<{ readonly name: string }> };

export class CandidateBound {
  private readonly names: ListedName[] = [];
  /** Listed token -> (name index, position) of every listed name holding it. */
  private readonly holders = new Map<string, Array<readonly [number, number]>>();
  private readonly anyLong: boolean;

  constructor(
    segments: readonly Segment[],
    /** Entry token -> the listed tokens screening pairs it with under a shared key. */
    private readonly partners: ReadonlyMap<string, ReadonlySet<string>>,
  ) {
    const seen = new Set<string>();
    for (const segment of segments) {
      for (const { name } of segment.names) {
        if (seen.has(name)) continue;
        seen.add(name);
        const tokens = nameTokens(name);
        if (tokens.length === 0) continue;
        const id = this.names.push({ tokens, weight: tokens.reduce((s, t) => s + weight(t), 0) }) - 1;
        tokens.forEach((token, position) => {
          const list = this.holders.get(token);
          if (list === undefined) this.holders.set(token, [[id, position]]);
          else list.push([id, position]);
        });
      }
    }
    this.anyLong = this.names.some((n) => n.tokens.length > MASK_BITS);
  }

  /** Whether screening could score an entry's name at the threshold against one of the listed names. */
  reachable(entryName: string): boolean {
    const tokens = nameTokens(entryName);
    if (tokens.length > MASK_BITS || this.anyLong) return true;
    // Per listed name touched: the entry positions paired, and the listed positions paired (as bit masks).
    const touched = new Map<number, { query: number; listed: number }>();
    tokens.forEach((token, qi) => {
      for (const listed of this.partners.get(token) ?? []) {
        for (const [id, position] of this.holders.get(listed) ?? []) {
          const marks = touched.get(id) ?? { query: 0, listed: 0 };
          marks.query |= 1 << qi;
          marks.listed |= 1 << position;
          touched.set(id, marks);
        }
      }
    });
    if (touched.size === 0) return false;
    const entryWeight = tokens.reduce((s, t) => s + weight(t), 0);
    const initials = tokens.filter((t) => t.length === 1);
    for (const [id, marks] of touched) {
      const listed = this.names[id]!;
      let hit = 0;
      tokens.forEach((t, qi) => {
        if ((marks.query & (1 << qi)) !== 0) hit += weight(t);
      });
      listed.tokens.forEach((t, position) => {
        if ((marks.listed & (1 << position)) !== 0) hit += weight(t);
      });
      for (const initial of initials) {
        let heaviest = 0;
        for (const t of listed.tokens) if (t.startsWith(initial)) heaviest = Math.max(heaviest, weight(t));
        hit += 1 + heaviest;
      }
      if (Math.min(1, hit / (entryWeight + listed.weight)) >= FLOOR) return true;
    }
    return false;
  }
}
