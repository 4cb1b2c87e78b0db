/** SQLite positions are row numbers, written as 16 zero-padded digits so that string order is log order. */
import type { Position } from '../event-store';

const WIDTH = 16;

/** Zeros to put before a number of n digits, by n: one concatenation per position, cheaper than padStart when reading the log. */
const ZEROS = Array.from({ length: WIDTH + 1 }, (_, digits) => '0'.repeat(WIDTH - digits));

export function toPosition(rowNumber: number): Position {
  const digits = String(rowNumber);
  return `${ZEROS[digits.length] ?? ''}${digits}` as Position;
}

export function fromPosition(position: Position | undefined): number {
  if (position === undefined) return 0;
  if (!/^\d{1,16}$/.test(position)) throw new RangeError(`not a SQLite log position: "${position}"`);
  return Number(position);
}
