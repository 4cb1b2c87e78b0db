/**
 * One recorded event -> one CloudEvents 1.0 notification (DESIGN.md section 9). The same CloudEvent feeds
 * Kafka (binary mode: `ce_*` headers, the data as the value) and the JSON feeds (structured mode).
 */
import { CloudEvent, Kafka } from 'cloudevents';
import type { Message } from 'kafkajs';
import { catalogue, type Actor, type LedgerEvent, type Source } from '../../events';
import { decodeRecorded, readRecorded } from '../commands/command-handler';
import { effectiveDateOf } from '../history';
import type { EventStore, Position, RecordedEvent } from '../store/event-store';

export const DEFAULT_CLOUDEVENT_SOURCE = 'urn:sanctions-ledger';
const TYPE_PREFIX = 'org.sanctions-ledger.';

/** `org.sanctions-ledger.SubjectDesignated.v1`: the event type and the schema version of `data`. */
export function cloudEventType(eventType: string, version: number): string {
  return `${TYPE_PREFIX}${eventType}.v${version}`;
}

/** The event type named by a CloudEvents type, or undefined if it is not one of ours. */
export function eventTypeOf(cloudEventType: string): string | undefined {
  const match = /^org\.sanctions-ledger\.([A-Za-z]+)\.v\d+$/.exec(cloudEventType);
  return match?.[1];
}

/** `data`: the event's own data (it names the subject or resolution) plus who recorded it, from where, and its hash. */
export type NotificationData = LedgerEvent['data'] & { readonly actor: Actor; readonly source: Source; readonly hash: string };

/**
 * Extension attributes (CloudEvents: lowercase a-z0-9 names). `partitionkey` is the CloudEvents Partitioning
 * extension: the library's Kafka binding maps it to the message key, so per-key order follows the subject.
 */
export interface LedgerExtensions {
  readonly globalposition: string;
  readonly effectivedate?: string;
  readonly authority: string;
  /** The designation's regime; for resolution events their regimes joined by ','. */
  readonly regime?: string;
  readonly streamrevision: number;
  readonly correlationid: string;
  readonly commandid: string;
  readonly partitionkey: string;
}

export type LedgerCloudEvent = CloudEvent<NotificationData> & LedgerExtensions;

/** The id of what the event is about: the subject (designation events) or the resolution. */
export function keyOf(event: LedgerEvent): string {
  return 'subjectId' in event.data ? event.data.subjectId : event.data.resolutionId;
}

/**
 * Pure mapping. `regimes` must be given for resolution events that do not carry their regimes themselves
 * (amendments without a regime change, repeals); `RegimeLookup` finds them in the resolution's stream.
 */
export function toCloudEvent(
  recorded: RecordedEvent,
  options: { readonly source?: string; readonly regimes?: readonly string[]; readonly decoded?: LedgerEvent } = {},
): LedgerCloudEvent {
  const event = options.decoded ?? decodeRecorded(recorded);
  const { envelope } = recorded;
  const key = keyOf(event);
  const effectivedate = effectiveDateOf(event);
  const regime = 'regime' in event.data ? event.data.regime : options.regimes?.join(',');
  const extensions: LedgerExtensions = {
    globalposition: recorded.position,
    ...(effectivedate === undefined ? {} : { effectivedate }),
    authority: event.data.authority,
    ...(regime === undefined || regime === '' ? {} : { regime }),
    streamrevision: recorded.revision,
    correlationid: envelope.correlationId,
    commandid: envelope.commandId,
    partitionkey: key,
  };
  return new CloudEvent<NotificationData>({
    id: envelope.eventId,
    source: options.source ?? DEFAULT_CLOUDEVENT_SOURCE,
    // The data was upcast to the current schema, so the type names the current version, not the stored one.
    type: cloudEventType(event.type, catalogue.currentVersion[event.type]),
    subject: key,
    time: envelope.recordedAt,
    datacontenttype: 'application/json',
    // Envelope fields last: they are what the ledger vouches for.
    data: { ...event.data, actor: envelope.actor, source: envelope.source, hash: envelope.hash } as NotificationData,
    ...extensions,
  }) as LedgerCloudEvent;
}

/**
 * Finds the regimes of a resolution as of one of its events. Walking the log in order, each resolution event
 * extends the cached fold by one; otherwise (a feed starting mid-log) the stream is read up to that revision.
 */
export class RegimeLookup {
  private readonly cache = new Map<string, { revision: number; regimes: readonly string[] }>();

  constructor(private readonly store: EventStore) {}

  async regimesOf(recorded: RecordedEvent, event: LedgerEvent = decodeRecorded(recorded)): Promise<readonly string[] | undefined> {
    if ('regime' in event.data) return [event.data.regime];
    let regimes = fromEvent(event);
    if (regimes === undefined) {
      const cached = this.cache.get(recorded.streamId);
      regimes =
        cached !== undefined && cached.revision === recorded.revision - 1
          ? cached.regimes
          : await this.fold(recorded.streamId, recorded.revision);
    }
    // Resolutions number in the thousands at most, but cap the cache anyway.
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(recorded.streamId, { revision: recorded.revision, regimes });
    return regimes;
  }

  /** The regimes set by the events before `revision` in the stream. */
  private async fold(streamId: string, revision: number): Promise<readonly string[]> {
    let regimes: readonly string[] = [];
    for (const earlier of await this.store.readStream(streamId, { maxCount: revision })) {
      regimes = fromEvent(decodeRecorded(earlier)) ?? regimes;
    }
    return regimes;
  }
}

function fromEvent(event: LedgerEvent): readonly string[] | undefined {
  if (event.type === 'ResolutionAdopted') return event.data.regimes;
  if (event.type === 'ResolutionAmended') return event.data.changes.regimes;
  return undefined;
}

/** Maps recorded events to CloudEvents, looking up resolution regimes where the event lacks them. */
export class CloudEventMapper {
  private readonly regimes: RegimeLookup;

  constructor(
    store: EventStore,
    private readonly source: string = DEFAULT_CLOUDEVENT_SOURCE,
  ) {
    this.regimes = new RegimeLookup(store);
  }

  async map(recorded: RecordedEvent): Promise<LedgerCloudEvent> {
    // The trusted read: stored events were validated on append and are hash-chained (verify checks them).
    const decoded = readRecorded(recorded);
    const regimes = await this.regimes.regimesOf(recorded, decoded);
    return toCloudEvent(recorded, { source: this.source, decoded, ...(regimes === undefined ? {} : { regimes }) });
  }
}

/**
 * CloudEvents Kafka binding, binary mode, through the library: attributes as `ce_*` headers (plus
 * `content-type`), key = `partitionkey`, value = the JSON data. Header values become strings (kafkajs takes
 * strings or Buffers only) and absent optional attributes are dropped.
 */
export function toKafkaMessage(event: LedgerCloudEvent): Message {
  const binary = Kafka.binary(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(binary.headers)) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  return {
    key: String(binary.key),
    value: JSON.stringify(binary.value),
    headers,
    ...(binary.timestamp === undefined ? {} : { timestamp: binary.timestamp }),
  };
}

/** Structured mode: the whole CloudEvent as one JSON object (the feeds' format). */
export function toStructuredJson(event: LedgerCloudEvent): string {
  return JSON.stringify(event);
}

export type { Position };
