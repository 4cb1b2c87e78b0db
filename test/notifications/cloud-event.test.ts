/**
 * The CloudEvent of a recorded event: every attribute, the extensions, the data, and the Kafka binary mapping,
 * through the library and through the publisher's direct path (KafkaMessages), which must agree on every event.
 */
import * as E from 'fp-ts/Either';
import { Kafka as CloudEventsKafka, ValidationError, type KafkaMessage } from 'cloudevents';
import type { Message } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRecorded } from '../../src/commands/command-handler';
import { Ledger } from '../../src/ledger';
import {
  CloudEventMapper,
  cloudEventType,
  eventTypeOf,
  KafkaMessages,
  sameMessage,
  toCloudEvent,
  toKafkaMessage,
  type LedgerCloudEvent,
} from '../../src/notifications/cloud-event';
import type { RecordedEvent } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { writer } from '../support/metadata';
import { appendGenerated } from './generated-events';

let ledger: Ledger;
let log: RecordedEvent[];
let mapped: LedgerCloudEvent[];

beforeAll(async () => {
  ledger = Ledger.over(SqliteEventStore.open(':memory:'));
  await ledger.seedWorkedExample();
  // Resolution events that do not carry their regimes: the regime extension comes from the stream.
  for (const command of [
    { type: 'AmendResolution', data: { resolutionId: 'UNSC-2375', effectiveFrom: '2018-01-01', changes: { title: 'Amended title' } } },
    { type: 'RepealResolution', data: { resolutionId: 'UNSC-2375', effectiveFrom: '2025-01-01', reason: 'lapsed (test)' } },
  ]) {
    const result = await ledger.execute(command, { ...writer, correlationId: 'corr-1' });
    expect(E.isRight(result), JSON.stringify(result)).toBe(true);
  }
  // Every other kind of event: generated designations and amendments, a correction (its effective date comes
  // from the corrections), a delisting.
  await appendGenerated(ledger, { count: 24, subjects: 8, prefix: 'gen' });
  for (const command of [
    { type: 'CorrectDesignation', data: { subjectId: 'gen-1', regime: 'UN:DPRK', corrections: { effectiveFrom: '2024-12-01' }, reason: 'recorded wrongly' } },
    { type: 'DelistSubject', data: { subjectId: 'gen-2', regime: 'US:DPRK3', effectiveFrom: '2025-06-01', legalBasis: ['ACT-2'], reason: 'delisted' } },
  ]) {
    const result = await ledger.execute(command, writer);
    expect(E.isRight(result), JSON.stringify(result)).toBe(true);
  }
  log = await ledger.store.readAll({ maxCount: 1000 });
  const mapper = new CloudEventMapper(ledger.store, 'urn:test:ledger');
  mapped = [];
  for (const event of log) mapped.push(await mapper.map(event));
});

describe('CloudEvent of a recorded event', () => {
  it('maps a SubjectDesignated with every attribute, extension and self-contained data', () => {
    const index = log.findIndex((e) => e.type === 'SubjectDesignated');
    const recorded = log[index]!;
    const ce = mapped[index]!;
    const data = recorded.data as Record<string, unknown>;
    expect(ce.specversion).toBe('1.0');
    expect(ce.id).toBe(recorded.envelope.eventId);
    expect(ce.source).toBe('urn:test:ledger');
    expect(ce.type).toBe('org.sanctions-ledger.SubjectDesignated.v1');
    expect(ce.subject).toBe('ro-kwang-chol');
    expect(ce.time).toBe(recorded.envelope.recordedAt);
    expect(ce.datacontenttype).toBe('application/json');
    expect(ce.globalposition).toBe(recorded.position);
    expect(ce.effectivedate).toBe('2024-12-16');
    expect(ce.authority).toBe('EU');
    expect(ce.regime).toBe('EU:RUS');
    expect(ce.streamrevision).toBe(recorded.revision);
    expect(ce.correlationid).toBe(recorded.envelope.correlationId);
    expect(ce.commandid).toBe(recorded.envelope.commandId);
    expect(ce.partitionkey).toBe('ro-kwang-chol');
    expect(ce.data).toEqual({ ...data, actor: recorded.envelope.actor, source: recorded.envelope.source, hash: recorded.envelope.hash });
    expect((ce.data as { subjectId: string }).subjectId).toBe('ro-kwang-chol');
    expect(ce.validate()).toBe(true);
  });

  it('maps resolutions: subject = resolution id, regimes joined by "," and looked up for amendments and repeals', () => {
    const adopted = mapped.find((ce) => ce.subject === 'UNSC-2375' && ce.type.includes('ResolutionAdopted'))!;
    expect(adopted.regime).toBe('UN:DPRK');
    expect(adopted.effectivedate).toBe('2017-09-11');
    const amended = mapped.find((ce) => ce.type === cloudEventType('ResolutionAmended', 1))!;
    expect(amended).toMatchObject({ subject: 'UNSC-2375', regime: 'UN:DPRK', authority: 'UN', effectivedate: '2018-01-01', correlationid: 'corr-1' });
    const repealed = mapped.find((ce) => ce.type === cloudEventType('ResolutionRepealed', 1))!;
    expect(repealed).toMatchObject({ subject: 'UNSC-2375', regime: 'UN:DPRK', effectivedate: '2025-01-01', streamrevision: 2 });
    // A mapper that starts mid-log (no cache) finds the regimes by reading the resolution's stream.
    const alone = toCloudEvent(log.find((e) => e.type === 'ResolutionRepealed')!);
    expect(alone.regime).toBeUndefined();
    expect(alone.source).toBe('urn:sanctions-ledger');
  });

  it('names the event type and version in the CloudEvents type, and reads it back', () => {
    expect(cloudEventType('SubjectDelisted', 2)).toBe('org.sanctions-ledger.SubjectDelisted.v2');
    expect(eventTypeOf('org.sanctions-ledger.SubjectDelisted.v2')).toBe('SubjectDelisted');
    expect(eventTypeOf('com.example.Other')).toBeUndefined();
  });

  it('becomes a binary-mode Kafka message: ce_* headers, key = subject, value = the JSON data', () => {
    const ce = mapped.find((e) => e.subject === 'kim-yong-bok')!;
    const message = toKafkaMessage(ce);
    expect(message.key).toBe('kim-yong-bok');
    expect(JSON.parse(String(message.value))).toEqual(ce.data);
    expect(message.timestamp).toBe(String(Date.parse(ce.time!)));
    expect(message.headers).toEqual({
      'content-type': 'application/json',
      ce_id: ce.id,
      ce_source: 'urn:test:ledger',
      ce_type: 'org.sanctions-ledger.SubjectDesignated.v1',
      ce_specversion: '1.0',
      ce_subject: 'kim-yong-bok',
      ce_time: ce.time,
      ce_datacontenttype: 'application/json',
      ce_globalposition: ce.globalposition,
      ce_effectivedate: '2024-12-16',
      ce_authority: ce.authority,
      ce_regime: ce.regime,
      ce_streamrevision: String(ce.streamrevision),
      ce_correlationid: ce.correlationid,
      ce_commandid: ce.commandid,
      ce_partitionkey: 'kim-yong-bok',
    });
  });
});

