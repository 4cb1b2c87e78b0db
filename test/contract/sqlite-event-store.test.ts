import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EnvelopeInput } from '../../events';
import { verifyLedger } from '../../src/audit/verify';
import { rawEvents } from '../support/events';
import type { Position } from '../../src/store/event-store';
import { eventStoreContract } from './event-store-contract';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

eventStoreContract('SQLite (:memory:)', async () => SqliteEventStore.open(':memory:'));
// A file store hands large appends to its append thread: with a minimum of one event every append goes there.
eventStoreContract('SQLite (file, every append on the append thread)', async () =>
  SqliteEventStore.open(join(mkdtempSync(join(tmpdir(), 'store-thread-')), 'ledger.db'), { appendThreadMinEvents: 1 }),
);
eventStoreContract('SQLite (file)', async () => SqliteEventStore.open(join(mkdtempSync(join(tmpdir(), 'store-file-')), 'ledger.db')));

describe('SQLite store id', () => {
  it('given a store file, when it is closed and opened again, then its id is the same', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-id-')), 'ledger.db');
    const first = SqliteEventStore.open(file);
    const id = await first.storeId();
    await first.close();
    const again = SqliteEventStore.open(file);
    expect(await again.storeId()).toBe(id);
    await again.close();
  });
});

/**
 * Rows as the SQLite store wrote them before its append path was optimised: every ledger written since must still
 * read and verify, and new rows must be the same bytes.
 */
const RECORDED_AT = '2024-12-17T09:30:00.123Z';
const FIRST_HASH = '165b9a683fc8f5cd0da351d19a2ced59680404014cfe028670f8c2f477eae146';
const SECOND_HASH = 'ec80fbc7813caa3bdc42a4d738a4db9fdc63e4a8329341cd206f279f5d41986c';
const envelopeJson = (n: number, prevHash: string, hash: string) =>
  `{"actor":{"id":"analyst@example.org","kind":"person"},"causationId":"cause-${n}","commandId":"cmd-${n}","correlationId":"corr-${n}","eventId":"00000000-0000-4000-8000-00000000000${n}","prevHash":"${prevHash}","recordedAt":"${RECORDED_AT}","schemaVersion":1,"source":{"documentRef":"OJ L 2024/3192","publisher":"EU"},"hash":"${hash}"}`;
const WRITTEN_ROWS = [
  {
    position: 1,
    stream_id: 'subject-ro-kwang-chol',
    revision: 0,
    event_id: '00000000-0000-4000-8000-000000000001',
    type: 'SubjectDesignated',
    data: '{"effectiveFrom":"2024-12-16","identity":{"names":[{"name":"Ro Kwang Chol","quality":"primary","script":"Latn"},{"name":"노광철","quality":"alias","script":"Kore"}]},"measures":["asset-freeze","travel-ban"],"regime":"EU:RUS","subjectId":"ro-kwang-chol"}',
    envelope: envelopeJson(1, '0'.repeat(64), FIRST_HASH),
    recorded_at: RECORDED_AT,
  },
  {
    position: 2,
    stream_id: 'subject-ro-kwang-chol',
    revision: 1,
    event_id: '00000000-0000-4000-8000-000000000002',
    type: 'DesignationAmended',
    data: '{"changes":{"reasons":"troop deployment \\"to Russia\\"\\n"},"effectiveFrom":"2025-01-01","regime":"EU:RUS","subjectId":"ro-kwang-chol"}',
    envelope: envelopeJson(2, FIRST_HASH, SECOND_HASH),
    recorded_at: RECORDED_AT,
  },
];

const envelope = (n: number) =>
  ({
    eventId: `00000000-0000-4000-8000-00000000000${n}`,
    schemaVersion: 1,
    actor: { id: 'analyst@example.org', kind: 'person' },
    source: { publisher: 'EU', documentRef: 'OJ L 2024/3192' },
    commandId: `cmd-${n}`,
    correlationId: `corr-${n}`,
    causationId: `cause-${n}`,
  }) as EnvelopeInput;

