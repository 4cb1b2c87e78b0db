/**
 * One recorded event -> one CloudEvents 1.0 notification (DESIGN.md section 9). The same CloudEvent feeds
 * Kafka (binary mode: `ce_*` headers, the data as the value) and the JSON feeds (structured mode).
 */
import { CloudEvent, Kafka, ValidationError, type CloudEventV1 } from 'cloudevents';
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

/**
 * The id of what the event is about: the subject (designation events), the resolution, or the list's stream
 * (`list-UN`: ListFileImported, published so subscribers learn a list was checked even when nothing changed; it
 * has no regime, so a regime filter never passes it).
 */
export function keyOf(event: LedgerEvent): string {
  if (event.type === 'ListFileImported') return `list-${event.data.list}`;
  return 'subjectId' in event.data ? event.data.subjectId : event.data.resolutionId;
}

/** The CloudEvents attributes every notification of the service carries (change feed and watchlist matches). */
export interface JsonCloudEventAttributes<Data> {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: Data;
}

/** Everything a CloudEvent of a recorded event is built from: its attributes, extensions and data. */
export type LedgerCloudEventAttributes = JsonCloudEventAttributes<NotificationData> & LedgerExtensions;

/**
 * The attributes of a recorded event's CloudEvent, as a plain object. `regimes` must be given for resolution
 * events that do not carry their regimes themselves (amendments without a regime change, repeals);
 * `RegimeLookup` finds them in the resolution's stream.
 */
export function cloudEventAttributes(
  recorded: RecordedEvent,
  options: { readonly source?: string; readonly regimes?: readonly string[]; readonly decoded?: LedgerEvent } = {},
): LedgerCloudEventAttributes {
  const event = options.decoded ?? decodeRecorded(recorded);
  const { envelope } = recorded;
  const key = keyOf(event);
  const effectivedate = effectiveDateOf(event);
  const regime = regimeOf(event, options.regimes);
  return {
    id: envelope.eventId,
    source: options.source ?? DEFAULT_CLOUDEVENT_SOURCE,
    type: currentType(event),
    subject: key,
    time: envelope.recordedAt,
    datacontenttype: 'application/json',
    data: notificationData(event, envelope),
    globalposition: recorded.position,
    ...(effectivedate === undefined ? {} : { effectivedate }),
    authority: event.data.authority,
    ...(regime === undefined ? {} : { regime }),
    streamrevision: recorded.revision,
    correlationid: envelope.correlationId,
    commandid: envelope.commandId,
    partitionkey: key,
  };
}

/** The data was upcast to the current schema, so the type names the current version, not the stored one. */
function currentType(event: LedgerEvent): string {
  return cloudEventType(event.type, catalogue.currentVersion[event.type]);
}

/** The event's data and who recorded it, from where, and its hash: envelope fields last, they are what the ledger vouches for. */
function notificationData(event: LedgerEvent, envelope: RecordedEvent['envelope']): NotificationData {
  return { ...event.data, actor: envelope.actor, source: envelope.source, hash: envelope.hash } as NotificationData;
}

/** The `regime` extension: the event's own regime, else the resolution's regimes joined by ','; none if empty. */
function regimeOf(event: LedgerEvent, regimes: readonly string[] | undefined): string | undefined {
  const regime = 'regime' in event.data ? event.data.regime : regimes?.join(',');
  return regime === '' ? undefined : regime;
}

/** Pure mapping to a CloudEvent, validated by the library (strict mode); see cloudEventAttributes. */
export function toCloudEvent(
  recorded: RecordedEvent,
  options: { readonly source?: string; readonly regimes?: readonly string[]; readonly decoded?: LedgerEvent } = {},
): LedgerCloudEvent {
  return strictCloudEvent(cloudEventAttributes(recorded, options));
}

/** The library's CloudEvent of these attributes, validated against the CloudEvents 1.0 schema (strict mode). */
function strictCloudEvent(attributes: LedgerCloudEventAttributes): LedgerCloudEvent {
  return new CloudEvent<NotificationData>(attributes as unknown as CloudEventV1<NotificationData>, true) as LedgerCloudEvent;
}

/**
 * Finds the regimes of a resolution as of one of its events. Walking the log in order, each resolution event
 * extends the cached fold by one; otherwise (a feed starting mid-log) the stream is read up to that revision.
 */
