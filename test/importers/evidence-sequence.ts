/**
 * DESIGN.md section 11's guarantee, checked against the naive fold (test/support/naive-fold.ts): import a
 * sequence of snapshots of one list into a fresh ledger, then asOf each file's publication date the designations
 * in force are exactly that file's (entry, regime) pairs, both as known right after that import and as known now
 * (where two files share a date, "now" is the later one's).
 */
import { decodeRecorded } from '../../src/commands/command-handler';
import { importSnapshot } from '../../src/importers/import';
import { subjectIdOf } from '../../src/importers/import/subject-ids';
import type { ListSnapshot } from '../../src/importers/listing';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { naiveInForce, type RawEvent } from '../support/naive-fold';

export interface Mismatch {
  readonly file: number;
  readonly publishedOn: string;
  readonly knownAt: 'right after' | 'now';
  readonly missing: string[];
  readonly extra: string[];
}

const pairsOf = (snapshot: ListSnapshot) => new Set(snapshot.entries.flatMap((e) => e.regimes.map((r) => `${subjectIdOf(snapshot.list, e.authorityReference)} ${r}`)));

export async function checkSequence(snapshots: readonly ListSnapshot[]): Promise<{ mismatches: Mismatch[]; events: number; reimportEvents: number }> {
  let now = new Date('2030-01-01T00:00:00.000Z');
  const store = SqliteEventStore.open(':memory:', { clock: () => now });
  const projector = Projector.open(store, ':memory:');
  const ctx = { ledger: Ledger.over(store), projector };
  try {
    const knownAt: string[] = [];
    for (const [i, snapshot] of snapshots.entries()) {
      now = new Date(Date.parse('2030-01-01T00:00:00.000Z') + (i + 1) * 60_000);
      await importSnapshot(ctx, snapshot, { now: () => new Date('2030-01-01T00:00:00.000Z') });
      knownAt.push(now.toISOString());
    }
    const raw: RawEvent[] = (await store.readAll({ maxCount: 1_000_000 })).map((r) => ({ recordedAt: r.envelope.recordedAt, event: decodeRecorded(r) }));
    const mismatches: Mismatch[] = [];
    for (const [i, snapshot] of snapshots.entries()) {
      // Of two files of the same date the later one is the list on that date (README "Order").
      const lastOfDate = snapshots.findLast((s) => s.publishedOn === snapshot.publishedOn)!;
      for (const [when, at, expected] of [['right after', knownAt[i]!, pairsOf(snapshot)], ['now', knownAt.at(-1)!, pairsOf(lastOfDate)]] as const) {
        const actual = new Set(naiveInForce(raw, snapshot.publishedOn, at).map((d) => `${d.subjectId} ${d.regime}`));
        const missing = [...expected].filter((p) => !actual.has(p));
        const extra = [...actual].filter((p) => !expected.has(p));
        if (missing.length > 0 || extra.length > 0) mismatches.push({ file: i, publishedOn: snapshot.publishedOn, knownAt: when, missing, extra });
      }
    }
    // The evidence note must not read as a changed remark: the last file again appends nothing.
    const again = await importSnapshot(ctx, snapshots.at(-1)!, { now: () => new Date('2030-01-01T00:00:00.000Z') });
    return { mismatches, events: raw.length, reimportEvents: again.appendedEvents };
  } finally {
    await projector.close();
    await store.close();
  }
}
