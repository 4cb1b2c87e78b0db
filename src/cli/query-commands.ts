/**
 * Read-side commands: state, subject, diff, names, and the projector's own (project, rebuild). Each brings the
 * read models up to the log's head first, so the answer covers everything recorded so far.
 */
import type { Ledger } from '../ledger';
import { Projector } from '../projector/projector';
import { READ_MODELS, type ReadModelName } from '../../projections/schema';
import { QueryParameterError, type DesignationView } from '../queries/types';
import { EXIT } from './exit-codes';
import { optionName } from './option-name';
import { fail, program, READS, storeLabelFrom, viewsPathFrom, withLedger, type GlobalOptions } from './context';
import { printJson } from './output';

async function withProjector<T>(run: (projector: Projector, ledger: Ledger, options: GlobalOptions) => Promise<T>, catchUp = true): Promise<T> {
  return withLedger(async (ledger, options) => {
    const projector = Projector.open(ledger.store, viewsPathFrom(options), { storeLabel: storeLabelFrom(options) });
    try {
      if (catchUp) await projector.catchUp();
      return await run(projector, ledger, options);
    } catch (error) {
      if (error instanceof QueryParameterError) fail(EXIT.invalidInput, `${optionName(error.parameter)}: ${error.message}`);
      throw error;
    } finally {
      await projector.close();
    }
  }, READS);
}

function designationLines(designations: readonly DesignationView[]): string {
  return designations
    .map((d) => `${d.regime.padEnd(20)} ${d.subjectId.padEnd(24)} ${d.primaryName.padEnd(32)} ${d.measures.join(',').padEnd(28)} from ${d.effectiveFrom}${d.effectiveTo ? ` to ${d.effectiveTo}` : ''}  basis ${d.legalBasis.join(',')}`)
    .join('\n');
}

const timeOptions = (command: ReturnType<typeof program.command>) =>
  command
    .option('--as-of <date>', 'what was in force on this date (YYYY-MM-DD; default today)')
    .option('--known-at <instant>', 'using only what the ledger had recorded by then (UTC instant; default now)');

timeOptions(program.command('state').description('designations in force asOf a date as known at an instant, for the whole ledger or one authority or regime'))
  .option('--authority <authority>', 'UN, EU, US or UK')
  .option('--regime <regime>', 'e.g. EU:RUS')
  .option('--limit <n>', 'at most n designations', (v) => Number.parseInt(v, 10))
  .addHelpText('after', '\nExample:\n  sanctions-ledger state --regime EU:RUS --as-of 2024-12-16 --known-at 2024-12-16T23:00:00Z\n')
  .action(async (options: { asOf?: string; knownAt?: string; authority?: string; regime?: string; limit?: number }) => {
    await withProjector(async (projector, _ledger, global) => {
      const result = await projector.queries.state({ ...options, authority: options.authority as never });
      if (global.json) return printJson(result);
      process.stdout.write(`${result.total} designations in force on ${result.asOf} as known at ${result.knownAt}\n${designationLines(result.designations)}\n`);
    });
  });

timeOptions(program.command('subject').description('one subject asOf a date as known at an instant: the designations in force and the legal basis of each').argument('<id>', 'subject id'))
  .addHelpText('after', '\nExample:\n  sanctions-ledger subject ro-kwang-chol --as-of 2024-12-16\n')
  .action(async (id: string, options: { asOf?: string; knownAt?: string }) => {
    await withProjector(async (projector, _ledger, global) => {
      const result = await projector.queries.subject(id, options);
      if (result === undefined) fail(EXIT.failure, `subject "${id}" is not known${options.knownAt ? ` at ${options.knownAt}` : ''}`);
      if (global.json) return printJson(result);
      const header = `${id} (${result.kind}) on ${result.asOf} as known at ${result.knownAt}: ${result.designations.length === 0 ? 'not designated' : `${result.designations.length} designation(s) in force`}`;
      process.stdout.write(`${header}\n${designationLines(result.designations)}\n`);
    });
  });

program
  .command('diff')
  .description('designations that came into force, ended or changed between two dates')
  .requiredOption('--from <date>', 'first date (YYYY-MM-DD)')
  .requiredOption('--to <date>', 'second date (YYYY-MM-DD)')
  .option('--known-at <instant>', 'as known at this instant (default now)')
  .option('--authority <authority>', 'UN, EU, US or UK')
  .option('--regime <regime>', 'e.g. EU:RUS')
  .addHelpText('after', '\nExample:\n  sanctions-ledger diff --from 2024-12-15 --to 2024-12-16\n')
  .action(async (options: { from: string; to: string; knownAt?: string; authority?: string; regime?: string }) => {
    await withProjector(async (projector, _ledger, global) => {
      const result = await projector.queries.diff({ ...options, authority: options.authority as never });
      if (global.json) return printJson(result);
      process.stdout.write(
        `from ${result.from} to ${result.to} as known at ${result.knownAt}: ${result.started.length} started, ${result.ended.length} ended, ${result.changed.length} changed\n` +
          [
            ...result.started.map((d) => `+ ${d.regime} ${d.subjectId} ${d.primaryName}`),
            ...result.ended.map((d) => `- ${d.regime} ${d.subjectId} ${d.primaryName}`),
            ...result.changed.map(({ before, after }) => `~ ${after.regime} ${after.subjectId} ${before.measures.join(',')} -> ${after.measures.join(',')}`),
          ].join('\n') +
          '\n',
      );
    });
  });

program
  .command('names')
  .description('subjects whose names match (case, accents and punctuation ignored; every word must start a name word)')
  .argument('<text>', 'e.g. "kwang chol"')
  .action(async (text: string) => {
    await withProjector(async (projector, _ledger, global) => {
      const matches = await projector.queries.searchNames(text);
      if (global.json) return printJson(matches);
      process.stdout.write(matches.map((m) => `${m.subjectId}  ${m.name} (${m.quality})`).join('\n') + '\n');
    });
  });

program
  .command('project')
  .description('run the projector: bring the read models up to the log head, and with --follow keep following until SIGTERM')
  .option('--follow', 'keep following new appends')
  .option('--batch-size <n>', 'events per transaction while following the log (default 2,000; empty read models are loaded in one)', (v) => Number.parseInt(v, 10))
  .action(async (options: { follow?: boolean; batchSize?: number }) => {
    await withLedger(async (ledger, global) => {
      const projector = Projector.open(ledger.store, viewsPathFrom(global), { storeLabel: storeLabelFrom(global), ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
      try {
        const applied = await projector.catchUp();
        process.stdout.write(`caught up: ${applied} events applied, at position ${projector.position() ?? 'start'}\n`);
        if (!options.follow) return;
        projector.start();
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
      } finally {
        await projector.close();
      }
    }, READS);
  });

program
  .command('rebuild')
  .description(`drop read models and rebuild them from the log (all by default): ${READ_MODELS.map((m) => m.name).join(', ')}`)
  .argument('[read-models...]', 'names of the read models to rebuild')
  .action(async (names: string[]) => {
    const known = READ_MODELS.map((m) => m.name as string);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) fail(EXIT.invalidInput, `unknown read model(s): ${unknown.join(', ')} (known: ${known.join(', ')})`);
    await withProjector(async (projector) => {
      const started = Date.now();
      const count = await projector.rebuild(names.length === 0 ? undefined : (names as ReadModelName[]));
      process.stdout.write(`rebuilt ${names.length === 0 ? 'all read models' : names.join(', ')} from ${count} events in ${Date.now() - started} ms\n`);
    }, false);
  });
