/** The change feed: filters, resuming from a position without repeat or gap, follow mode, and the CLI. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { changeFeed, parseFeedFilter, FeedRequestError, checkPosition, type FeedItem } from '../../src/notifications/feed';
import type { Position } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { appendGenerated } from './generated-events';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'feed-test-'));
const dbPath = join(dir, 'ledger.db');
let ledger: Ledger;

async function collect(iterable: AsyncIterable<FeedItem>): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

beforeAll(async () => {
  ledger = Ledger.over(SqliteEventStore.open(dbPath));
  await ledger.seedWorkedExample(); // 9 events: 5 resolutions (UN, EU, US), 4 designations (EU:RUS, US:RUSSIA-EO14024)
  await appendGenerated(ledger, { count: 120, subjects: 12, prefix: 'feed' }); // 12 designations + 108 amendments
});

afterAll(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('changeFeed', () => {
  it('lists the whole log in order, one CloudEvent per event, ending at the current end without follow', async () => {
    const items = await collect(changeFeed(ledger.store, { follow: false, pageSize: 50 }));
    const log = await ledger.store.readAll({ maxCount: 10_000 });
    expect(items.map((i) => i.position)).toEqual(log.map((e) => e.position));
    expect(items.map((i) => i.cloudEvent.id)).toEqual(log.map((e) => e.envelope.eventId));
    expect(items.every((i) => i.cloudEvent.globalposition === i.position)).toBe(true);
  });

  it('filters by authority, regime and event type, each accepting several values', async () => {
    const all = await collect(changeFeed(ledger.store, { follow: false }));
    const feed = (filter: Parameters<typeof parseFeedFilter>[0]) =>
      collect(changeFeed(ledger.store, { follow: false, filter: parseFeedFilter(filter) }));

    const eu = await feed({ authority: 'EU' });
    expect(eu.length).toBeGreaterThan(0);
    expect(eu.every((i) => i.cloudEvent.authority === 'EU')).toBe(true);
    expect(eu).toHaveLength(all.filter((i) => i.cloudEvent.authority === 'EU').length);

    const euOrUs = await feed({ authority: ['eu', 'US'] });
    expect(euOrUs).toHaveLength(all.filter((i) => ['EU', 'US'].includes(i.cloudEvent.authority)).length);

    const dprk = await feed({ regime: 'UN:DPRK' });
    // The three UNSC resolutions (regimes ["UN:DPRK"]) and the generated UN:DPRK subjects.
    expect(dprk.filter((i) => i.cloudEvent.type.includes('ResolutionAdopted')).map((i) => i.cloudEvent.subject)).toEqual([
      'UNSC-1718',
      'UNSC-2375',
      'UNSC-2397',
    ]);
    expect(dprk.every((i) => i.cloudEvent.regime!.split(',').includes('UN:DPRK'))).toBe(true);

    const designations = await feed({ type: 'SubjectDesignated,SubjectDelisted', regime: ['EU:RUS', 'US:RUSSIA-EO14024'] });
    expect(designations.map((i) => `${i.cloudEvent.subject} ${i.cloudEvent.regime}`)).toEqual([
      'ro-kwang-chol EU:RUS',
      'kim-yong-bok EU:RUS',
      'ro-kwang-chol US:RUSSIA-EO14024',
      'kim-yong-bok US:RUSSIA-EO14024',
      ...Array.from({ length: 12 }, (_, s) => s).filter((s) => s % 4 === 0).map((s) => `feed-${s} EU:RUS`),
    ]);

    const combined = await feed({ authority: 'UK', type: 'DesignationAmended' });
    expect(combined).toHaveLength(all.filter((i) => i.cloudEvent.authority === 'UK' && i.cloudEvent.type.includes('DesignationAmended')).length);
    expect(combined.length).toBeGreaterThan(0);
  });

  it('refuses unknown filter values with a clear message', () => {
    expect(() => parseFeedFilter({ authority: 'FR' })).toThrow(new FeedRequestError('authority', 'unknown authority "FR": expected one of UN, EU, US, UK'));
    expect(() => parseFeedFilter({ type: 'SubjectListed' })).toThrow(/unknown event type "SubjectListed": expected one of ResolutionAdopted/);
    expect(() => parseFeedFilter({ regime: 'RUS' })).toThrow(/invalid regime "RUS"/);
    expect(parseFeedFilter({ type: 'org.sanctions-ledger.SubjectDelisted.v1' })).toEqual({ type: ['SubjectDelisted'] });
  });

  it('resumes after any position with no repeat and no gap', async () => {
    const all = await collect(changeFeed(ledger.store, { follow: false }));
    for (const cut of [0, 1, 8, 9, 57, all.length - 1]) {
      const rest = await collect(changeFeed(ledger.store, { follow: false, after: all[cut]!.position, pageSize: 7 }));
      expect([...all.slice(0, cut + 1), ...rest].map((i) => i.cloudEvent.id)).toEqual(all.map((i) => i.cloudEvent.id));
    }
    await expect(checkPosition(ledger.store, 'not-a-position')).rejects.toThrow(FeedRequestError);
  });

  it('in follow mode sees new appends, filtered, until aborted', async () => {
    const [last] = (await collect(changeFeed(ledger.store, { follow: false }))).slice(-1);
    const stop = new AbortController();
    const seen: FeedItem[] = [];
    const following = (async () => {
      const filter = parseFeedFilter({ regime: 'UK:RUS' });
      for await (const item of changeFeed(ledger.store, { follow: true, after: last!.position, filter, signal: stop.signal })) {
        seen.push(item);
        if (seen.length === 10) stop.abort();
      }
    })();
    // 40 more commands over the same 12 subjects: 12 of them (subjects 3, 7, 11) are UK:RUS amendments.
    await appendGenerated(ledger, { from: 120, count: 40, subjects: 12, prefix: 'feed' });
    await following;
    expect(seen).toHaveLength(10);
    expect(seen.every((i) => i.cloudEvent.regime === 'UK:RUS' && i.position > last!.position)).toBe(true);
    const positions = seen.map((i) => i.position);
    expect([...positions].sort()).toEqual(positions);
  });
});

describe('sanctions-ledger feed (CLI)', () => {
  const cli = (...args: string[]) => run('node', ['bin/sanctions-ledger.mjs', '--db', dbPath, 'feed', ...args], { cwd: process.cwd() });

  it('prints one CloudEvents JSON per line, filtered and resumable', async () => {
    const { stdout } = await cli('--type', 'SubjectDesignated', '--authority', 'EU');
    const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; authority: string; globalposition: Position });
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((l) => l.type === 'org.sanctions-ledger.SubjectDesignated.v1' && l.authority === 'EU')).toBe(true);
    const resumed = await cli('--type', 'SubjectDesignated', '--authority', 'EU', '--after', lines[1]!.globalposition);
    expect(resumed.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(lines.slice(2));
  }, 60_000);

  it('exits 2 on an unknown filter value', async () => {
    await expect(cli('--authority', 'XX')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown authority "XX"') });
  }, 60_000);

  it('exits 2 on --after past the head of the log, saying where the head is', async () => {
    // Given the head of the log on disk
    const store = SqliteEventStore.open(dbPath);
    const head = (await store.headPosition())!;
    await store.close();
    const pastHead = String(Number(head) + 5).padStart(head.length, '0');
    // When the feed is asked to start past it, then it refuses, naming the option and the head
    await expect(cli('--after', pastHead)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`--after "${pastHead}" is past the head of the log: the head of the log is ${head}`),
    });
  }, 60_000);
});
