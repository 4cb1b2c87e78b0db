/**
 * The two ends of an append around AppendWriter: the caller's events with their data in canonical JSON (what the
 * writer takes), and the recorded events built back from the caller's inputs and what the writer answered. Both
 * walk every event of the append; for a large one (a list import, thousands of events) they run in time slices,
 * so that the event loop keeps answering while they do.
 */
import { canonicalJson } from '../../audit/canonical-json';
import { sealedEnvelope } from '../../audit/seal';
import type { AppendResult, RecordedEvent, StreamAppend } from '../event-store';
import type { TimeSlice } from '../../scheduling/time-slice';
import type { SerialisedAppend, WrittenBatch } from './append-writer';
import { toPosition } from './positions';

/** Canonical JSON of every event's data (in slices when given one); throws (before anything is written) for data that has no JSON form. */
export async function serialiseAppends(appends: readonly StreamAppend[], slice?: TimeSlice): Promise<SerialisedAppend[]> {
  const serialised: SerialisedAppend[] = [];
  for (const { streamId, events, expectedRevision } of appends) {
    const out: SerialisedAppend['events'][number][] = [];
    for (const event of events) {
      if (slice?.spent) await slice.next();
      out.push({ type: event.type, dataJson: canonicalJson(event.data), envelope: event.envelope });
    }
    serialised.push({ streamId, expectedRevision: expectedRevision ?? 'any', events: out });
  }
  return serialised;
}

/** The recorded events of a written batch (in slices when given one): the caller's data and type, the sealed envelope, the log position. */
export async function recordedResults(appends: readonly StreamAppend[], written: WrittenBatch, slice?: TimeSlice): Promise<AppendResult[]> {
  const results: AppendResult[] = [];
  for (const [n, { streamId, events }] of appends.entries()) {
    const { firstRowNumber, firstRevision, chainedOnto, hashes } = written.appends[n]!;
    const recorded: RecordedEvent[] = [];
    for (const [i, event] of events.entries()) {
      if (slice?.spent) await slice.next();
      const envelope = sealedEnvelope(event.envelope, written.recordedAt, i === 0 ? chainedOnto : hashes[i - 1]!, hashes[i]!);
      recorded.push({ streamId, revision: firstRevision + i, position: toPosition(firstRowNumber + i), type: event.type, data: event.data, envelope });
    }
    results.push({ nextExpectedRevision: firstRevision + recorded.length - 1, position: recorded[recorded.length - 1]!.position, events: recorded });
  }
  return results;
}
