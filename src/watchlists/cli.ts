/**
 * `sanctions-ledger watchlist ...` (create, replace, add, remove, list, show, delete, load, matches, history) and
 * `sanctions-ledger watch` (the follower and the Kafka relay as their own process, until SIGTERM/SIGINT).
 * Entries come as a JSON file ({"entries": [...]} or an array; - for stdin) or, for `load`, streamed NDJSON/CSV.
 * Bad input exits 2 naming the field or line; an unknown watchlist exits 2; an existing one on create exits 4.
 */
import * as E from 'fp-ts/Either';
import { createReadStream } from 'node:fs';
import { Projector } from '../projector/projector';
import { ScreeningService } from '../screening';
import { fail, program, READS, viewsPathFrom, withLedger } from '../cli/context';
import { EXIT } from '../cli/exit-codes';
import { InputError, readJsonInput } from '../cli/input';
import { printJson } from '../cli/output';
import { BulkLoadError } from './bulk-load';
import { WatchlistDeletedDuringLoadError } from './load-apply';
import { utf8Lines } from '../text/utf8';
import { watchlistConfig } from './config';
import { decodeEntries, WatchlistId } from './entry-codec';
import { openWatchlists } from './open-watchlists';
import { WatchlistScreener } from './screener';
import { UnknownWatchlistError, WatchlistExistsError, Watchlists } from './watchlists';
import { WatchlistStore } from './watchlist-store';

interface DbOption {
  watchlistsDb?: string;
}

const dbPath = (options: DbOption) => options.watchlistsDb ?? watchlistConfig().dbPath;

function checkedId(id: string, what = '<id>'): string {
  if (E.isLeft(WatchlistId.decode(id))) fail(EXIT.invalidInput, `${what}: expected ${WatchlistId.name}`);
  return id;
}

