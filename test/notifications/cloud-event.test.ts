/** The CloudEvent of a recorded event: every attribute, the extensions, the data, and the Kafka binary mapping. */
import * as E from 'fp-ts/Either';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger';
import {
  CloudEventMapper,
  cloudEventType,
  eventTypeOf,
  toCloudEvent,
  toKafkaMessage,
  type LedgerCloudEvent,
} from '../../src/notifications/cloud-event';
import type { RecordedEvent } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';
import { writer } from '../support/metadata';

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
  log = await ledger.store.readAll({ maxCount: 100 });
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
