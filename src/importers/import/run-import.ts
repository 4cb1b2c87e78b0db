/**
 * One import, all or nothing per file: parse everything (a parse error appends nothing), bring the read models
 * up to the log, plan the diff against the list's current view, check every planned command against the
 * deciders (pure), and only then append. A dry run stops before the append.
 *
 *   const report = await importFiles({ ledger, projector }, 'un-xml', ['consolidated.xml']);
 */
import { performance } from 'node:perf_hooks';
import type { Ledger } from '../../ledger';
import type { Projector } from '../../projector/projector';
import type { Format, ListSnapshot, ParseOptions } from '../listing';
import { ListParseError, parseSnapshot } from '../parse';
import { appendPlanned } from './append';
import { archiveImportFiles, type DocumentSink } from './archive-files';
import { loadListView } from './current-view';
import { checkPlanSteps } from './decider-check';
import { ImportRefusedError } from './errors';
import { evidenceCommand, isFileRecorded } from './list-file-evidence';
import { planImportSteps } from './plan';
import { runInSlices } from '../../scheduling/steps';
import { checkPublicationDate } from './publication-date';
import { retractedPublicationDates } from './retraction-ids';
import { importCorrelationId, importerActor, importSource, type ProvenanceOptions } from './provenance';
import { changeViews, countChanges, type ImportReport } from './report';

export interface ImportContext {
  readonly ledger: Pick<Ledger, 'commands'>;
  readonly projector: Pick<Projector, 'catchUp' | 'db'>;
}

export type ImportProgress =
  | { readonly phase: 'parse'; readonly done: number; readonly total: number } // bytes
  | { readonly phase: 'append'; readonly done: number; readonly total: number }; // commands

export interface ImportOptions extends ProvenanceOptions, Pick<ParseOptions, 'publishedOn' | 'list'> {
  /** Plan and check, print the diff, append nothing. */
  readonly dryRun?: boolean;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** The import's own instant, against which a future publication date is refused (default: the wall clock). */
  readonly now?: () => Date;
  /** The document archive: importFiles puts the files there before appending (archive-files.ts). */
  readonly documents?: DocumentSink;
}

const elapsed = (since: number) => Math.round(performance.now() - since);

export async function importFiles(ctx: ImportContext, format: Format, files: string[], options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const { onProgress } = options;
  const snapshot = await parseSnapshot(format, files, {
    ...(options.publishedOn === undefined ? {} : { publishedOn: options.publishedOn }),
    ...(options.list === undefined ? {} : { list: options.list }),
    ...(onProgress === undefined ? {} : { onProgress: (done: number, total: number) => onProgress({ phase: 'parse', done, total }) }),
  });
  if (options.list !== undefined && snapshot.list !== options.list) {
    // ofac-csv tells the list by its file names (sdn.csv, cons_prim.csv); a contradicting --list is a mistake.
    throw new ListParseError({ file: files[0]!, line: 0, problem: `this file set is the ${snapshot.list} list, not ${options.list} (the OFAC CSV file names tell which)` });
  }
  return importSnapshot(ctx, snapshot, options, elapsed(started), files);
}

/** `paths`: the files the snapshot was parsed from, archived in `options.documents` before any append. */
export async function importSnapshot(ctx: ImportContext, snapshot: ListSnapshot, options: ImportOptions = {}, parseMs = 0, paths: readonly string[] = []): Promise<ImportReport> {
  const started = performance.now();
  const dryRun = options.dryRun === true;
  // Before anything else, dry run included: a file dated in the future would lock the list (publication-date.ts).
  checkPublicationDate(snapshot, (options.now ?? (() => new Date()))());
  await ctx.projector.catchUp();
  const view = loadListView(ctx.projector.db, snapshot.list, snapshot.publishedOn);
  if (view.latestPublishedOn !== undefined && view.latestPublishedOn > snapshot.publishedOn) {
    // Diffing an older file against a newer state would "delist" everything listed since: refuse instead.
    throw new ImportRefusedError(
      `${snapshot.list} import refused, nothing appended: the ledger already holds the list published ${view.latestPublishedOn}, ` +
        `later than this file's ${snapshot.publishedOn} (${snapshot.files.map((f) => f.name).join(' + ')})`,
    );
  }
  if (retractedPublicationDates(ctx.projector.db, snapshot.list).has(snapshot.publishedOn)) {
    // Its commands would get the ids of the retracted import's (command-builders.ts) and be taken as duplicates:
    // the report would show changes that nothing recorded. Refuse rather than answer wrong.
    throw new ImportRefusedError(
      `${snapshot.list} import refused, nothing appended: the import of the list published ${snapshot.publishedOn} was retracted, ` +
        `and a file of that date cannot be imported again; import a later publication of the list`,
    );
  }
  // In slices: inside the service the event loop keeps answering while a large list is planned and checked.
  const plan = await runInSlices(planImportSteps(snapshot, view));
  const planMs = elapsed(started);

  const checkStarted = performance.now();
  const refusals = await runInSlices(checkPlanSteps(plan, view));
  const checkMs = elapsed(checkStarted);
  if (refusals.length > 0 && !dryRun) throw ImportRefusedError.fromRefusals(snapshot.list, refusals);

  const appendStarted = performance.now();
  let outcome = { events: 0, duplicates: 0 };
  let projectMs = 0;
  if (!dryRun) {
    const metadata = { actor: importerActor(snapshot.list), source: importSource(snapshot, options), correlationId: importCorrelationId(snapshot) };
    const commands = plan.changes.flatMap((c) => c.commands);
    const { onProgress } = options;
    // Every file not yet recorded leaves its evidence, a file that changes nothing included (DESIGN.md section 11).
    const evidence = isFileRecorded(ctx.projector.db, snapshot) ? undefined : evidenceCommand(snapshot, countChanges(plan.changes, plan.unchanged).designations);
    const appending = commands.length > 0 || evidence !== undefined;
    if (appending && options.documents !== undefined) await archiveImportFiles(options.documents, paths, snapshot);
    outcome = await appendPlanned(ctx.ledger.commands, commands, metadata, onProgress && ((done, total) => onProgress({ phase: 'append', done, total })), evidence);
    // Read-your-writes: the next query, or the next import's view, starts from this import's state.
    const projectStarted = performance.now();
    if (appending) await ctx.projector.catchUp();
    projectMs = elapsed(projectStarted);
  }
  const appendMs = elapsed(appendStarted) - projectMs;

  return {
    list: snapshot.list,
    authority: snapshot.authority,
    publishedOn: snapshot.publishedOn,
    files: snapshot.files,
    dryRun,
    ...countChanges(plan.changes, plan.unchanged),
    appendedEvents: outcome.events,
    duplicateCommands: outcome.duplicates,
    timings: { parseMs, planMs, checkMs, appendMs, projectMs, totalMs: parseMs + elapsed(started) },
    changes: changeViews(plan.changes),
    refusals,
  };
}