describe('SQLite event store rows', () => {
  it('are written byte for byte as earlier versions wrote them', async () => {
    const store = SqliteEventStore.open(':memory:', { clock: () => new Date(RECORDED_AT) });
    await store.appendToStream('subject-ro-kwang-chol', [
      {
        type: 'SubjectDesignated',
        data: {
          subjectId: 'ro-kwang-chol',
          regime: 'EU:RUS',
          identity: { names: [{ name: 'Ro Kwang Chol', quality: 'primary', script: 'Latn' }, { name: '노광철', quality: 'alias', script: 'Kore' }] },
          measures: ['asset-freeze', 'travel-ban'],
          effectiveFrom: '2024-12-16',
        },
        envelope: envelope(1),
      },
      {
        type: 'DesignationAmended',
        data: { subjectId: 'ro-kwang-chol', regime: 'EU:RUS', effectiveFrom: '2025-01-01', changes: { reasons: 'troop deployment "to Russia"\n' } },
        envelope: envelope(2),
      },
    ]);
    expect(store.db.prepare('SELECT * FROM events ORDER BY position').all()).toEqual(WRITTEN_ROWS);
    expect(store.db.prepare('SELECT DISTINCT typeof(data), typeof(envelope), typeof(recorded_at) FROM events').raw(true).all()).toEqual([['text', 'text', 'text']]);
    expect(store.db.prepare('SELECT * FROM streams').all()).toEqual([{ stream_id: 'subject-ro-kwang-chol', revision: 1, last_hash: SECOND_HASH }]);
    await store.close();
  });

  it('written by an earlier version are read, verified and chained onto', async () => {
    const store = SqliteEventStore.open(':memory:');
    const insert = store.db.prepare(
      'INSERT INTO events (position, stream_id, revision, event_id, type, data, envelope, recorded_at) VALUES (@position, @stream_id, @revision, @event_id, @type, @data, @envelope, @recorded_at)',
    );
    for (const row of WRITTEN_ROWS) insert.run(row);
    store.db.prepare('INSERT INTO streams (stream_id, revision, last_hash) VALUES (?, ?, ?)').run('subject-ro-kwang-chol', 1, SECOND_HASH);

    const read = await store.readStream('subject-ro-kwang-chol');
    expect(read.map((e) => [e.position, e.revision, e.envelope.hash])).toEqual([
      ['0000000000000001', 0, FIRST_HASH],
      ['0000000000000002', 1, SECOND_HASH],
    ]);
    expect(await verifyLedger(store)).toMatchObject({ ok: true, eventsChecked: 2 });

    const appended = await store.appendToStream('subject-ro-kwang-chol', [{ type: 'SubjectDelisted', data: { subjectId: 'ro-kwang-chol' }, envelope: envelope(3) }], { expectedRevision: 1 });
    expect(appended.events[0]!.envelope.prevHash).toBe(SECOND_HASH);
    expect(appended.position).toBe('0000000000000003');
    expect(await verifyLedger(store)).toMatchObject({ ok: true, eventsChecked: 3 });
    await store.close();
  });
});

describe('SQLite event store positions', () => {
  it('are the positions the log holds for every event of an append, however many rows go into one INSERT', async () => {
    const store = SqliteEventStore.open(':memory:');
    await store.appendToStream('before', rawEvents(3));
    const results = await store.appendMany!([
      { streamId: 'large', events: rawEvents(70) },
      { streamId: 'one', events: rawEvents(1) },
      { streamId: 'exact', events: rawEvents(64) },
    ]);
    const appended = results.flatMap((r) => r.events.map((e) => [e.position, e.streamId, e.revision, e.envelope.eventId]));
    const log = await store.readAll({ after: '0000000000000003' as Position, maxCount: 1000 });
    expect(log.map((e) => [e.position, e.streamId, e.revision, e.envelope.eventId])).toEqual(appended);
    expect(results.map((r) => [r.position, r.nextExpectedRevision])).toEqual([
      ['0000000000000073', 69],
      ['0000000000000074', 0],
      ['0000000000000138', 63],
    ]);
    await store.close();
  });
});
