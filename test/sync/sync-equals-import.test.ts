/**
 * A sync run records exactly what importing the same files by hand records (event types, data, streams and
 * command ids; only the retrieval fields of the source differ), for the UN files in publication order and for an
 * OFAC CSV set followed by a newer one, whose publication date comes from the response's Last-Modified.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/importers/import';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { checkSource, decodeSources, SyncStateStore } from '../../src/sync';
import { cleanupTmp, data, OFAC_2019, OFAC_2025, tmpFile } from '../importers/fixtures';
import { LocalPublisher } from './publisher';

function ledger() {
  const store = SqliteEventStore.open(':memory:');
  const projector = Projector.open(store, ':memory:');
  return {
    store,
    ctx: { ledger: Ledger.over(store), projector },
    /** The log without what legitimately differs: the recorded instant, hashes, event ids and the retrieval fields. */
    log: async () =>
      (await store.readAll({ maxCount: 100_000 })).map((e) => {
        const { url: _u, retrievedAt: _r, documentRef: _d, fileName: _f, ...source } = e.envelope.source as Record<string, unknown>;
        return { streamId: e.streamId, revision: e.revision, type: e.type, data: e.data, commandId: e.envelope.commandId, correlationId: e.envelope.correlationId, actor: e.envelope.actor, source };
      }),
    close: async () => {
      await projector.close();
      await store.close();
    },
  };
}

describe('the log of a sync run equals the log of importing the same files by hand', () => {
  const publisher = new LocalPublisher();
  afterAll(async () => {
    await publisher.close();
    cleanupTmp();
  });

  it('UN 2017-06-20, 2017-06-30, 2017-07-03', async () => {
    await publisher.start();
    const synced = ledger();
    const manual = ledger();
    const state = SyncStateStore.open(':memory:');
    const [source] = decodeSources({ sources: [{ name: 'un', format: 'un-xml', list: 'UN', urls: [`${publisher.url}/consolidated.xml`], interval: '1s', staleAfter: '1h' }] });
    for (const date of ['2017-06-20', '2017-06-30', '2017-07-03']) {
      const file = data(`un/un_consolidated_${date}.xml`);
      publisher.publish('/consolidated.xml', file, new Date(`${date}T18:00:00Z`));
      const result = await checkSource(source!, { ctx: synced.ctx, state });
      expect(result.outcome).toBe('imported');
      // By hand, the same bytes under the name the download has: the importer's reasons cite the file name.
      await importFiles(manual.ctx, 'un-xml', [tmpFile(`${date}/consolidated.xml`, readFileSync(file))]);
    }
    const log = await synced.log();
    expect(log).toHaveLength(1024 + 1 + 3 + 3) // + each file's ListFileImported;
    expect(log).toEqual(await manual.log());
    expect(state.get('un')).toMatchObject({ publishedOn: '2017-07-03', eventsAppended: 1031 });
    state.close();
    await synced.close();
    await manual.close();
  }, 120_000);

  it('an OFAC SDN CSV set of 2019, then a newer one of 2025, dated by Last-Modified', async () => {
    const synced = ledger();
    const manual = ledger();
    const state = SyncStateStore.open(':memory:');
    const names = ['sdn.csv', 'add.csv', 'alt.csv', 'sdn_comments.csv'];
    const [source] = decodeSources({
      sources: [{ name: 'ofac-sdn-csv', format: 'ofac-csv', list: 'OFAC-SDN', urls: names.map((n) => `${publisher.url}/ofac/${n.toUpperCase()}`), interval: '1s', staleAfter: '1h' }],
    });
    for (const [files, day] of [[OFAC_2019, '2019-01-04'], [OFAC_2025, '2025-05-09']] as const) {
      files.forEach((f, i) => publisher.publish(`/ofac/${names[i]!.toUpperCase()}`, f, new Date(`${day}T21:30:00Z`)));
      const result = await checkSource(source!, { ctx: synced.ctx, state });
      expect(result).toMatchObject({ outcome: 'imported', report: { publishedOn: day } });
      await importFiles(manual.ctx, 'ofac-csv', [...files], { publishedOn: day });
    }
    const log = await synced.log();
    expect(log.length).toBeGreaterThan(100);
    expect(log).toEqual(await manual.log());
    // The same set again: every file answers 304, nothing is fetched in full or imported.
    expect(await checkSource(source!, { ctx: synced.ctx, state })).toMatchObject({ outcome: 'not-modified' });
    state.close();
    await synced.close();
    await manual.close();
  }, 180_000);
});
