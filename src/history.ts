/** The history of a subject or resolution: every event of its stream with both times, actor and source. */
import type { Actor, Source } from '../events';
import { decodeRecorded } from './commands/command-handler';
import type { Position, RecordedEvent } from './store/event-store';

export interface HistoryEntry {
  readonly revision: number;
  readonly position: Position;
  readonly eventId: string;
  readonly type: string;
  /** Effective time: the date the change took effect in law (absent for events that carry none). */
  readonly effectiveFrom?: string;
  /** Recorded time: when the ledger appended the event. */
  readonly recordedAt: string;
  readonly actor: Actor;
  readonly source: Source;
  readonly commandId: string;
  readonly hash: string;
  readonly data: unknown;
}

/** The date an event takes effect, whatever its type calls it. */
export function effectiveDateOf(event: { type: string; data: unknown }): string | undefined {
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'ResolutionAdopted':
      return data.inForceFrom as string;
    case 'DesignationCorrected': {
      const corrections = data.corrections as { effectiveFrom?: string; effectiveTo?: string };
      return corrections.effectiveFrom ?? corrections.effectiveTo;
    }
    default:
      return typeof data.effectiveFrom === 'string' ? data.effectiveFrom : undefined;
  }
}

export function toHistoryEntry(recorded: RecordedEvent): HistoryEntry {
  const event = decodeRecorded(recorded);
  const effectiveFrom = effectiveDateOf(event);
  return {
    revision: recorded.revision,
    position: recorded.position,
    eventId: recorded.envelope.eventId,
    type: recorded.type,
    ...(effectiveFrom === undefined ? {} : { effectiveFrom }),
    recordedAt: recorded.envelope.recordedAt,
    actor: recorded.envelope.actor,
    source: recorded.envelope.source,
    commandId: recorded.envelope.commandId,
    hash: recorded.envelope.hash,
    data: event.data,
  };
}