export class RegimeLookup {
  private readonly cache = new Map<string, { revision: number; regimes: readonly string[] }>();

  constructor(private readonly store: EventStore) {}

  async regimesOf(recorded: RecordedEvent, event: LedgerEvent = decodeRecorded(recorded)): Promise<readonly string[] | undefined> {
    return this.regimesOfSync(recorded, event) ?? (await this.remember(recorded, await this.fold(recorded.streamId, recorded.revision)));
  }

  /**
   * The regimes when they are known without reading the store (the event names them, or the cached fold is
   * one revision behind); `null` when the stream must be read (`regimesOf` does that).
   */
  regimesOfSync(recorded: RecordedEvent, event: LedgerEvent): readonly string[] | null {
    if ('regime' in event.data) return [event.data.regime];
    const own = fromEvent(event);
    if (own !== undefined) return this.remember(recorded, own);
    const cached = this.cache.get(recorded.streamId);
    if (cached !== undefined && cached.revision === recorded.revision - 1) return this.remember(recorded, cached.regimes);
    return null;
  }

  private remember(recorded: RecordedEvent, regimes: readonly string[]): readonly string[] {
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
  private kafka: KafkaMessages | undefined;

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

  /**
   * The Kafka binary-mode message of a recorded event: the same message as `toKafkaMessage(await map(e))`,
   * built without a CloudEvent object per event (see KafkaMessages). Synchronous unless a resolution's
   * regimes must be read from its stream.
   */
  kafkaMessage(recorded: RecordedEvent): Message | Promise<Message> {
    this.kafka ??= new KafkaMessages(this.source);
    const decoded = readRecorded(recorded);
    const regimes = this.regimes.regimesOfSync(recorded, decoded);
    if (regimes !== null) return this.kafka.message(recorded, decoded, regimes);
    return this.regimes.regimesOf(recorded, decoded).then((found) => this.kafka!.message(recorded, decoded, found));
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

/**
 * Kafka binary-mode messages for the publisher, without the per-event cost of the library's path (a strict
 * CloudEvent object validated by its JSON schema, then `Kafka.binary`, about 25 µs an event): the attributes
 * are computed by the same helpers as `cloudEventAttributes` (for `toCloudEvent`) and the headers are written
 * directly.
 *
 * Validation where it matters, through the library:
 * - at construction, a strict CloudEvent with this `source` and every attribute and extension validates the
 *   constant attributes (source as a URI reference, spec version, content type, extension names), and the
 *   library's Kafka binding of that CloudEvent must give exactly the message `message()` gives for it: a
 *   library that named or mapped headers differently stops the publisher before it sends anything;
 * - per event, what varies is checked cheaply: id, subject and time non-empty strings (else ValidationError),
 *   the time an RFC 3339 instant in the form the stores write (it round-trips through Date). A time in another
 *   form goes through the library's strict path instead, which either accepts it or throws its ValidationError.
 * test/notifications/cloud-event.test.ts checks that both paths give the same message for every kind of event.
 */
export class KafkaMessages {
  private lastTime = '';
  private lastTimestamp = '';

  constructor(private readonly source: string = DEFAULT_CLOUDEVENT_SOURCE) {
    const probe: KafkaAttributes = {
      id: '00000000-0000-4000-8000-000000000000',
      source,
      type: cloudEventType('SubjectDesignated', 1),
      subject: 'probe',
      time: '2000-01-01T00:00:00.000Z',
      datacontenttype: 'application/json',
      data: {} as NotificationData,
      globalposition: '0',
      effectivedate: '2000-01-01',
      authority: 'XX',
      regime: 'XX:PROBE',
      streamrevision: 0,
      correlationid: 'probe',
      commandid: 'probe',
      partitionkey: 'probe',
    };
    // With every optional extension, and without them (absent for the library, undefined here).
    for (const attributes of [probe, { ...probe, effectivedate: undefined, regime: undefined }]) {
      const defined = Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
      const expected = toKafkaMessage(strictCloudEvent(defined as unknown as LedgerCloudEventAttributes));
      const actual = this.fromAttributes(attributes);
      if (!sameMessage(expected, actual)) {
        throw new Error(
          `the cloudevents library's Kafka binding no longer matches the publisher's headers: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
        );
      }
    }
  }

  /** The message of a recorded event, its decoded (current-version) form and its regimes (RegimeLookup). */
  message(recorded: RecordedEvent, decoded: LedgerEvent, regimes: readonly string[] | undefined): Message {
    const { envelope } = recorded;
    const key = keyOf(decoded);
    // What cloudEventAttributes gives, as one fixed-shape object (absent optional attributes undefined):
    // several times cheaper to build than its conditional spreads, for the same values (same helpers).
    const attributes: KafkaAttributes = {
      id: envelope.eventId,
      source: this.source,
      type: currentType(decoded),
      subject: key,
      time: envelope.recordedAt,
      datacontenttype: 'application/json',
      data: notificationData(decoded, envelope),
      globalposition: recorded.position,
      effectivedate: effectiveDateOf(decoded),
      authority: decoded.data.authority,
      regime: regimeOf(decoded, regimes),
      streamrevision: recorded.revision,
      correlationid: envelope.correlationId,
      commandid: envelope.commandId,
      partitionkey: key,
    };
    if (!this.plainlyValid(attributes)) {
      return toKafkaMessage(toCloudEvent(recorded, { source: this.source, decoded, ...(regimes === undefined ? {} : { regimes }) }));
    }
    return this.fromAttributes(attributes);
  }

  /**
   * The cheap per-event checks (the constant attributes were validated once, in the constructor): true if the
   * direct path may build the message, false if the library's strict path must judge the time. An empty id or
   * subject is refused here: the library would replace an empty id by a random one, and consumers could no
   * longer drop duplicates by ce_id.
   */
  private plainlyValid(a: KafkaAttributes): boolean {
    if (typeof a.id !== 'string' || a.id === '') throw new ValidationError(`invalid id ${JSON.stringify(a.id)}: the event id must be a non-empty string`);
    if (typeof a.subject !== 'string' || a.subject === '') throw new ValidationError(`invalid subject ${JSON.stringify(a.subject)} of event ${a.id}`);
    if (typeof a.time !== 'string' || a.time === '') throw new ValidationError(`invalid time ${JSON.stringify(a.time)} of event ${a.id}`);
    if (a.time === this.lastTime) return true;
    const ms = Date.parse(a.time);
    // Consecutive events of one transaction share their time: check each distinct value once.
    if (Number.isNaN(ms) || new Date(ms).toISOString() !== a.time) return false;
    this.lastTime = a.time;
    this.lastTimestamp = String(ms);
    return true;
  }

  /** The library's binary mapping, written out: content-type, then ce_<attribute> in its order, absent ones left out. */
  private fromAttributes(a: KafkaAttributes): Message {
    const headers: Record<string, string> = {
      'content-type': a.datacontenttype,
      ce_id: a.id,
      ce_time: a.time,
      ce_type: a.type,
      ce_source: a.source,
      ce_specversion: '1.0',
      ce_datacontenttype: a.datacontenttype,
      ce_subject: a.subject,
      ce_globalposition: a.globalposition,
    };
    if (a.effectivedate !== undefined) headers.ce_effectivedate = a.effectivedate;
    headers.ce_authority = a.authority;
    if (a.regime !== undefined) headers.ce_regime = a.regime;
    headers.ce_streamrevision = String(a.streamrevision);
    headers.ce_correlationid = a.correlationid;
    headers.ce_commandid = a.commandid;
    headers.ce_partitionkey = a.partitionkey;
    return {
      key: a.partitionkey,
      value: JSON.stringify(a.data),
      headers,
      timestamp: a.time === this.lastTime ? this.lastTimestamp : String(Date.parse(a.time)),
    };
  }
}

/** LedgerCloudEventAttributes with the optional extensions always present (undefined when absent). */
type KafkaAttributes = Omit<LedgerCloudEventAttributes, 'effectivedate' | 'regime'> & {
  readonly effectivedate: string | undefined;
  readonly regime: string | undefined;
};

/** Same key, value, timestamp and headers (names and values, in the same order). */
export function sameMessage(a: Message, b: Message): boolean {
  const entries = (m: Message) => JSON.stringify(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return (
    String(a.key) === String(b.key) &&
    String(a.value) === String(b.value) &&
    String(a.timestamp) === String(b.timestamp) &&
    entries(a) === entries(b)
  );
}

/** Structured mode: the whole CloudEvent as one JSON object (the feeds' format). */
export function toStructuredJson(event: LedgerCloudEvent): string {
  return JSON.stringify(event);
}

export type { Position };
