/**
 * The publisher's policy for an event the broker refuses for good (issue 10 item 8): a message larger than the
 * topic's `max.message.bytes`, or any other per-message refusal no retry can fix. Retrying it would stall every
 * later notification; skipping it silently would be a gap nobody sees. Instead the publisher sends a small
 * dead-letter record (what the event is and why it was refused, never its payload) to the dead-letter topic,
 * logs it at error level, counts it in its status, moves its checkpoint past the event and carries on in order.
 */
import type { Message } from 'kafkajs';
import type { Position } from '../store/event-store';

/** kafkajs protocol error types that refuse a message itself, not the broker's availability. */
const PERMANENT_MESSAGE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TIMESTAMP']);

/** True for a refusal of the messages sent (kafkajs' KafkaJSProtocolError, or the send thread's copy of it). */
export function isPermanentMessageError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, retriable } = error as { type?: unknown; retriable?: unknown };
  return typeof type === 'string' && PERMANENT_MESSAGE_ERRORS.has(type) && retriable !== true;
}

export interface DeadLetter {
  readonly eventId: string;
  readonly position: Position;
  readonly type: string;
  readonly streamId: string;
  readonly subject: string | undefined;
  /** Size of the refused message (key, value and headers), in bytes. */
  readonly bytes: number;
  readonly error: string;
  /** The topic that refused it. */
  readonly topic: string;
  readonly deadLetteredAt: string;
}

/** Bytes of a message as the broker counts them, near enough to explain a MESSAGE_TOO_LARGE. */
export function messageBytes(message: Message): number {
  const size = (value: unknown) => (value == null ? 0 : Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value)));
  let bytes = size(message.key) + size(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(name) + size(value);
  return bytes;
}

/** The dead-letter record: keyed by event id, JSON value, no payload (it is what could not be sent). */
export function deadLetterMessage(letter: DeadLetter): Message {
  return {
    key: letter.eventId,
    value: JSON.stringify(letter),
    headers: { 'content-type': 'application/json', ce_id: letter.eventId, ledger_position: letter.position },
  };
}
