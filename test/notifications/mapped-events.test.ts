/**
 * Issue 10 item 9: feeds that share one CloudEvent mapping (the SSE route's) give exactly what a feed of its own
 * gives, whatever positions they start from and however small the cache (a fast-check property against the
 * unshared feed); resolution events keep their regimes when a feed starts mid-log.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import { changeFeed, type FeedItem } from '../../src/notifications/feed';
import { MappedEvents } from '../../src/notifications/mapped-events';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import type { Position } from '../../src/store/event-store';
import { appendGenerated } from './generated-events';

let ledger: Ledger;

async function collect(iterable: AsyncIterable<FeedItem>): Promise<Array<{ position: string; json: string }>> {
  const items: Array<{ position: string; json: string }> = [];
  for await (const { position, json } of iterable) items.push({ position, json });
  return items;
}

beforeAll(async () => {
  ledger = Ledger.over(SqliteEventStore.open(':memory:'));
  await ledger.seedWorkedExample(); // resolutions (regimes looked up from their stream) and designations
  await appendGenerated(ledger, { count: 60, subjects: 6, prefix: 'mapped' });
});

afterAll(async () => {
  await ledger.close();
});

describe('MappedEvents shared by feeds', () => {
  it('gives every feed the same CloudEvents and JSON as an unshared feed, from any start, with any cache size', async () => {
    const log = await ledger.store.readAll({ maxCount: 10_000 });
    const positions: Array<Position | undefined> = [undefined, ...log.map((e) => e.position)];
    const expected = new Map<string, string>();
    for (const item of await collect(changeFeed(ledger.store, { follow: false }))) expected.set(item.position, item.json);
    // The unshared JSON is the CloudEvent's own
    for (const { json } of await collect(changeFeed(ledger.store, { follow: false, pageSize: 7 }))) expect(JSON.parse(json)).toHaveProperty('specversion', '1.0');

    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(positions.length - 1), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 }), async (starts, capacity) => {
        const mapped = new MappedEvents(ledger.store, undefined, capacity);
        // Feeds run concurrently, so they interleave in the shared cache
        const feeds = await Promise.all(starts.map((s) => collect(changeFeed(ledger.store, { follow: false, after: positions[s], pageSize: 9, mapped }))));
        feeds.forEach((items, i) => {
          const from = starts[i]!;
          expect(items.map((item) => item.position)).toEqual(log.slice(from).map((e) => e.position));
          for (const item of items) expect(item.json).toBe(expected.get(item.position));
        });
        expect(mapped.size).toBeLessThanOrEqual(capacity);
      }),
      { numRuns: 40 },
    );
  });
});
