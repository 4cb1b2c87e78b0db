/**
 * Writes commands straight into a service's ledger file before the service starts: a long history is recorded
 * in seconds instead of one HTTP request per event, and each event can carry a chosen recorded time. The
 * service projects them when it starts, as it would a ledger it was restarted on. Used by browser tests and
 * bench/web-pages.ts (so no vitest here).
 */
import * as E from 'fp-ts/Either';
import { Ledger } from '../../src/ledger';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

export interface LedgerWriter {
  /** One command (data as the HTTP body gives it, plus its target), recorded at `recordedAt` or now. */
  record(type: string, data: Record<string, unknown>, recordedAt?: string): Promise<void>;
  close(): Promise<void>;
}

export function ledgerWriter(file: string, actor = { id: 'browser-test', kind: 'person' }): LedgerWriter {
  let now: Date | undefined;
  const ledger = Ledger.over(SqliteEventStore.open(file, { clock: () => now ?? new Date() }));
  const metadata = { actor, source: { publisher: 'browser test' } };
  return {
    async record(type, data, recordedAt) {
      now = recordedAt === undefined ? undefined : new Date(recordedAt);
      const result = await ledger.execute({ type, data } as never, metadata);
      if (E.isLeft(result)) throw new Error(`${type}: ${JSON.stringify(result.left)}`);
    },
    close: () => ledger.close(),
  };
}
