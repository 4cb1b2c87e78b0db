/**
 * Command ids unique across the ledger on EventStoreDB (DESIGN.md section 5). EventStoreDB has no transaction
 * spanning two streams, so a command id is reserved before its events are appended: one event in the id's own
 * stream, `sanctions-ledger-command-<sha256(id)>`, written with expected revision NO_STREAM, so that of two writers
 * only the first reserves it. The server's optimistic concurrency is the lock.
 *
 * The reservation event carries no sealed envelope, so every reader of the log (readAll, subscriptions,
 * listStreams, verify) skips it like any other foreign event (conversion.ts): it is bookkeeping, not ledger history.
 *
 * Order: reserve, then append. An append that then fails (a conflict, a refusal on re-decision) leaves the id
 * reserved for its stream: a retry there goes on, and another stream can never take the id, even though the first
 * attempt recorded nothing. That is the rule's price on a store without transactions, and a retry never pays it.
 *
 * A reservation that gets no answer fails the append with AppendOutcomeUnknownError before anything of the
 * ledger's is sent; the command handler retries it, and the retried reservation finds its own (same event id).
 */
import { createHash } from 'node:crypto';
import { FORWARDS, jsonEvent, NO_STREAM, START, type EventStoreDBClient } from '@eventstore/db-client';
import { AppendOutcomeUnknownError, CommandIdInUseError } from '../event-store';
import { LEDGER_EVENT_ID_NAMESPACE, uuidV5 } from './conversion';
import { collectWithin, withinDeadline } from './deadline';
import { conflictOf } from './revisions';
import { isTransient } from './transient';

export const COMMAND_ID_STREAM_PREFIX = 'sanctions-ledger-command-';
export const COMMAND_ID_RESERVED = 'CommandIdReserved';

/** A hash, not the id itself: ids are up to the codecs' limit long and may hold any character. */
export function commandIdStream(commandId: string): string {
  return COMMAND_ID_STREAM_PREFIX + createHash('sha256').update(commandId, 'utf8').digest('hex');
}

export interface ReservationCalls {
  readonly client: Pick<EventStoreDBClient, 'appendToStream' | 'readStream'>;
  /** Every call's deadline, as the store's own. */
  readonly deadlineMs: number;
}

/** Reserves `commandId` for `streamId`, or throws CommandIdInUseError naming the stream that holds it. */
export async function reserveCommandId(calls: ReservationCalls, commandId: string, streamId: string): Promise<void> {
  const stream = commandIdStream(commandId);
  const reservation = jsonEvent({
    // The same reservation always has the same event id, so a retried one is a no-op on the server.
    id: uuidV5(`command-id\u0000${commandId}\u0000${streamId}`, LEDGER_EVENT_ID_NAMESPACE),
    type: COMMAND_ID_RESERVED,
    data: { commandId, streamId },
  });
  try {
    const result = await withinDeadline(
      calls.deadlineMs,
      `reserve the command id for ${streamId}`,
      calls.client.appendToStream(stream, [reservation], { expectedRevision: NO_STREAM, requiresLeader: true, deadline: calls.deadlineMs }),
      { streamId },
    );
    // With `throwOnAppendFailure=false` a conflict is a result, not an error.
    if (result.success) return;
  } catch (error) {
    if (isTransient(error)) throw unanswered(streamId, error);
    if (conflictOf(error) === undefined) throw error;
  }
  const boundTo = await reservedFor(calls, stream, streamId).catch((error: unknown) => {
    throw isTransient(error) ? unanswered(streamId, error) : error;
  });
  if (boundTo !== streamId) throw new CommandIdInUseError(commandId, boundTo, streamId);
}

/** The stream named by the first event of a reservation stream (the one NO_STREAM let through). */
async function reservedFor(calls: ReservationCalls, stream: string, streamId: string): Promise<string> {
  const [first] = await collectWithin(
    calls.deadlineMs,
    'read a command id reservation',
    calls.client.readStream(stream, { direction: FORWARDS, fromRevision: START, maxCount: 1, requiresLeader: true, deadline: calls.deadlineMs }),
    streamId,
  );
  const data = first?.event?.data as { streamId?: unknown } | undefined;
  if (typeof data?.streamId !== 'string') {
    throw new Error(`the command id reservation ${stream} exists but does not name a stream: it was not written by the ledger`);
  }
  return data.streamId;
}

function unanswered(streamId: string, error: unknown): AppendOutcomeUnknownError {
  if (error instanceof AppendOutcomeUnknownError) return error; // a deadline of ours already says so
  const why = error instanceof Error ? error.message : String(error);
  return new AppendOutcomeUnknownError(streamId, `stream ${streamId}: reserving the command id got no answer (${why}); nothing of the append was sent`, false, { cause: error });
}
