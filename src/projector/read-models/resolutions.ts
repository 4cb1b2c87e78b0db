/** Writes the current state of each resolution. */
import type Database from 'better-sqlite3';
import type { ResolutionEvent } from '../../../events';
import { evolveResolution } from '../../../projections/resolution-state';
import { resolutionsSchema } from '../../../projections/schema';
import type { ResolutionView } from '../../queries/types';
import type { ReadModel, ReadModelWriter } from './read-model';

export const resolutionsReadModel: ReadModel = {
  schema: resolutionsSchema,
  writer(db: Database.Database): ReadModelWriter {
    const load = db.prepare<[string], { state: string }>('SELECT state FROM resolutions WHERE resolution_id = ?');
    const save = db.prepare(
      `INSERT INTO resolutions (resolution_id, authority, regimes, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (resolution_id) DO UPDATE SET regimes = excluded.regimes, state = excluded.state`,
    );
    return {
      apply({ event }) {
        if (!('resolutionId' in event.data)) return;
        const resolutionEvent = event as ResolutionEvent;
        const stored = load.get(resolutionEvent.data.resolutionId);
        const state = evolveResolution(stored && (JSON.parse(stored.state) as ResolutionView), resolutionEvent);
        if (state === undefined) return;
        save.run(state.resolutionId, state.authority, JSON.stringify(state.regimes), JSON.stringify(state));
      },
    };
  },
};
