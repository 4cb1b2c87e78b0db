/**
 * The real HTTP service with every optional route group switched on (imports, documents, watchlists, sources),
 * over an in-memory ledger seeded with the worked example, for the fuzz properties that must reach every route.
 * Also the app's own route list, read from Fastify's route tree, so a property can check that the OpenAPI
 * document it generates cases from is the whole API and not a part of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DocumentArchive } from '../../../src/documents';
import { WatchlistStore } from '../../../src/watchlists';
import { asWriter, testService, type TestService } from '../../http/support';

export interface FullService extends TestService {
  /** Events in the whole log: the "nothing appended" oracle. */
  eventCount(): Promise<number>;
  readonly watchlists: WatchlistStore;
}

export async function fullService(): Promise<FullService> {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-full-service-'));
  const watchlists = WatchlistStore.open(join(dir, 'watchlists.db'));
  const service = await testService({
    seed: true,
    withImports: true,
    documents: DocumentArchive.open(join(dir, 'documents')),
    watchlists: { store: watchlists },
    sync: { statuses: () => [], staleSources: () => [] },
  });
  return {
    ...service,
    watchlists,
    eventCount: async () => (await service.store.readAll({})).length,
    async close() {
      await service.close();
      watchlists.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AppRoute {
  readonly method: string;
  /** In OpenAPI form: `/subjects/{id}/history`. */
  readonly path: string;
}

/**
 * Every method and path the app answers, from `printRoutes` (Fastify has no route list API): each line of the
 * tree is one segment, indented four characters a level under its parent, with its methods in brackets.
 */
export function appRoutes(app: FastifyInstance): AppRoute[] {
  const parents: string[] = [];
  const routes: AppRoute[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = match[1]!.length / 4;
    const path = (parents[depth - 1] ?? '') + match[2]!;
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      routes.push({ method, path: path.replace(/:(\w+)/g, '{$1}') });
    }
  }
  return routes;
}

/** A writer's JSON POST with a body given as text (so duplicate keys and invalid text reach the server as sent). */
export const postText = (app: FastifyInstance, url: string, text: string) =>
  app.inject({ method: 'POST', url, headers: { ...asWriter, 'content-type': 'application/json' }, payload: text });
