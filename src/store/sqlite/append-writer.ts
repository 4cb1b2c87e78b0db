/**
 * The SQLite append transaction: revision checks, command-id bindings, sealing, inserts and stream heads, all in
 * ONE IMMEDIATE transaction on the connection it is given. The store runs it on its own connection for small
 * appends and on the append thread's connection for large ones (append-thread.ts), so both write the same rows.
 *
 * It takes the events' data already in canonical JSON and answers with hashes and row numbers, not events: what
 * crosses between threads is then strings, which are copied cheaply, and the caller builds the recorded events
 * from its own inputs (recorded-events.ts).
 */
import type Database from 'better-sqlite3';
import type { EnvelopeInput } from '../../../events';
import { GENESIS_HASH } from '../../../events/envelope';
import { nextRecordedAt, sealSerialised } from '../../audit/seal';
import { CommandIdInUseError, revisionMatches, WrongExpectedRevisionError, type ExpectedRevision } from '../event-store';
import { EventInserter } from './event-inserter';

export interface SerialisedEvent {
  readonly type: string;
  /** canonicalJson(data) */
  readonly dataJson: string;
  readonly envelope: EnvelopeInput;
}

export interface SerialisedAppend {
  readonly streamId: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly SerialisedEvent[];
}

/** Where one stream's events landed. */
export interface WrittenAppend {
  readonly firstRowNumber: number;
  readonly firstRevision: number;
  /** The hash the first event chains onto (the stream's last hash before, or the genesis hash). */
  readonly chainedOnto: string;
  /** Each event's hash, in order. */
  readonly hashes: readonly string[];
}

export interface WrittenBatch {
  /** One transaction, one recorded instant: everything appended together was recorded together. */
  readonly recordedAt: string;
  readonly appends: readonly WrittenAppend[];
}

export class AppendWriter {
  private readonly inserter: EventInserter;
  private readonly statements;
  private readonly transaction: Database.Transaction<(appends: readonly SerialisedAppend[], now: Date | undefined) => WrittenBatch>;

  constructor(db: Database.Database) {
    this.inserter = new EventInserter(db);
    this.statements = {
      head: db.prepare<[string], { revision: number; last_hash: string }>('SELECT revision, last_hash FROM streams WHERE stream_id = ?'),
      lastRecordedAt: db.prepare<[], { recorded_at: string }>('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1'),
      upsertHead: db.prepare(
        `INSERT INTO streams (stream_id, revision, last_hash) VALUES (?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`,
      ),
      // Binds a new id (one change); a known one is left alone (no change) and its stream is read with boundStream.
      bindCommandId: db.prepare<[string, string], { stream_id: string }>(
        'INSERT INTO command_ids (command_id, stream_id) VALUES (?, ?) ON CONFLICT (command_id) DO NOTHING',
      ),
      boundStream: db.prepare<[string], { stream_id: string }>('SELECT stream_id FROM command_ids WHERE command_id = ?'),
    };
    this.transaction = db.transaction((appends: readonly SerialisedAppend[], now: Date | undefined) => {
      // The time is read inside the write lock, so that it never goes back along the log, whoever wrote last.
      const recordedAt = nextRecordedAt(this.statements.lastRecordedAt.get()?.recorded_at, now ?? new Date());
      return { recordedAt, appends: appends.map((a) => this.appendStream(a, recordedAt)) };
    });
  }

  /**
   * Appends every stream's events, all or none (a throw rolls everything back). `now` replaces the clock (tests
   * record "in the past"); without it the time is taken inside the transaction.
   */
  write(appends: readonly SerialisedAppend[], now?: Date): WrittenBatch {
    return this.transaction.immediate(appends, now);
  }

  private appendStream({ streamId, expectedRevision, events }: SerialisedAppend, recordedAt: string): WrittenAppend {
    const head = this.statements.head.get(streamId);
    const actual = head === undefined ? 'no-stream' : head.revision;
    if (!revisionMatches(expectedRevision, actual)) throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
    this.bindCommandIds(streamId, events);
    const firstRevision = head === undefined ? 0 : head.revision + 1;
    const chainedOnto = head === undefined ? GENESIS_HASH : head.last_hash;
    let prevHash = chainedOnto;
    const hashes: string[] = [];
    const rows = this.inserter.begin();
    for (const [i, event] of events.entries()) {
      const revision = firstRevision + i;
      const { envelope, dataJson, envelopeJson } = sealSerialised(streamId, revision, event.type, event.dataJson, event.envelope, recordedAt, prevHash);
      rows.add([streamId, revision, envelope.eventId, event.type, dataJson, envelopeJson, recordedAt]);
      prevHash = envelope.hash;
      hashes.push(prevHash);
    }
    const firstRowNumber = rows.finish();
    this.statements.upsertHead.run(streamId, firstRevision + events.length - 1, prevHash);
    return { firstRowNumber, firstRevision, chainedOnto, hashes };
  }

  /** Inside the append's transaction: a throw here rolls back everything the step appended so far. */
  private bindCommandIds(streamId: string, events: readonly SerialisedEvent[]): void {
    let previous: string | undefined;
    for (const { envelope } of events) {
      const commandId = envelope.commandId;
      // A command's events come together: one lookup for the run of them.
      if (commandId === previous) continue;
      previous = commandId;
      if (this.statements.bindCommandId.run(commandId, streamId).changes === 1) continue;
      const boundTo = this.statements.boundStream.get(commandId)!.stream_id;
      if (boundTo !== streamId) throw new CommandIdInUseError(commandId, boundTo, streamId);
    }
  }
}
