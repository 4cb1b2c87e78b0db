/**
 * `sanctions-ledger sync [--once] [--source <name>...]`: check the sources (src/sync) and import what changed;
 * without --once it keeps checking each source on its interval until SIGINT/SIGTERM.
 * `sanctions-ledger sources [--json]`: each source's status. Importing this module registers both.
 *
 * Exit codes (sync --once): 0 every check succeeded, 1 a check failed or a file was refused (the line says
 * which and why; nothing was appended for it), 2 a bad sources file or an unknown --source.
 */
import { existsSync } from 'node:fs';
import { DocumentArchive, documentArchiveDir } from '../documents';
import { Projector } from '../projector/projector';
import { SourcesFileError, SyncScheduler, SyncStateStore, sourceStatuses, statusTable, syncConfig, type CheckResult, type Source } from '../sync';
import { fail, program, viewsPathFrom, withLedger } from './context';
import { EXIT } from './exit-codes';
import { printJson } from './output';

interface SyncOptions {
  once?: boolean;
  source?: string[];
  sourcesFile?: string;
}

function sourcesFrom(options: { sourcesFile?: string }): { sources: readonly Source[]; stateDbPath: string } {
  try {
    return syncConfig({ ...process.env, ...(options.sourcesFile === undefined ? {} : { LEDGER_SOURCES_FILE: options.sourcesFile }) });
  } catch (error) {
    if (error instanceof SourcesFileError) fail(EXIT.invalidInput, (error as Error).message);
    throw error;
  }
}

const line = (r: CheckResult) => `${r.source}: ${r.outcome}: ${r.message}\n`;

program
  .command('sync')
  .description('check the official sources (LEDGER_SOURCES_FILE, else the built-in ones) and import each file whose bytes changed')
  .option('--once', 'check each source once and exit (default: keep checking on each source\'s interval)')
  .option('--source <name...>', 'only these sources (names as in `sanctions-ledger sources`)')
  .option('--sources-file <file>', 'sources file (JSON or YAML; env LEDGER_SOURCES_FILE)')
  .action(async (options: SyncOptions) => {
    const config = sourcesFrom(options);
    const unknown = (options.source ?? []).filter((n) => !config.sources.some((s) => s.name === n));
    if (unknown.length > 0) fail(EXIT.invalidInput, `unknown source ${unknown.join(', ')}: use one of ${config.sources.map((s) => s.name).join(', ')}`);
    const sources = options.source === undefined ? config.sources : config.sources.filter((s) => options.source!.includes(s.name));
    await withLedger(async (ledger, global) => {
      const projector = Projector.open(ledger.store, viewsPathFrom(global));
      const state = SyncStateStore.open(config.stateDbPath);
      const deps = { ctx: { ledger, projector }, state, archive: DocumentArchive.open(documentArchiveDir(process.env)) };
      const scheduler = new SyncScheduler(sources, deps, (r) => process.stdout.write(line(r)));
      try {
        if (options.once === true) {
          const results = await scheduler.runOnce();
          if (global.json) printJson(results.map(({ report: _report, ...r }) => r));
          else for (const r of results) process.stdout.write(line(r));
          if (results.some((r) => r.outcome === 'failed' || r.outcome === 'refused')) process.exitCode = EXIT.failure;
        } else {
          scheduler.start();
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await scheduler.stop();
        }
      } finally {
        state.close();
        await projector.close();
      }
    });
  });

program
  .command('sources')
  .description('each source: last check, last change, last error, current sha256 and publication date, events appended, next run')
  .option('--sources-file <file>', 'sources file (JSON or YAML; env LEDGER_SOURCES_FILE)')
  .action((options: { sourcesFile?: string }) => {
    const config = sourcesFrom(options);
    // A status query creates nothing: no state file yet means no source was ever checked.
    const state = SyncStateStore.open(existsSync(config.stateDbPath) ? config.stateDbPath : ':memory:');
    try {
      const statuses = sourceStatuses(config.sources, state);
      if (program.opts<{ json?: boolean }>().json) printJson(statuses);
      else process.stdout.write(`${statusTable(statuses)}\n`);
    } finally {
      state.close();
    }
  });