/** A copy of a recorded event with other envelope fields (a stored event as some other writer might have left it). */
function withEnvelope(recorded: RecordedEvent, changes: { eventId?: string; recordedAt?: string }): RecordedEvent {
  const { streamId, revision, position, type, data, envelope } = recorded;
  return { streamId, revision, position, type, data, envelope: { ...envelope, ...changes } as RecordedEvent['envelope'] };
}

/** The library reads a binary-mode message back into a CloudEvent and validates it. */
function readBack(message: Message) {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const value = String(message.value);
  const kafkaMessage: KafkaMessage<string> = { headers, key: String(message.key), value, body: value };
  return CloudEventsKafka.toEvent(kafkaMessage) as LedgerCloudEvent;
}

describe("the publisher's Kafka messages (KafkaMessages)", () => {
  it('are, for every event of the log, exactly the library message (headers in order, key, value, timestamp), and valid CloudEvents', async () => {
    expect(new Set(log.map((e) => e.type))).toEqual(
      new Set(['ResolutionAdopted', 'ResolutionAmended', 'ResolutionRepealed', 'SubjectDesignated', 'DesignationAmended', 'DesignationCorrected', 'SubjectDelisted']),
    );
    const mapper = new CloudEventMapper(ledger.store, 'urn:test:ledger');
    for (const [index, recorded] of log.entries()) {
      const message = await mapper.kafkaMessage(recorded);
      const library = toKafkaMessage(mapped[index]!);
      expect(message, `${recorded.type} ${recorded.streamId}@${recorded.revision}`).toEqual(library);
      expect(sameMessage(message, library)).toBe(true);
      const back = readBack(message);
      expect(back.validate()).toBe(true);
      expect(back.id).toBe(recorded.envelope.eventId);
      expect(back.data).toEqual(mapped[index]!.data);
    }
  });

  it('sends a time in another RFC 3339 form through the library, and refuses what the library refuses', () => {
    const recorded = log.find((e) => e.type === 'SubjectDesignated')!;
    const messages = new KafkaMessages('urn:test:ledger');
    const build = (r: RecordedEvent) => messages.message(r, decodeRecorded(r), undefined);

    const offset = withEnvelope(recorded, { recordedAt: '2024-12-16T10:00:00+01:00' });
    const message = build(offset);
    expect(message).toEqual(toKafkaMessage(toCloudEvent(offset, { source: 'urn:test:ledger' })));
    expect(message.headers!.ce_time).toBe('2024-12-16T10:00:00+01:00');
    expect(message.timestamp).toBe(String(Date.parse('2024-12-16T09:00:00Z')));
    expect(readBack(message).validate()).toBe(true);

    expect(() => build(withEnvelope(recorded, { recordedAt: 'yesterday' }))).toThrow(ValidationError);
    // The library would give an empty id a random one (and consumers could not drop duplicates): refused.
    expect(() => build(withEnvelope(recorded, { eventId: '' }))).toThrow(ValidationError);
    expect(() => build(withEnvelope(recorded, { recordedAt: '' }))).toThrow(ValidationError);
    // The next valid event still takes the direct path with its own time.
    expect(build(recorded)).toEqual(toKafkaMessage(toCloudEvent(recorded, { source: 'urn:test:ledger', decoded: decodeRecorded(recorded) })));
  });

  it('validates the constant attributes once, when built: a source that is no URI reference is refused', () => {
    expect(() => new KafkaMessages('not a uri')).toThrow(ValidationError);
    expect(() => new KafkaMessages('urn:sanctions-ledger:eu')).not.toThrow();
  });
});
