/** SQLite positions are row numbers, written as 16 zero-padded digits so that string order is log order. */
import type { Position } from '../event-store';

const WIDTH = 16;

export function toPosition(rowNumber: number): Position {
  return String(rowNumber).padStart(WIDTH, '0') as Position;
}

export function fromPosition(position: Position | undefined): number {
  if (position === undefined) return 0;
  if (!/^\d{1,16}$/.test(position)) throw new RangeError(`not a SQLite log position: "${position}"`);
  return Number(position);
}
