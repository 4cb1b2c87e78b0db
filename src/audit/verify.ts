/**
 * Audit verify (DESIGN.md section 6): one pass over the global log recomputes every stream's hash chain and
 * names the first break: an altered byte, a missing event, a reordering, or recorded time going backwards.
 */
import { GENESIS_HASH } from '../../events';
import { CorruptStoredEventError, type EventStore, type Position, type RecordedEvent } from '../store/event-store';
import { hashOf } from './seal';

export type BreakKind = 'altered' | 'missing' | 'reordered' | 'chain-broken' | 'time-went-backwards' | 'truncated';

export interface ChainBreak {
  readonly kind: BreakKind;
  readonly streamId: string;
  readonly revision: number;
  readonly position?: Position;
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly streamsChecked: number;
  readonly firstBreak?: ChainBreak;
}

interface StreamCursor {
  revision: number;
  hash: string;
  recordedAt: string;
}

function checkEvent(event: RecordedEvent, cursor: StreamCursor | undefined, lastRecordedAt: string | undefined, timeOrderScope: 'log' | 'stream'): ChainBreak | undefined {
  const { streamId, revision, position } = event;
  const expectedRevision = cursor === undefined ? 0 : cursor.revision + 1;
  const at = { streamId, revision, position };
  if (revision < expectedRevision) {
    return { kind: 'reordered', ...at, message: `${streamId}: revision ${revision} appears after revision ${cursor?.revision} in the log` };
  }
  if (revision > expectedRevision) {
    return { kind: 'missing', ...at, message: `${streamId}: revision ${expectedRevision} is missing (next found is ${revision})` };
  }
  const { hash, ...unsealed } = event.envelope;
  if (hashOf({ streamId, revision, type: event.type, data: event.data, envelope: unsealed }) !== hash) {
    return { kind: 'altered', ...at, message: `${streamId}@${revision}: content does not match its hash (altered after it was recorded)` };
  }
  const expectedPrev = cursor === undefined ? GENESIS_HASH : cursor.hash;
  if (event.envelope.prevHash !== expectedPrev) {
    return { kind: 'chain-broken', ...at, message: `${streamId}@${revision}: previous-hash does not match the event before it` };
  }
  if (lastRecordedAt !== undefined && event.envelope.recordedAt < lastRecordedAt) {
    return { kind: 'time-went-backwards', ...at, message: `${streamId}@${revision}: recorded at ${event.envelope.recordedAt}, before the event preceding it in the ${timeOrderScope} (${lastRecordedAt})` };
  }
  return undefined;
}

export async function verifyLedger(
  store: EventStore,
  options: { readonly onProgress?: (eventsChecked: number) => void; readonly pageSize?: number } = {},
): Promise<VerifyReport> {
  const cursors = new Map<string, StreamCursor>();
  let eventsChecked = 0;
  let after: Position | undefined;
  let lastRecordedAt: string | undefined;
  const report = (firstBreak?: ChainBreak): VerifyReport => ({
    ok: firstBreak === undefined,
    eventsChecked,
    streamsChecked: cursors.size,
    ...(firstBreak === undefined ? {} : { firstBreak }),
  });
  for (;;) {
    let page: RecordedEvent[];
    try {
      page = await store.readAll({ after, maxCount: options.pageSize ?? 2000 });
    } catch (error) {
      if (!(error instanceof CorruptStoredEventError)) throw error;
      // The page holds an unreadable event; events before it in the page are still checked first.
      page = await readUpTo(store, after, error.position);
      if (page.length === 0) {
        return report({ kind: 'altered', streamId: error.streamId, revision: error.revision, position: error.position, message: error.message });
      }
    }
    if (page.length === 0) break;
    for (const event of page) {
      const cursor = cursors.get(event.streamId);
      let broken: ChainBreak | undefined;
      try {
        // The store says along what recorded time is ordered: the whole log (one write lock) or each stream.
        const timeOrder = store.recordedTimeOrder ?? 'log';
        broken = checkEvent(event, cursor, timeOrder === 'log' ? lastRecordedAt : cursor?.recordedAt, timeOrder);
      } catch (error) {
        if (!(error instanceof CorruptStoredEventError)) throw error;
        return report({ kind: 'altered', streamId: error.streamId, revision: error.revision, position: error.position, message: error.message });
      }
      if (broken?.kind === 'missing') return report(await missingOrMoved(store, broken, (cursor?.revision ?? -1) + 1));
      if (broken !== undefined) return report(broken);
      cursors.set(event.streamId, { revision: event.revision, hash: event.envelope.hash, recordedAt: event.envelope.recordedAt });
      lastRecordedAt = event.envelope.recordedAt;
      eventsChecked++;
    }
    after = page[page.length - 1]!.position;
    options.onProgress?.(eventsChecked);
  }
  if (store.streamHeads !== undefined) {
    for await (const head of store.streamHeads()) {
      const cursor = cursors.get(head.streamId);
      if (cursor === undefined || cursor.revision !== head.revision || cursor.hash !== head.lastHash) {
        const found = cursor === undefined ? 'no events' : `events up to revision ${cursor.revision}`;
        return report({ kind: 'truncated', streamId: head.streamId, revision: head.revision, message: `${head.streamId}: the store's head is revision ${head.revision} but the log holds ${found}` });
      }
    }
  }
  return report();
}

/** A revision skipped here may still be further down the log: then the log was reordered, not cut. */
async function missingOrMoved(store: EventStore, gap: ChainBreak, expectedRevision: number): Promise<ChainBreak> {
  let after = gap.position;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 2000 }).catch(() => [] as RecordedEvent[]);
    if (page.length === 0) return gap;
    const moved = page.find((e) => e.streamId === gap.streamId && e.revision === expectedRevision);
    if (moved !== undefined) {
      return {
        kind: 'reordered',
        streamId: gap.streamId,
        revision: expectedRevision,
        position: moved.position,
        message: `${gap.streamId}: revision ${expectedRevision} appears after revision ${gap.revision} in the log (events reordered)`,
      };
    }
    after = page[page.length - 1]!.position;
  }
}

/** Reads one event at a time up to (not including) the unreadable one. */
async function readUpTo(store: EventStore, after: Position | undefined, unreadable: Position): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    try {
      const [next] = await store.readAll({ after: cursor, maxCount: 1 });
      if (next === undefined || next.position >= unreadable) return events;
      events.push(next);
      cursor = next.position;
    } catch (error) {
      if (error instanceof CorruptStoredEventError) return events;
      throw error;
    }
  }
}
