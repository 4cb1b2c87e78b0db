/**
 * Tamper evidence under random damage: 1,000 random single-byte mutations of stored events (one byte of the UTF-8
 * text of their data, envelope or type flipped to another value, written straight into the SQLite file, invalid
 * UTF-8 included) are each detected by verify, at the damaged event.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/audit/verify';
import { Ledger } from '../../src/ledger';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { designate } from '../support/fixtures';
import { writer } from '../support/metadata';

const MUTATIONS = Number(process.env.LEDGER_TAMPER_MUTATIONS ?? 1000);
let dir: string;
let file: string;
let rows: Array<{ position: number; stream_id: string; revision: number; data: string; envelope: string; type: string }>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-tamper-'));
  file = join(dir, 'ledger.db');
  const ledger = Ledger.over(SqliteEventStore.open(file));
  await ledger.seedWorkedExample();
  for (let n = 0; n < 30; n++) {
    const subjectId = `subject-${n}`;
    const designated = await ledger.execute({ type: 'DesignateSubject', data: { ...designate(), subjectId, identity: { names: [{ name: `Name ${n} Ünïcødé 名前`, quality: 'primary' }] } } }, writer);
    if (E.isLeft(designated)) throw new Error(JSON.stringify(designated.left));
    if (n % 3 === 0) {
      await ledger.execute({ type: 'DelistSubject', data: { subjectId, regime: 'EU:RUS', effectiveFrom: '2025-06-01', legalBasis: ['EU-2025/1'], reason: 'annulled' } }, writer);
    }
  }
  await ledger.close();
  const db = new Database(file, { readonly: true });
  rows = db.prepare('SELECT position, stream_id, revision, data, envelope, type FROM events ORDER BY position').all() as typeof rows;
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const column = fc.constantFrom('data', 'envelope', 'type');
/** XOR mask: never 0, so every draw changes the byte. */
const flip = fc.integer({ min: 1, max: 0xff });

describe('tamper evidence', () => {
  it(`detects each of ${MUTATIONS} random single-byte mutations at the damaged event`, async () => {
    expect(rows.length).toBeGreaterThan(40);
    const store = SqliteEventStore.open(file);
    const db = new Database(file);
    let detected = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.nat(), column, fc.nat(), flip, async (rowPick, col, offsetPick, mask) => {
          const row = rows[rowPick % rows.length]!;
          const original = row[col as 'data' | 'envelope' | 'type'];
          const bytes = Buffer.from(original, 'utf8');
          const offset = offsetPick % bytes.length;
          bytes[offset]! ^= mask;
          // A Buffer binds as a BLOB; the CAST stores its bytes as TEXT unchanged, valid UTF-8 or not.
          db.prepare(`UPDATE events SET ${col} = CAST(? AS TEXT) WHERE position = ?`).run(bytes, row.position);
          try {
            const report = await verifyLedger(store);
            expect(report.ok, `${col} byte ${offset} ^ 0x${mask.toString(16)} of ${row.stream_id}@${row.revision}`).toBe(false);
            expect(report.firstBreak).toMatchObject({ streamId: row.stream_id, revision: row.revision });
            detected++;
          } finally {
            db.prepare(`UPDATE events SET ${col} = ? WHERE position = ?`).run(original, row.position);
          }
        }),
        { numRuns: MUTATIONS },
      );
      expect((await verifyLedger(store)).ok).toBe(true);
      expect(detected).toBe(MUTATIONS);
      console.info(`tamper evidence: ${detected} mutations applied, ${detected} detected`);
    } finally {
      db.close();
      await store.close();
    }
  }, 120_000);
});
