/**
 * Conversions between the port's events and @eventstore/db-client's (dist/types/events.d.ts):
 * a `ResolvedEvent` / `AllStreamResolvedEvent` holds `event?: RecordedEvent` with `streamId`, `id` (UUID string),
 * `isJson`, `revision: bigint`, `type`, `created: Date`, `data` (parsed JSON when `isJson`), `metadata` (parsed JSON
 * when it parses, raw bytes otherwise) and `position?: { commit: bigint; prepare: bigint }` (always set on $all reads;
 * on stream reads only from server 22.6 on).
 *
 * The sealed envelope travels as the event's metadata, so an event is one of ours when its content is JSON and its
 * metadata looks like a sealed envelope. Everything else in $all (system events, other tools' events) is skipped.
 */
import { createHash } from 'node:crypto';
import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import type { Envelope } from '../../../events';
import type { RecordedEvent } from '../event-store';
import { encodePosition } from './positions';

/** What servers before 22.6 put in a stream read's commit position when they have none: the u64 maximum. */
export const NO_POSITION_SENTINEL = (1n << 64n) - 1n;

const UUID_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Fixed namespace of the ledger's derived event ids: never change it, or retried appends get new ids. */
export const LEDGER_EVENT_ID_NAMESPACE = 'ecac96d6-004c-4e1d-ab0f-c325fdcb24b7';

/** RFC 9562 name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID_FORM.test(namespace)) throw new RangeError(`not a UUID namespace: "${namespace}"`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The EventStoreDB event id for an envelope's `eventId`: the id itself (lower case) when it is a UUID, otherwise a
 * UUID v5 derived from it, so the same envelope always gets the same id (the server's idempotence check relies on
 * it). The envelope keeps the original `eventId`.
 */
export function toEventUuid(eventId: string): string {
  return UUID_FORM.test(eventId) ? eventId.toLowerCase() : uuidV5(eventId, LEDGER_EVENT_ID_NAMESPACE);
}

export function isSystemEvent(event: { readonly type: string; readonly streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/** The minimal shape every sealed envelope has; full validation of the envelope happens above the port. */
export function isSealedEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.eventId === 'string' &&
    typeof v.recordedAt === 'string' &&
    typeof v.prevHash === 'string' &&
    typeof v.hash === 'string'
  );
}

export type SkipReason = 'no-event' | 'system' | 'not-json' | 'foreign' | 'no-position';

export type Classified =
  | { readonly kind: 'ledger'; readonly event: RecordedEvent }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly streamId?: string; readonly revision?: bigint };

/** Converts a resolved event of the client into the port's recorded event, or says why it is not one of ours. */
export function classifyResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): Classified {
  const recorded = resolved.event;
  if (recorded === undefined) return { kind: 'skip', reason: 'no-event' };
  const where = { streamId: recorded.streamId, revision: recorded.revision };
  if (isSystemEvent(recorded)) return { kind: 'skip', reason: 'system', ...where };
  if (!recorded.isJson) return { kind: 'skip', reason: 'not-json', ...where };
  if (!isSealedEnvelope(recorded.metadata)) return { kind: 'skip', reason: 'foreign', ...where };
  // Servers before 22.6 send no position on stream reads as commit = 2^64-1 (the client passes it on as a bigint).
  if (recorded.position === undefined || recorded.position.commit === NO_POSITION_SENTINEL) {
    return { kind: 'skip', reason: 'no-position', ...where };
  }
  return {
    kind: 'ledger',
    event: {
      streamId: recorded.streamId,
      revision: Number(recorded.revision),
      position: encodePosition(recorded.position),
      type: recorded.type,
      data: recorded.data as unknown,
      envelope: recorded.metadata,
    },
  };
}

/** The recorded event, or undefined when the resolved event is not one of ours (what $all reads skip). */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const classified = classifyResolved(resolved);
  return classified.kind === 'ledger' ? classified.event : undefined;
}
