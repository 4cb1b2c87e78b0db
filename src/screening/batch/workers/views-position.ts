/**
 * The position of a views file as its projector reports it (Projector.position): the least checkpoint of the read
 * models, or null while one has none. A worker reads it in the same read transaction as the segments it indexes,
 * so the index and the position are of one state of the file.
 */
import type Database from 'better-sqlite3';
import { ALL_READ_MODELS } from '../../../projector/projector';

export function viewsPosition(db: Database.Database): string | null {
  const read = db.prepare<[string], { position: string | null }>('SELECT position FROM checkpoints WHERE read_model = ?');
  let least: string | null = null;
  for (const model of ALL_READ_MODELS) {
    const position = read.get(model.schema.name)?.position ?? null;
    if (position === null) return null;
    if (least === null || position < least) least = position;
  }
  return least;
}