async function entriesFrom(file: string) {
  let json: unknown;
  try {
    json = await readJsonInput(file, 50 * 1024 * 1024);
  } catch (error) {
    if (error instanceof InputError) fail(EXIT.invalidInput, `${file}: ${error.message}`);
    throw error;
  }
  const list = Array.isArray(json) ? json : (json as { entries?: unknown } | null)?.entries;
  const decoded = decodeEntries(list);
  if (E.isLeft(decoded)) fail(EXIT.invalidInput, decoded.left.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; '));
  return decoded.right;
}

/** Opens the watchlists with a screener over the caught-up read models (changes are screened at once). */
async function withWatchlists<T>(options: DbOption, run: (watchlists: Watchlists) => T | Promise<T>, screen = true): Promise<T> {
  return withLedger(async (ledger, global) => {
    const projector = Projector.open(ledger.store, viewsPathFrom(global));
    const store = WatchlistStore.open(dbPath(options));
    const { source } = watchlistConfig();
    try {
      let screener: WatchlistScreener | undefined;
      if (screen) {
        await projector.catchUp();
        screener = new WatchlistScreener(store, new ScreeningService(projector), { source });
      }
      return await run(new Watchlists(store, screener, { source }));
    } catch (error) {
      if (error instanceof UnknownWatchlistError) fail(EXIT.invalidInput, error.message);
      if (error instanceof WatchlistExistsError) fail(EXIT.conflict, error.message);
      if (error instanceof BulkLoadError) fail(EXIT.invalidInput, error.message);
      if (error instanceof WatchlistDeletedDuringLoadError) fail(EXIT.conflict, error.message);
      throw error;
    } finally {
      store.close();
      await projector.close();
    }
  }, READS);
}

const print = (value: unknown, text: string) => (program.opts<{ json?: boolean }>().json ? printJson(value) : process.stdout.write(`${text}\n`));
const describeChange = (c: { watchlistId: string; entries: number; notifications: number }) => `${c.watchlistId}: ${c.entries} entries screened, ${c.notifications} match notification(s)`;

const watchlist = program.command('watchlist').description("manage watchlists (a caller's names kept screened; stored in LEDGER_WATCHLISTS_DB, never in the event log)");
const withDb = <T extends { option: (flags: string, description: string) => T }>(command: T) =>
  command.option('--watchlists-db <file>', 'the watchlist database (env LEDGER_WATCHLISTS_DB, default ./data/watchlists.db)');

const WRITES = [
  ['create', 'create a watchlist; its entries are screened at once', 'create'],
  ['replace', 'replace the entries (entries left out are removed)', 'replace'],
  ['add', 'add entries (or overwrite those with the same id)', 'add'],
] as const;
for (const [name, description, method] of WRITES) {
  withDb(watchlist.command(name).argument('<id>').argument('<entries>', 'JSON file of entries, - for stdin').description(description)).action(
    async (id: string, file: string, options: DbOption) => {
      const entries = await entriesFrom(file);
      await withWatchlists(options, (w) => {
        const changed = w[method](checkedId(id), entries);
        print(changed, describeChange(changed));
      });
    },
  );
}

withDb(watchlist.command('remove').argument('<id>').argument('<entryIds...>').description('remove entries with their matches and history')).action(
  async (id: string, entryIds: string[], options: DbOption) => {
    await withWatchlists(options, (w) => {
      const outcome = w.remove(checkedId(id), entryIds);
      if (outcome.unknown.length > 0) fail(EXIT.invalidInput, `no such entries in ${id}: ${outcome.unknown.join(', ')} (the others were removed)`);
      print(outcome, `${outcome.removed} entries removed`);
    }, false);
  },
);

withDb(watchlist.command('list').description('the watchlists with their entry and match counts')).action(async (options: DbOption) => {
  await withWatchlists(options, (w) => {
    const all = w.list();
    print(all, all.map((s) => `${s.id}\t${s.entries} entries\t${s.matches} matches\tupdated ${s.updatedAt}`).join('\n') || 'no watchlists');
  }, false);
});

withDb(watchlist.command('delete').argument('<id>').description('delete a watchlist; nothing of it stays in the database file')).action(async (id: string, options: DbOption) => {
  await withWatchlists(options, (w) => {
    w.delete(checkedId(id));
    print({ deleted: id }, `${id} deleted`);
  }, false);
});

withDb(watchlist.command('matches').argument('<id>').description('the current matches of a watchlist')).action(async (id: string, options: DbOption) => {
  await withWatchlists(options, (w) => {
    const matches = w.matches(checkedId(id));
    print(matches, matches.map((m) => `${m.entryId}\t${m.match.score.toFixed(4)}\t${m.match.regime}\t${m.match.subjectId}`).join('\n') || 'no matches');
  }, false);
});

withDb(watchlist.command('history').argument('<id>').argument('<entryId>').description("one entry's match notifications, with receipts")).action(
  async (id: string, entryId: string, options: DbOption) => {
    await withWatchlists(options, (w) => {
      const history = w.history(checkedId(id), checkedId(entryId, '<entryId>'));
      print(history, history.map((n) => `${n.seq}\t${n.time}\t${n.type}\t${n.data.subjectId}\t${n.data.score ?? '-'}\t${n.data.receipt === null ? n.data.cause.by : `receipt ${n.data.receipt.sha256}`}`).join('\n') || 'no notifications');
    }, false);
  },
);

withDb(
  watchlist
    .command('load')
    .argument('<id>')
    .argument('<file>', 'NDJSON or CSV file (header id,name,kind,birthDate,country,identifiers), - for stdin')
    .option('--format <format>', 'ndjson or csv (default from the file name, else ndjson)')
    .description('bulk load entries, streamed, all or nothing; then screen them'),
).action(async (id: string, file: string, options: DbOption & { format?: string }) => {
  const format = options.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  if (format !== 'csv' && format !== 'ndjson') fail(EXIT.invalidInput, `--format: expected ndjson or csv, got ${format}`);
  await withWatchlists(options, async (w) => {
    const input = file === '-' ? process.stdin : createReadStream(file);
    input.on('error', (error: Error) => fail(EXIT.invalidInput, `${file}: ${error.message}`));
    const result = await w.load(checkedId(id), utf8Lines(input), {
      format,
      progress: (p) => process.stderr.write(`${p.phase}: ${p.entries} entries (${p.lines} lines)\n`),
    });
    print(result, `${id}: ${result.entries} entries loaded from ${result.lines} lines, ${result.notifications} match notification(s)`);
  });
});

program
  .command('watch')
  .description('screen the watchlists on every change of the log (own checkpoint in LEDGER_WATCHLISTS_DB) and relay match notifications to Kafka, until SIGTERM/SIGINT')
  .option('--watchlists-db <file>', 'the watchlist database (env LEDGER_WATCHLISTS_DB, default ./data/watchlists.db)')
  .option('--no-kafka', 'do not relay to Kafka (the SSE feed and the queries still see the notifications)')
  .action(async (options: DbOption & { kafka: boolean }) => {
    await withLedger(async (ledger, global) => {
      const projector = Projector.open(ledger.store, viewsPathFrom(global));
      const config = { ...watchlistConfig(), dbPath: dbPath(options) };
      const opened = openWatchlists(ledger.store, projector, config, { kafka: options.kafka });
      try {
        await projector.catchUp();
        projector.start();
        opened.start(true);
        process.stderr.write(`watching: checkpoint ${opened.follower.checkpoint() ?? 'start'}${opened.relay === undefined ? '' : `, relaying to ${config.topic}`}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', () => resolve());
          process.once('SIGINT', () => resolve());
        });
        await opened.close();
        await projector.stop();
      } finally {
        await opened.close();
        await projector.close();
      }
    }, READS);
  });
