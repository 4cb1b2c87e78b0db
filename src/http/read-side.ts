/**
 * What the HTTP layer needs from the projector (src/projector/projector.ts). Declared structurally so the
 * server can be tested with a stand-in and does not depend on how the read models are stored.
 */
import type { LedgerQueries } from '../queries/types';
import type { Position } from '../store/event-store';

export interface ReadSide {
  readonly queries: LedgerQueries;
  /** Resolves once the read models include the event at `position`; rejects after the timeout. */
  waitFor(position: Position, timeoutMs?: number): Promise<void>;
  /** The position every read model has reached; undefined before the first event. */
  position(): Position | undefined;
  /** Why the background projection stopped, if it did (then the read models no longer follow the log). */
  failure?(): unknown;
}
