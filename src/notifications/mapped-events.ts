/**
 * The CloudEvent (and its one-line JSON) of recently read log positions, shared by every change feed of one
 * store and source. Building a CloudEvent is the dearest step of the feed (decode, regimes, strict schema
 * validation, JSON): 200 clients catching up over the same range would otherwise each pay it for every event.
 * The mapping of a position never changes (the log is append-only), so a cached entry is always right; the
 * cache is bounded, first in first out (feeds read the log forwards, so the oldest entry is the least likely
 * to be read again; refreshing on each hit cost more than it saved).
 */
import type { EventStore, Position, RecordedEvent } from '../store/event-store';
import { CloudEventMapper, type LedgerCloudEvent } from './cloud-event';

export interface MappedEvent {
  readonly cloudEvent: LedgerCloudEvent;
  /** JSON.stringify(cloudEvent): one line (strings escape their line breaks). */
  readonly json: string;
  /**
   * The event's Server-Sent Events frame, UTF-8 encoded once: every stream writes these same bytes. Built per
   * client, the frame was a new 2-3 KiB string per event per client, encoded again on each write (200 readers
   * catching up over 10,000 events: 2 million of each, and the young-generation collections they caused).
   */
  readonly frame: Buffer;
}

/** Builds the mapped form of a recorded event from its CloudEvent. */
export function mappedEvent(position: Position, cloudEvent: LedgerCloudEvent): MappedEvent {
  const json = JSON.stringify(cloudEvent);
  // The JSON escapes line breaks inside strings, so the data is one SSE line.
  return { cloudEvent, json, frame: Buffer.from(`id: ${position}\nevent: ${cloudEvent.type}\ndata: ${json}\n\n`) };
}

export class MappedEvents {
  private readonly entries = new Map<Position, MappedEvent>();
  private readonly mapper: CloudEventMapper;

  constructor(
    store: EventStore,
    source: string | undefined,
    /** About 2-3 KiB each: 20,000 cover a catch-up over the last 20,000 events, and readers in step share misses. */
    private readonly capacity = 20_000,
  ) {
    this.mapper = new CloudEventMapper(store, source);
  }

  get size(): number {
    return this.entries.size;
  }

  async get(recorded: RecordedEvent): Promise<MappedEvent> {
    const cached = this.entries.get(recorded.position);
    if (cached !== undefined) return cached;
    const mapped = mappedEvent(recorded.position, await this.mapper.map(recorded));
    this.entries.set(recorded.position, mapped);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return mapped;
  }
}
