/**
 * The envelope every event carries besides its data (DESIGN.md section 3): who, from which source, under which
 * command, and the hash-chain fields. The store seals an event (recorded time and hashes) when it appends it.
 */
import * as t from 'io-ts';
import { Instant, NonEmptyString, Sha256 } from './primitives';

export const ActorKind = t.keyof({ person: null, service: null, importer: null }, 'ActorKind');

export const Actor = t.strict({ id: NonEmptyString, kind: ActorKind }, 'Actor');
export type Actor = t.TypeOf<typeof Actor>;

/** Where the ledger learnt what the event says: the publisher and the document, with its hash for imports. */
export const Source = t.exact(
  t.intersection([
    t.type({ publisher: NonEmptyString }),
    t.partial({
      documentRef: t.string,
      url: t.string,
      fileName: t.string,
      retrievedAt: Instant,
      sha256: Sha256,
      // Set on illustrative data (the seeded worked example) so it can never pass for an authoritative list.
      exampleData: t.boolean,
    }),
  ]),
  'Source',
);
export type Source = t.TypeOf<typeof Source>;

/** What the command handler supplies for each new event. */
export const EnvelopeInput = t.intersection(
  [
    t.type({
      eventId: NonEmptyString,
      schemaVersion: t.number,
      actor: Actor,
      source: Source,
      commandId: NonEmptyString,
      correlationId: NonEmptyString,
      causationId: NonEmptyString,
    }),
    // SHA-256 of the command (type and data) that appended the event, so a command id reused with a different
    // body is told from a retry. Absent on events recorded before it existed.
    t.partial({ commandHash: Sha256 }),
  ],
  'EnvelopeInput',
);
export type EnvelopeInput = t.TypeOf<typeof EnvelopeInput>;

/** The hash of the (absent) event before revision 0 of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/** The envelope as stored: the input plus what the store adds when it appends. */
export const Envelope = t.intersection(
  [EnvelopeInput, t.type({ recordedAt: Instant, prevHash: Sha256, hash: Sha256 })],
  'Envelope',
);
export type Envelope = t.TypeOf<typeof Envelope>;
