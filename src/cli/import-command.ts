/**
 * `sanctions-ledger import <format> <files...>`: an official list file in, the diff against the ledger's view of
 * that list out, as commands (src/importers/import). Importing this module registers the command.
 *
 * Exit codes: 0 imported (or dry run planned); 2 the file is unusable (ListParseError, one line) or unreadable;
 * 3 refused by a rule, a newer file of the list is already imported, or an OFAC CSV set lacks a companion file
 * (add/alt/comments) the list was last imported with; in both cases nothing is appended.
 * 1 an append failed part-way (another writer in between): importing the same file again completes it.
 * The files of an import that appends anything are archived first (src/documents; `sanctions-ledger document`).
 */
import cliProgress from 'cli-progress';
import { Instant, IsoDate } from '../../events/primitives';
import { MissingCompanionFilesError, refuseMissingCompanions } from '../importers/companions';
import { DocumentArchive, documentArchiveDir } from '../documents';
import { Projector } from '../projector/projector';
import {
  formatChanges,
  formatSummary,
  importFiles,
  ImportIncompleteError,
  ImportRefusedError,
  ListParseError,
  provenanceProblem,
  type ImportProgress,
} from '../importers/import';
import type { Format } from '../importers/listing';
import { fail, program, viewsPathFrom, withLedger } from './context';
import { EXIT } from './exit-codes';
import { printJson } from './output';

const FORMATS: readonly Format[] = ['un-xml', 'ofac-csv', 'ofac-xml', 'eu-xml', 'uk-ofsi-csv', 'uk-xml'];

interface ImportCommandOptions {
  publishedOn?: string;
  list?: 'OFAC-SDN' | 'OFAC-CONS';
  dryRun?: boolean;
  retrievedAt?: string;
  sourceUrl?: string;
}

/**
 * A progress bar on stderr, only when stderr is a terminal (scripts and CI logs get no control characters):
 * bytes while parsing, then commands while appending. Small inputs finish before the bar would be worth seeing.
 */
function progressBar(): { onProgress?: (p: ImportProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {percentage}% | {value}/{total} {unit}', stream: process.stderr, hideCursor: true, clearOnComplete: true, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  let phase: ImportProgress['phase'] | undefined;
  return {
    onProgress(p) {
      if (p.phase !== phase) {
        if (phase !== undefined) bar.stop();
        phase = p.phase;
        bar.start(p.total, p.done, { phase: p.phase === 'parse' ? 'parsing  ' : 'appending', unit: p.phase === 'parse' ? 'bytes' : 'commands' });
      } else bar.update(p.done);
    },
    stop: () => {
      if (phase !== undefined) bar.stop();
    },
  };
}

program
  .command('import')
  .description("import an official list file: diff it against the ledger's current view of that list and record the designations, amendments and delistings")
  .argument('<format>', `list format: ${FORMATS.join(', ')}`)
  .argument('<files...>', 'the list file (ofac-csv: sdn.csv [add.csv alt.csv sdn_comments.csv], primary file first)')
  .option('--published-on <date>', 'publication date of the file (YYYY-MM-DD); required for ofac-csv, which carries none')
  .option('--list <list>', 'OFAC-SDN or OFAC-CONS. ofac-xml: which OFAC list the file is (default: OFAC-CONS if its name contains "cons"); ofac-csv: told by the file names')
  .option('--dry-run', 'print the diff (+ added, - delisted, ~ amended with the changed fields) and append nothing')
  .option('--retrieved-at <instant>', "when the file was fetched from the publisher (UTC instant), recorded in each event's source")
  .option('--source-url <url>', "where the file was fetched from, recorded in each event's source")
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  sanctions-ledger import un-xml consolidated.xml\n' +
      '  sanctions-ledger import ofac-csv sdn.csv add.csv alt.csv sdn_comments.csv --published-on 2019-01-04 --dry-run\n',
  )
  .action(async (format: Format, files: string[], options: ImportCommandOptions) => {
    // Checked here rather than with commander's choices() so a wrong format exits 2 like any other bad input.
    if (!FORMATS.includes(format)) fail(EXIT.invalidInput, `unknown format ${JSON.stringify(format)}: use one of ${FORMATS.join(', ')}`);
    if (options.list !== undefined && options.list !== 'OFAC-SDN' && options.list !== 'OFAC-CONS') fail(EXIT.invalidInput, `--list must be OFAC-SDN or OFAC-CONS, not ${JSON.stringify(options.list)}`);
    if (options.retrievedAt !== undefined && !Instant.is(options.retrievedAt)) {
      fail(EXIT.invalidInput, `--retrieved-at ${JSON.stringify(options.retrievedAt)} is not a UTC instant such as 2024-12-17T09:30:00.000Z`);
    }
    const provenance = provenanceProblem({ ...(options.retrievedAt === undefined ? {} : { retrievedAt: options.retrievedAt }), ...(options.sourceUrl === undefined ? {} : { url: options.sourceUrl }) });
    if (provenance !== undefined) fail(EXIT.invalidInput, `--${provenance.option === 'url' ? 'source-url' : 'retrieved-at'}: ${provenance.message}`);
    if (options.publishedOn !== undefined && !IsoDate.is(options.publishedOn)) {
      fail(EXIT.invalidInput, `--published-on ${JSON.stringify(options.publishedOn)} is not a real calendar date YYYY-MM-DD`);
    }
    await withLedger(async (ledger, global) => {
      const projector = Projector.open(ledger.store, viewsPathFrom(global));
      const bar = progressBar();
      try {
        // An OFAC CSV set without a companion file of the last import would read as "all aliases removed".
        await projector.catchUp();
        refuseMissingCompanions(projector.db, format, files);
        const report = await importFiles({ ledger, projector }, format, files, {
          ...(options.publishedOn === undefined ? {} : { publishedOn: options.publishedOn }),
          ...(options.list === undefined ? {} : { list: options.list }),
          ...(options.retrievedAt === undefined ? {} : { retrievedAt: options.retrievedAt }),
          ...(options.sourceUrl === undefined ? {} : { url: options.sourceUrl }),
          dryRun: options.dryRun === true,
          // Every file of an import that appends goes into the archive first (LEDGER_DOCUMENTS_DIR).
          documents: DocumentArchive.open(documentArchiveDir(process.env)),
          ...(bar.onProgress === undefined ? {} : { onProgress: bar.onProgress }),
        });
        bar.stop();
        if (global.json) printJson(report);
        else {
          if (report.dryRun && report.changes.length > 0) process.stdout.write(`${formatChanges(report)}\n`);
          process.stdout.write(`${formatSummary(report)}\n`);
        }
        if (report.refusals.length > 0) {
          const first = ImportRefusedError.fromRefusals(report.list, report.refusals);
          fail(EXIT.refused, first.message.replace('import refused, nothing appended', 'import would be refused'));
        }
      } catch (error) {
        bar.stop();
        if (error instanceof ListParseError) fail(EXIT.invalidInput, error.message);
        if (error instanceof ImportRefusedError || error instanceof MissingCompanionFilesError) fail(EXIT.refused, error.message);
        if (error instanceof ImportIncompleteError) fail(EXIT.failure, error.message);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') fail(EXIT.invalidInput, `cannot read ${(error as NodeJS.ErrnoException).path ?? 'the file'}: ${code}`);
        throw error;
      } finally {
        await projector.close();
      }
    });
  });
