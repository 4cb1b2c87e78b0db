/**
 * EventStoreDB/KurrentDB log positions are `{ commit, prepare }` pairs of unsigned 64-bit integers (bigints in
 * @eventstore/db-client). Our port wants an opaque string whose lexicographic order is log order, so each half is
 * written as 20 zero-padded decimal digits (2^64 - 1 has 20 digits) and the halves are joined by '-':
 * `00000000000000012345-00000000000000012345`. The server orders $all by (commit, prepare), which is exactly the
 * string order of this encoding. A bigint never reaches JSON.stringify: positions leave this module as strings.
 */
import type { Position as EsdbPosition } from '@eventstore/db-client';
import type { Position } from '../event-store';

const WIDTH = 20;
const MAX_U64 = (1n << 64n) - 1n;
const ENCODED = /^(\d{20})-(\d{20})$/;

export type { EsdbPosition };

function half(value: bigint, name: string): string {
  if (value < 0n || value > MAX_U64) throw new RangeError(`${name} position out of the unsigned 64-bit range: ${value}`);
  return value.toString(10).padStart(WIDTH, '0');
}

export function encodePosition(position: EsdbPosition): Position {
  return `${half(position.commit, 'commit')}-${half(position.prepare, 'prepare')}` as Position;
}

export function decodePosition(position: Position): EsdbPosition {
  const match = ENCODED.exec(position);
  if (match === null) throw new RangeError(`not an EventStoreDB log position: "${position}"`);
  const commit = BigInt(match[1]!);
  const prepare = BigInt(match[2]!);
  if (commit > MAX_U64 || prepare > MAX_U64) throw new RangeError(`not an EventStoreDB log position: "${position}"`);
  return { commit, prepare };
}

/** True when `position` comes strictly after `after` in the log (undefined `after` = before the first event). */
export function isAfter(position: Position, after: Position | undefined): boolean {
  return after === undefined || position > after;
}
