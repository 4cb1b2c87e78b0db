/**
 * Tamper evidence: the SQLite file is changed behind the ledger's back with a second connection, as an
 * attacker with file access would, and verify must name the first damaged event.
 */
import Database from 'better-sqlite3';
import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/verify';
import { CommandHandler } from '../../src/commands/command-handler';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { designate } from '../support/fixtures';
import { writer } from '../support/metadata';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-verify-'));
  file = join(dir, 'ledger.db');
  const store = SqliteEventStore.open(file);
  const handler = new CommandHandler(store);
  for (const subjectId of ['alpha', 'bravo']) {
    const designated = await handler.handle({ type: 'DesignateSubject', data: { ...designate(), subjectId } }, writer);
    if (E.isLeft(designated)) throw new Error(JSON.stringify(designated.left));
    for (let n = 1; n <= 3; n++) {
      const amended = await handler.handle(
        { type: 'AmendDesignation', data: { subjectId, regime: 'EU:RUS', effectiveFrom: `2025-0${n}-01`, changes: { reasons: `reason ${n}` } } },
        writer,
      );
      if (E.isLeft(amended)) throw new Error(JSON.stringify(amended.left));
    }
  }
  await store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function verifyFile() {
  const store = SqliteEventStore.open(file);
  try {
    return await verifyLedger(store);
  } finally {
    await store.close();
  }
}

function tamper(sql: string, ...params: unknown[]) {
  const db = new Database(file);
  db.prepare(sql).run(...params);
  db.close();
}

function row(streamId: string, revision: number) {
  const db = new Database(file, { readonly: true });
  const found = db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision = ?').get(streamId, revision) as Record<string, unknown>;
  db.close();
  return found;
}

describe('verify', () => {
  it('passes an untouched ledger and counts what it checked', async () => {
    expect(await verifyFile()).toEqual({ ok: true, eventsChecked: 8, streamsChecked: 2 });
  });

  it('names the event whose data had one byte changed', async () => {
    const target = row('subject-bravo', 2);
    const data = String(target.data).replace('reason 2', 'reason 3');
    tamper('UPDATE events SET data = ? WHERE position = ?', data, target.position);
    expect((await verifyFile()).firstBreak).toMatchObject({ kind: 'altered', streamId: 'subject-bravo', revision: 2 });
  });

  it('names an event whose bytes no longer parse', async () => {
    const target = row('subject-alpha', 1);
    tamper('UPDATE events SET data = ? WHERE position = ?', String(target.data).slice(0, -1), target.position);
    expect((await verifyFile()).firstBreak).toMatchObject({ kind: 'altered', streamId: 'subject-alpha', revision: 1 });
  });

  it('names the gap left by a deleted event', async () => {
    tamper('DELETE FROM events WHERE stream_id = ? AND revision = ?', 'subject-alpha', 1);
    expect((await verifyFile()).firstBreak).toMatchObject({ kind: 'missing', streamId: 'subject-alpha', revision: 2 });
  });

  it('notices that the last event of a stream was removed', async () => {
    tamper('DELETE FROM events WHERE stream_id = ? AND revision = ?', 'subject-bravo', 3);
    expect((await verifyFile()).firstBreak).toMatchObject({ kind: 'truncated', streamId: 'subject-bravo', revision: 3 });
  });

  it('names two swapped events as a reordering', async () => {
    const first = row('subject-alpha', 1);
    const second = row('subject-alpha', 2);
    const db = new Database(file);
    const swap = db.transaction(() => {
      const update = db.prepare('UPDATE events SET revision = ?, event_id = ?, data = ?, envelope = ?, recorded_at = ? WHERE position = ?');
      db.prepare('UPDATE events SET revision = -revision - 100, event_id = event_id || ? WHERE position IN (?, ?)').run('-swap', first.position, second.position);
      update.run(second.revision, second.event_id, second.data, second.envelope, second.recorded_at, first.position);
      update.run(first.revision, first.event_id, first.data, first.envelope, first.recorded_at, second.position);
    });
    swap();
    db.close();
    expect((await verifyFile()).firstBreak).toMatchObject({ kind: 'reordered', streamId: 'subject-alpha', revision: 1 });
  });

  it('notices a forged hash chain link', async () => {
    const target = row('subject-alpha', 2);
    const envelope = JSON.parse(String(target.envelope));
    envelope.prevHash = 'f'.repeat(64);
    tamper('UPDATE events SET envelope = ? WHERE position = ?', JSON.stringify(envelope), target.position);
    expect((await verifyFile()).firstBreak).toMatchObject({ kind: 'altered', streamId: 'subject-alpha', revision: 2 });
  });
});
