/** Writes the current state of each resolution. */
import type Database from 'better-sqlite3';
import type { LedgerEvent, ResolutionEvent } from '../../../events';
import { evolveResolution } from '../../../projections/resolution-state';
import { resolutionsSchema } from '../../../projections/schema';
import type { ResolutionView } from '../../queries/types';
import type { BulkLoader, ReadModel, ReadModelWriter } from './read-model';

const isResolutionEvent = (event: LedgerEvent): event is ResolutionEvent => 'resolutionId' in event.data;

const UPSERT = `INSERT INTO resolutions (resolution_id, authority, regimes, state) VALUES (?, ?, ?, ?)
  ON CONFLICT (resolution_id) DO UPDATE SET regimes = excluded.regimes, state = excluded.state`;

const rowOf = (state: ResolutionView) => [state.resolutionId, state.authority, JSON.stringify(state.regimes), JSON.stringify(state)] as const;

function writer(db: Database.Database): ReadModelWriter {
  const load = db.prepare<[string], { state: string }>('SELECT state FROM resolutions WHERE resolution_id = ?');
  const save = db.prepare(UPSERT);
  return {
    apply({ event }) {
      if (!isResolutionEvent(event)) return;
      const stored = load.get(event.data.resolutionId);
      const state = evolveResolution(stored && (JSON.parse(stored.state) as ResolutionView), event);
      if (state !== undefined) save.run(...rowOf(state));
    },
  };
}

/** Resolutions are few: fold them all in memory and write each once. */
function bulkLoader(db: Database.Database): BulkLoader {
  const save = db.prepare(UPSERT);
  const states = new Map<string, ResolutionView>();
  return {
    apply({ event }) {
      if (!isResolutionEvent(event)) return;
      const state = evolveResolution(states.get(event.data.resolutionId), event);
      if (state !== undefined) states.set(state.resolutionId, state);
    },
    finish() {
      for (const state of states.values()) save.run(...rowOf(state));
    },
  };
}

export const resolutionsReadModel: ReadModel = { schema: resolutionsSchema, writer, bulkLoader };
