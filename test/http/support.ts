/** A real ledger (in-memory SQLite store, projector) behind the real HTTP server, with known tokens. */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { digestOf, type AuthConfig, type TokenEntry } from '../../src/http/auth-config';
import { buildServer, type ServerOptions } from '../../src/http/server';
import { Ledger } from '../../src/ledger';
import { Projector } from '../../src/projector/projector';
import type { EventStore } from '../../src/store/event-store';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-event-store';

export const TOKENS = {
  writer: 'writer-secret-0123456789abcdef',
  reader: 'reader-secret-0123456789abcdef',
  expired: 'expired-secret-0123456789abcdef',
  unknown: 'unknown-secret-0123456789abcdef',
} as const;

const entry = (name: string, role: TokenEntry['role'], token: string, extra: Partial<TokenEntry> = {}): TokenEntry => ({
  name,
  role,
  kind: 'person',
  digest: digestOf(token),
  ...extra,
});

export const AUTH: AuthConfig = {
  publicReads: false,
  tokens: [
    entry('alice', 'writer', TOKENS.writer),
    { ...entry('screening', 'reader', TOKENS.reader), kind: 'service' },
    entry('old-writer', 'writer', TOKENS.expired, { expiresAt: Date.parse('2020-01-01T00:00:00Z') }),
  ],
};

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const asWriter = bearer(TOKENS.writer);
export const asReader = bearer(TOKENS.reader);

export const SOURCE = { publisher: 'Official Journal of the European Union', documentRef: 'OJ L, 2024/3187' };

/** Collects pino's JSON lines, to check what the log says (and never says). */
export function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}

export interface TestService {
  readonly app: FastifyInstance;
  readonly ledger: Ledger;
  readonly store: EventStore;
  readonly projector: Projector;
  /** Sets the clock the store records events with. */
  setClock(instant: string): void;
  close(): Promise<void>;
}

export interface TestServiceOptions extends Partial<Omit<ServerOptions, 'ledger' | 'projector' | 'imports'>> {
  /** Enable `POST /imports/{format}` over the service's own projector. */
  readonly withImports?: boolean;
  /** Wraps the in-memory SQLite store (e.g. to make it fail on purpose). */
  readonly wrapStore?: (store: EventStore) => EventStore;
  /** Record the worked example first. */
  readonly seed?: boolean;
  /** The recorded time of everything appended until setClock changes it; default the real clock. */
  readonly recordedAt?: string;
}

export async function testService(options: TestServiceOptions = {}): Promise<TestService> {
  let now: Date | undefined = options.recordedAt === undefined ? undefined : new Date(options.recordedAt);
  const sqlite = SqliteEventStore.open(':memory:', { clock: () => now ?? new Date() });
  const store = options.wrapStore?.(sqlite) ?? sqlite;
  const ledger = Ledger.over(store);
  if (options.seed) await ledger.seedWorkedExample();
  const projector = Projector.open(store, ':memory:');
  await projector.catchUp();
  projector.start();
  const { withImports, wrapStore: _w, seed: _s, recordedAt: _r, ...serverOptions } = options;
  const app = await buildServer({ auth: AUTH, ...serverOptions, ledger, projector, ...(withImports ? { imports: { projector } } : {}) });
  return {
    app,
    ledger,
    store,
    projector,
    setClock: (instant) => {
      now = new Date(instant);
    },
    async close() {
      await app.close();
      await projector.close();
      await ledger.close();
      if (store !== sqlite) await sqlite.close();
    },
  };
}

/** A DesignateSubject body for a made-up subject. */
export function designation(subjectId: string, overrides: Record<string, unknown> = {}) {
  return {
    data: {
      subjectId,
      kind: 'person',
      regime: 'EU:RUS',
      identity: { names: [{ name: `Test ${subjectId}`, quality: 'primary' }] },
      measures: ['asset-freeze'],
      legalBasis: ['EU-RUS-PACKAGE-15'],
      effectiveFrom: '2024-12-16',
      ...overrides,
    },
    source: SOURCE,
  };
}
