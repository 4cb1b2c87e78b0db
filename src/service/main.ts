/**
 * The main job (`npm start`, `sanctions-ledger start` or `serve`): the HTTP service over the configured store,
 * with the projector in the same process.
 *
 * On an empty store it records the worked example first, so a new checkout answers the sample query at once.
 * With no tokens configured it generates a development writer token and prints it once on stdout (never in the
 * structured log); it lives as long as the process. SIGTERM or SIGINT closes it gracefully: stop accepting,
 * finish in-flight requests, stop the projector at a consistent checkpoint; the caller then closes the store.
 */
import { randomBytes } from 'node:crypto';
import { authConfigFromEnv, digestOf, type AuthConfig } from '../http/auth-config';
import { DocumentArchive, documentArchiveDir } from '../documents';
import { buildServer } from '../http/server';
import { closeServer } from '../http/shutdown';
import type { Ledger } from '../ledger';
import { Projector } from '../projector/projector';
import { notificationConfig } from '../config';
import { openPublisher, type OpenedPublisher } from '../notifications/open-publisher';
import { ScreeningService } from '../screening';
import { openWatchlists, watchlistConfig, type OpenedWatchlists, type WatchlistConfig } from '../watchlists';
import type { ServerOptions } from '../http/server';
import type { EventStore } from '../store/event-store';
import { serviceConfig } from './config';
import { startServiceSync, syncConfig, type CheckResult, type ServiceSync } from '../sync';

export interface RunServiceOptions {
  readonly viewsPath: string;
  /** How messages name the store (its file or URL). */
  readonly storeLabel?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the human-readable lines go (URL, sample query, dev token); default stdout. */
  readonly out?: NodeJS.WritableStream;
}

function withDevToken(auth: AuthConfig): { auth: AuthConfig; devToken?: string } {
  if (auth.tokens.length > 0) return { auth };
  const devToken = `dev-${randomBytes(24).toString('base64url')}`;
  return { auth: { ...auth, tokens: [{ name: 'dev', role: 'writer', kind: 'person', digest: digestOf(devToken) }] }, devToken };
}

/** What a person starting the service needs, in one write so that no log line lands in the middle of it. */
function banner(url: string, storeKind: string, viewsPath: string, devToken: string | undefined): string {
  const lines = [`sanctions-ledger listening on ${url} (${storeKind} store, read models in ${viewsPath})`];
  if (devToken !== undefined) {
    lines.push('no LEDGER_TOKENS or LEDGER_TOKENS_FILE: development writer token, valid until this process stops:', `  export LEDGER_TOKEN=${devToken}`);
  }
  const token = devToken === undefined ? '<token>' : '$LEDGER_TOKEN';
  lines.push('try:', `  curl -H "Authorization: Bearer ${token}" '${url}/subjects/ro-kwang-chol?asOf=2024-12-16'`, `  web pages: ${url}/ui/`, `  docs: ${url}/docs`);
  return `${lines.join('\n')}\n`;
}

/** Resolves with the signal's name at the first SIGTERM or SIGINT; a second one exits at once. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.once('SIGTERM', () => process.exit(130));
      process.once('SIGINT', () => process.exit(130));
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * The watchlists (database, follower, relay) and what the HTTP service screens with, over ONE ScreeningService:
 * `POST /screenings`, the screening of registrations and the follower's receipts answer from one index (about
 * 44 MB on the real lists), kept current with the read models once, instead of one index each.
 */
export function openServiceScreening(
  store: EventStore,
  projector: Projector,
  watching: WatchlistConfig,
): { watchlists: OpenedWatchlists; server: Required<Pick<ServerOptions, 'screening' | 'watchlists'>> } {
  const screening = new ScreeningService(projector);
  const watchlists = openWatchlists(store, projector, watching, { kafka: watching.kafka, screening });
  return { watchlists, server: { screening, watchlists: { store: watchlists.store, screener: watchlists.follower.registration } } };
}

export async function runService(ledger: Ledger, options: RunServiceOptions): Promise<void> {
  const env = options.env ?? process.env;
  const out = options.out ?? process.stdout;
  const config = serviceConfig(env);
  const { auth, devToken } = withDevToken(authConfigFromEnv(env));
  const stopping = shutdownSignal();

  const [first] = await ledger.store.readAll({ maxCount: 1 });
  if (first === undefined) {
    const seeded = await ledger.seedWorkedExample();
    out.write(`empty store: recorded the worked example (${seeded.accepted} commands, example data)\n`);
  }

  // A views file of another ledger, or of an older or diverged copy of this one, refuses the start (one line on
  // stderr naming both files and the fix) rather than serve wrong answers: catchUp checks the binding first.
  const projector = Projector.open(ledger.store, options.viewsPath, options.storeLabel === undefined ? {} : { storeLabel: options.storeLabel });
  // LEDGER_PUBLISH_KAFKA=true runs the Kafka publisher in this process too (otherwise: `sanctions-ledger publish`).
  const kafka: OpenedPublisher | undefined = config.publishKafka ? openPublisher(ledger.store, notificationConfig(env)) : undefined;
  // Watchlists (src/watchlists): their own database; the follower starts after the projector and stops before it.
  const watching = watchlistConfig(env);
  const { watchlists, server: screening } = openServiceScreening(ledger.store, projector, watching);
  // Sync (src/sync) is off unless LEDGER_SYNC=true or LEDGER_SOURCES_FILE: the quick start needs no network.
  const syncing = syncConfig(env);
  let sync: ServiceSync | undefined;
  let logResult = (_result: CheckResult) => {};
  try {
    await projector.catchUp();
    projector.start();
    await kafka?.publisher.start();
    watchlists.start(watching.inService);
    // After the projector (the importer diffs against its views); stopped before it.
    if (syncing.enabled) sync = startServiceSync(syncing, { ledger, projector }, env, (result) => logResult(result));
    const app = await buildServer({
      ledger,
      projector,
      auth,
      logger: { level: config.logLevel },
      readyMaxLag: config.readyMaxLag,
      imports: { projector },
      documents: DocumentArchive.open(documentArchiveDir(env)),
      ...screening,
      ...(sync === undefined ? {} : { sync }),
    });
    logResult = ({ report: _report, ...result }) => app.log[result.outcome === 'failed' || result.outcome === 'refused' ? 'warn' : 'info']({ sync: result }, 'source checked');
    const address = await app.listen({ host: config.host, port: config.port });
    out.write(banner(address.replace('[::1]', 'localhost'), ledger.store.kind, options.viewsPath, devToken));
    if (devToken !== undefined) app.log.warn('no tokens configured: generated a development writer token (printed on stdout, not logged)');

    const signal = await stopping;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await closeServer(app);
    await sync?.stop();
    await kafka?.publisher.stop();
    await watchlists.close();
    await projector.stop();
    app.log.info({ position: projector.position() ?? null }, 'projector stopped at a consistent checkpoint');
  } finally {
    await sync?.stop();
    await watchlists.close();
    await projector.close();
    kafka?.close();
  }
}
