/** Builders for raw events to append in store-level tests. */
import { randomUUID } from 'node:crypto';
import type { EnvelopeInput } from '../../events';
import type { EventToAppend } from '../../src/store/event-store';

export function envelopeInput(overrides: Partial<EnvelopeInput> = {}): EnvelopeInput {
  const id = randomUUID();
  return {
    eventId: id,
    schemaVersion: 1,
    actor: { id: 'contract-test', kind: 'service' },
    source: { publisher: 'contract suite' },
    commandId: id,
    correlationId: id,
    causationId: id,
    ...overrides,
  } as EnvelopeInput;
}

export function rawEvent(type = 'TestHappened', data: unknown = { n: 1 }): EventToAppend {
  return { type, data, envelope: envelopeInput() };
}

/** Events of one command, as one append of the command handler carries them: they share its command id. */
export function rawEvents(count: number, type = 'TestHappened'): EventToAppend[] {
  const commandId = randomUUID() as EnvelopeInput['commandId'];
  return Array.from({ length: count }, (_, n) => ({ type, data: { n }, envelope: envelopeInput({ commandId, correlationId: commandId, causationId: commandId }) }));
}
