/**
 * A ledger and its read models in a fresh temporary folder per test, for the importer's rule tests: `open()` gives
 * what `importSnapshot` takes, `close()` closes both (to reopen them as a restarted process would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

export interface TempLedger {
  open(): { ledger: Ledger; projector: Projector };
  close(): Promise<void>;
  readonly dir: string;
  readonly store: SqliteEventStore;
  readonly projector: Projector;
}

/** Registers the folder's creation and removal around each test of the enclosing describe. */
export function useTempLedger(prefix: string): TempLedger {
  let dir: string;
  let store: SqliteEventStore | undefined;
  let projector: Projector | undefined;
  const close = async () => {
    await projector?.close();
    await store?.close();
    projector = undefined;
    store = undefined;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    open() {
      store = SqliteEventStore.open(join(dir, 'ledger.db'));
      projector = Projector.open(store, join(dir, 'views.db'));
      return { ledger: Ledger.over(store), projector };
    },
    close,
    get dir() {
      return dir;
    },
    get store() {
      return store!;
    },
    get projector() {
      return projector!;
    },
  };
}
