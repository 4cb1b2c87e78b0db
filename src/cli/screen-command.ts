/**
 * `sanctions-ledger screen <name>`: screen a name at (asOf, knownAt) and print the matches (or, with --json, the
 * receipt); `screen --verify <receipt.json|->` re-runs a receipt and exits 5 when anything differs. Bad input
 * exits 2 naming the option or field.
 */
import * as E from 'fp-ts/Either';
import { Projector } from '../projector/projector';
import { QueryParameterError } from '../queries/types';
import { decodeReceipt, decodeScreeningRequest, ScreeningService, type Receipt } from '../screening';
import { EXIT } from './exit-codes';
import { fail, program, READS, viewsPathFrom, withLedger } from './context';
import { InputError, readJsonInput } from './input';
import { printJson } from './output';
import { screenBatchCommand } from './screen-batch';
import { optionName } from './option-name';
import { numberOrText } from './screen-options';

interface ScreenOptions {
  kind?: string;
  asOf?: string;
  knownAt?: string;
  regime?: string[];
  threshold?: string;
  limit?: string;
  birthDate?: string;
  country?: string;
  identifier?: string[];
  verify?: string;
  batch?: string;
  since?: string;
  format?: string;
  workers?: string;
}


function requestOf(name: string | undefined, options: ScreenOptions): unknown {
  return {
    name: name ?? '',
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.knownAt === undefined ? {} : { knownAt: options.knownAt }),
    ...(options.regime === undefined ? {} : { regimes: options.regime }),
    ...(options.threshold === undefined ? {} : { threshold: numberOrText(options.threshold) }),
    ...(options.limit === undefined ? {} : { limit: numberOrText(options.limit) }),
    ...(options.birthDate === undefined ? {} : { birthDate: options.birthDate }),
    ...(options.country === undefined ? {} : { country: options.country }),
    ...(options.identifier === undefined
      ? {}
      : { identifiers: options.identifier.map((text) => (text.includes(':') ? { type: text.slice(0, text.indexOf(':')), value: text.slice(text.indexOf(':') + 1) } : { value: text })) }),
  };
}

function matchLines(receipt: Receipt): string {
  const header = `${receipt.matches.length} match(es) for "${receipt.query.name}" on ${receipt.basis.asOf} as known at ${receipt.basis.knownAt} (threshold ${receipt.threshold}, ${receipt.algorithm.name} ${receipt.algorithm.version})`;
  const lines = receipt.matches.map((m) => `${m.score.toFixed(4)}  ${m.regime.padEnd(12)} ${m.subjectId.padEnd(28)} ${m.name} (${m.nameQuality}, ${m.why.method})`);
  return [header, ...lines, `receipt sha256 ${receipt.sha256}`].join('\n');
}

program
  .command('screen')
  .description('screen a name against the designations in force asOf a date as known at an instant; answers the matches and a receipt')
  .argument('[name]', 'the name to screen, in any script')
  .option('--kind <kind>', 'person, entity, vessel or aircraft')
  .option('--as-of <date>', 'what was in force on this date (YYYY-MM-DD; default today)')
  .option('--known-at <instant>', 'using only what the ledger had recorded by then (UTC instant; default now)')
  .option('--regime <regime>', 'only this regime, e.g. UN:DPRK (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
  .option('--threshold <score>', 'lowest score that counts as a match, 0 to 1 (default 0.85)')
  .option('--limit <n>', 'at most n matches (1 to 100, default 10)')
  .option('--birth-date <date>', 'YYYY, YYYY-MM or YYYY-MM-DD')
  .option('--country <country>', 'nationality or country')
  .option('--identifier <[type:]value>', 'passport, national id, IMO number, call sign... (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
  .option('--verify <receipt>', 're-run a receipt (JSON file, or - for stdin) and report "same" or each difference')
  .option('--batch <file>', 'screen every line of an NDJSON or CSV file (- for stdin) at one basis; one NDJSON answer a line on stdout')
  .option('--format <format>', 'with --batch: ndjson or csv (default: csv for a .csv file, else ndjson)')
  .option('--since <date|instant>', 'with --batch: lookback, the matches gained and lost since this date (asOf) or instant (knownAt)')
  .option('--workers <n>', 'with --batch: screening worker threads for a large batch, 0 for none (default: LEDGER_SCREENING_BATCH_WORKERS, else one per core, at most 8)')
  .addHelpText('after', '\nExamples:\n  sanctions-ledger screen "No Kwang-chol" --as-of 2024-12-16\n  sanctions-ledger --json screen "No Kwang-chol" > receipt.json\n  sanctions-ledger screen --verify receipt.json\n  sanctions-ledger screen --batch names.ndjson --as-of 2024-12-16 --since 2024-12-15\n')
  .action(async (name: string | undefined, options: ScreenOptions) => {
    if (options.batch !== undefined) {
      const perLine = (['kind', 'birthDate', 'country', 'identifier', 'verify'] as const).filter((key) => options[key] !== undefined);
      if (name !== undefined) fail(EXIT.invalidInput, '--batch: give a name or --batch, not both');
      if (perLine.length > 0) fail(EXIT.invalidInput, `${optionName(perLine[0]!)}: not with --batch (kind, birth date, country and identifiers are fields of each line)`);
      return screenBatchCommand({ ...options, batch: options.batch });
    }
    const batchOnly = (['since', 'format', 'workers'] as const).find((key) => options[key] !== undefined);
    if (batchOnly !== undefined) fail(EXIT.invalidInput, `--${batchOnly}: only with --batch`);
    const verifying = options.verify === undefined ? undefined : await readReceipt(options.verify);
    const request = verifying === undefined ? decodeOrFail(requestOf(name, options)) : undefined;
    await withLedger(async (ledger, global) => {
      const projector = Projector.open(ledger.store, viewsPathFrom(global));
      try {
        await projector.catchUp();
        const service = new ScreeningService(projector);
        if (verifying !== undefined) {
          const outcome = service.verify(verifying);
          if (global.json) printJson(outcome);
          else if (outcome.same) process.stdout.write(`same: ${verifying.matches.length} match(es) at asOf ${verifying.basis.asOf} knownAt ${verifying.basis.knownAt}\n`);
          if (!outcome.same) fail(EXIT.verifyFailed, `different: ${outcome.differences.map((d) => d.message).join('; ')}`);
          return;
        }
        const receipt = service.screen(request!);
        if (global.json) printJson(receipt);
        else process.stdout.write(`${matchLines(receipt)}\n`);
      } catch (error) {
        if (error instanceof QueryParameterError) fail(EXIT.invalidInput, `${optionName(error.parameter)}: ${error.message}`);
        throw error;
      } finally {
        await projector.close();
      }
    }, READS);
  });

function decodeOrFail(input: unknown) {
  const decoded = decodeScreeningRequest(input);
  if (E.isLeft(decoded)) fail(EXIT.invalidInput, decoded.left.map((e) => `${e.path === 'name' ? '<name>' : optionName(e.path)}: expected ${e.expected}, got ${e.actual}`).join('; '));
  return decoded.right;
}

async function readReceipt(input: string): Promise<Receipt> {
  let json: unknown;
  try {
    json = await readJsonInput(input);
  } catch (error) {
    if (error instanceof InputError) fail(EXIT.invalidInput, `--verify: ${error.message}`);
    throw error;
  }
  const decoded = decodeReceipt(json);
  if (E.isLeft(decoded)) fail(EXIT.invalidInput, `--verify: not a screening receipt: ${decoded.left.map((e) => `${e.path}: expected ${e.expected}, got ${e.actual}`).join('; ')}`);
  return decoded.right;
}
