/** The current state of a resolution, folded from its events. Pure. */
import type { ResolutionEvent } from '../events';
import type { ResolutionView } from '../src/queries/types';

export function evolveResolution(state: ResolutionView | undefined, event: ResolutionEvent): ResolutionView | undefined {
  switch (event.type) {
    case 'ResolutionAdopted': {
      const d = event.data;
      return {
        resolutionId: d.resolutionId,
        authority: d.authority,
        regimes: d.regimes,
        kind: d.kind,
        reference: d.reference,
        title: d.title,
        adoptedOn: d.adoptedOn,
        inForceFrom: d.inForceFrom,
        measures: d.measures,
        ...(d.sourceUrl === undefined ? {} : { sourceUrl: d.sourceUrl }),
      };
    }
    case 'ResolutionAmended':
      return state && { ...state, ...event.data.changes };
    case 'ResolutionRepealed':
      return state && { ...state, repealedFrom: event.data.effectiveFrom };
  }
}
