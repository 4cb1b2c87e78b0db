/**
 * The event catalogue: every event type, its current schema version and its data codec, plus the upcasters
 * that lift stored older versions to the current one. Old versions stay readable forever.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import {
  DesignationAmendedData,
  DesignationCorrectedData,
  SubjectDelistedData,
  SubjectDesignatedData,
} from './designation-events';
import { ListFileImportedData } from './list-events';
import { ResolutionAdoptedData, ResolutionAmendedData, ResolutionRepealedData } from './resolution-events';
import { fieldErrors, type FieldError } from './decode-errors';

export const eventCodecs = {
  ResolutionAdopted: ResolutionAdoptedData,
  ResolutionAmended: ResolutionAmendedData,
  ResolutionRepealed: ResolutionRepealedData,
  SubjectDesignated: SubjectDesignatedData,
  DesignationAmended: DesignationAmendedData,
  DesignationCorrected: DesignationCorrectedData,
  SubjectDelisted: SubjectDelistedData,
  ListFileImported: ListFileImportedData,
} as const;

export type EventType = keyof typeof eventCodecs;
export const EVENT_TYPES = Object.keys(eventCodecs) as EventType[];

/** A domain event: plain readonly data with a `type` discriminant (the Emmett shape). */
export type LedgerEvent = {
  [K in EventType]: { readonly type: K; readonly data: t.TypeOf<(typeof eventCodecs)[K]> };
}[EventType];
export type EventOf<K extends EventType> = Extract<LedgerEvent, { type: K }>;
export type ResolutionEvent = EventOf<'ResolutionAdopted' | 'ResolutionAmended' | 'ResolutionRepealed'>;
export type SubjectEvent = EventOf<
  'SubjectDesignated' | 'DesignationAmended' | 'DesignationCorrected' | 'SubjectDelisted'
>;
export type ListEvent = EventOf<'ListFileImported'>;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventCodecs, type);
}

/** Lifts the data of version N to version N+1. */
export type Upcaster = (data: unknown) => unknown;

export interface Catalogue {
  /** The version new events are written with. */
  readonly currentVersion: Readonly<Record<EventType, number>>;
  /** upcasters[type][n] lifts version n to n + 1. */
  readonly upcasters: Readonly<Partial<Record<EventType, Readonly<Record<number, Upcaster>>>>>;
}

/** Every type is at version 1; a new version adds its upcaster here, next to the version bump. */
export const catalogue: Catalogue = {
  currentVersion: {
    ResolutionAdopted: 1,
    ResolutionAmended: 1,
    ResolutionRepealed: 1,
    SubjectDesignated: 1,
    DesignationAmended: 1,
    DesignationCorrected: 1,
    SubjectDelisted: 1,
    ListFileImported: 1,
  },
  upcasters: {},
};

export type EventDecodeError =
  | { readonly kind: 'unknown-event-type'; readonly type: string; readonly message: string }
  | { readonly kind: 'unsupported-version'; readonly type: string; readonly version: number; readonly message: string }
  | { readonly kind: 'invalid-event-data'; readonly type: string; readonly errors: FieldError[]; readonly message: string };

export function upcast(
  type: EventType,
  version: number,
  data: unknown,
  using: Catalogue = catalogue,
): E.Either<EventDecodeError, unknown> {
  const target = using.currentVersion[type];
  if (!Number.isInteger(version) || version < 1 || version > target) {
    return E.left({
      kind: 'unsupported-version',
      type,
      version,
      message: `${type} schema version ${version} is not readable (current is ${target})`,
    });
  }
  let lifted = data;
  for (let v = version; v < target; v++) {
    const step = using.upcasters[type]?.[v];
    if (step === undefined) {
      return E.left({
        kind: 'unsupported-version',
        type,
        version,
        message: `${type} has no upcaster from version ${v} to ${v + 1}`,
      });
    }
    lifted = step(lifted);
  }
  return E.right(lifted);
}

/** Decodes stored or submitted event data of any readable version into the current domain event. */
export function decodeEvent(
  type: string,
  version: number,
  data: unknown,
  using: Catalogue = catalogue,
): E.Either<EventDecodeError, LedgerEvent> {
  if (!isEventType(type)) {
    return E.left({ kind: 'unknown-event-type', type, message: `unknown event type "${type}"` });
  }
  const codec: t.Mixed = eventCodecs[type];
  return pipe(
    upcast(type, version, data, using),
    E.chain((current) =>
      pipe(
        codec.decode(current),
        E.mapLeft((errors): EventDecodeError => {
          const fields = fieldErrors(errors);
          return {
            kind: 'invalid-event-data',
            type,
            errors: fields,
            message: `${type}: ${fields.map((f) => `${f.path}: expected ${f.expected}`).join('; ')}`,
          };
        }),
      ),
    ),
    E.map((decoded) => ({ type, data: decoded }) as LedgerEvent),
  );
}

/**
 * Reads an event the ledger itself stored: upcast to the current version, without validating it again.
 * Every stored event passed its codec when it was appended and is covered by the hash chain (verify checks
 * it), so read-heavy paths such as the projector skip the second validation, which costs more than parsing.
 */
export function readStoredEvent(type: string, version: number, data: unknown, using: Catalogue = catalogue): E.Either<EventDecodeError, LedgerEvent> {
  if (!isEventType(type)) {
    return E.left({ kind: 'unknown-event-type', type, message: `unknown event type "${type}"` });
  }
  if (version === using.currentVersion[type]) return E.right({ type, data } as LedgerEvent);
  return pipe(
    upcast(type, version, data, using),
    E.map((current) => ({ type, data: current }) as LedgerEvent),
  );
}
