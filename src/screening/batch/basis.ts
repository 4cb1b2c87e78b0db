/**
 * The basis of a batch, given once: asOf, knownAt, regimes, threshold and limit (the one-screening codecs) and,
 * for a lookback, `since`. A `since` date moves asOf and keeps knownAt ("who became sanctioned since D": in force
 * on D as known now, against in force on asOf as known now); a `since` instant moves knownAt and keeps asOf
 * ("what did the ledger learn since T": in force on asOf as known at T, against as known at knownAt).
 */
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { fieldErrors, Instant, IsoDate, type FieldError } from '../../../events';
import { QueryParameterError } from '../../queries/types';
import { resolveAsOf, resolveKnownAt } from '../../queries/time';
import { ScreeningRequest } from '../query-codec';

const options = ScreeningRequest.type.types[1].props;
const BatchOptionsCodec = t.exact(
  t.partial({
    asOf: options.asOf,
    knownAt: options.knownAt,
    regimes: options.regimes,
    threshold: options.threshold,
    limit: options.limit,
    since: t.union([IsoDate, Instant], 'a date YYYY-MM-DD or a UTC instant such as 2024-12-15T00:00:00Z'),
  }),
  'BatchOptions',
);
export type BatchOptions = t.TypeOf<typeof BatchOptionsCodec>;

export interface Basis {
  readonly asOf: string;
  readonly knownAt: string;
}

export interface BatchPlan {
  readonly now: Basis;
  /** Present for a lookback: the earlier basis the answers are compared with. */
  readonly since?: Basis;
  readonly regimes?: readonly string[];
  readonly threshold?: number;
  readonly limit?: number;
}

export function decodeBatchOptions(input: Record<string, unknown>): E.Either<FieldError[], BatchOptions> {
  const decoded = BatchOptionsCodec.decode(input);
  return E.isLeft(decoded) ? E.left(fieldErrors(decoded.left)) : E.right(decoded.right);
}

/** Fixes both bases (defaults today and now); throws QueryParameterError naming knownAt or since when refused. */
export function planBatch(batch: BatchOptions, clock: Date = new Date()): BatchPlan {
  const now = { asOf: resolveAsOf(batch.asOf), knownAt: resolveKnownAt(batch.knownAt, clock) };
  const shared = {
    ...(batch.regimes === undefined ? {} : { regimes: batch.regimes }),
    ...(batch.threshold === undefined ? {} : { threshold: batch.threshold }),
    ...(batch.limit === undefined ? {} : { limit: batch.limit }),
  };
  if (batch.since === undefined) return { now, ...shared };
  if (IsoDate.is(batch.since)) {
    if (batch.since > now.asOf) throw new QueryParameterError('since', `since ${batch.since} is after asOf ${now.asOf}; a lookback compares an earlier date with a later one`);
    return { now, since: { asOf: batch.since, knownAt: now.knownAt }, ...shared };
  }
  const knownAt = new Date(batch.since).toISOString();
  if (knownAt > now.knownAt) throw new QueryParameterError('since', `since ${batch.since} is after knownAt ${now.knownAt}; a lookback compares an earlier instant with a later one`);
  return { now, since: { asOf: now.asOf, knownAt }, ...shared };
}
