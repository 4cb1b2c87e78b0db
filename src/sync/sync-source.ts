/**
 * One check of one source: download its file(s) conditionally, and import them through the ordinary importer
 * path only when their bytes changed since the last import of that source. Every failure appends nothing and is
 * recorded in the source's state as one line; the next check starts afresh.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ImportRefusedError, ListParseError, importFiles, type ImportContext, type ImportReport } from '../importers/import';
import { fileSetDigest } from '../domain/list/file-digest';
import { lastImportedFile } from '../importers/import/list-file-evidence';
import type { Source } from './sources';
import { fetchDocument, DEFAULT_LIMITS, type FetchLimits, type FetchOutcome, type Validators } from './fetcher';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry';
import { expectedKind } from './sniff';
import type { Outcome, SourceState, SyncStateStore } from './sync-state';

/** The document archive (src/documents) as sync uses it: keep every file that led to events, by sha256. */
export interface ArchivePort {
  putFile(path: string): Promise<{ sha256: string }>;
}

export interface SyncDeps {
  readonly ctx: ImportContext;
  readonly state: SyncStateStore;
  readonly archive?: ArchivePort;
  readonly limits?: FetchLimits;
  readonly retry?: RetryPolicy;
  readonly now?: () => Date;
}

export interface CheckResult {
  readonly source: string;
  readonly outcome: Outcome;
  readonly message: string;
  readonly eventsAppended: number;
  readonly report?: ImportReport;
}

/** The name the importer sees: the URL's own file name where it has one (ofac-csv tells its files by name). */
function spoolName(source: Source, url: string, index: number): string {
  const name = basename(new URL(url).pathname).toLowerCase();
  const ext = expectedKind(source.format);
  return name.endsWith(`.${ext}`) ? name : `${source.name}-${index}.${ext}`;
}

/** OFAC's CSV carries no date: the response's Last-Modified (UTC day), else the retrieval day. */
function csvPublishedOn(lastModified: string | undefined, retrievedAt: Date): string {
  const modified = lastModified === undefined ? Number.NaN : Date.parse(lastModified);
  return new Date(Number.isFinite(modified) ? modified : retrievedAt.getTime()).toISOString().slice(0, 10);
}

/**
 * The digest of the list's last imported file as the log records it (ListFileImported, list_imports): the
 * source's own state may be new (another service, a fresh sync-state file) while the log already holds the file.
 */
async function lastRecordedDigest(ctx: ImportContext, source: Source): Promise<string | undefined> {
  await ctx.projector.catchUp();
  return lastImportedFile(ctx.projector.db, source.list)?.sha256;
}

const oneLine = (error: unknown) => ((error as Error).message ?? String(error)).split('\n')[0]!.slice(0, 500);

async function fetchAll(source: Source, dir: string, state: SourceState, deps: SyncDeps): Promise<Extract<FetchOutcome, { kind: 'fetched' }>[] | 'not-modified'> {
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const retry = deps.retry ?? DEFAULT_RETRY;
  const get = (url: string, i: number, validators: Validators) =>
    withRetries(() => fetchDocument(url, join(dir, spoolName(source, url, i)), expectedKind(source.format), validators, limits), retry);
  // Conditional only once something was imported: validators of a refused or failed file must not hide it.
  const conditional = state.fileSha256s.length === source.urls.length;
  const first = [];
  for (const [i, url] of source.urls.entries()) first.push(await get(url, i, conditional ? (state.validators[url] ?? {}) : {}));
  if (first.every((o) => o.kind === 'not-modified')) return 'not-modified';
  // A set changed in one file: the unchanged ones are needed too, so fetch those without conditions.
  const all = [];
  for (const [i, outcome] of first.entries()) all.push(outcome.kind === 'fetched' ? outcome : await get(source.urls[i]!, i, {}));
  return all as Extract<FetchOutcome, { kind: 'fetched' }>[];
}

export async function checkSource(source: Source, deps: SyncDeps): Promise<CheckResult> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const before = deps.state.get(source.name);
  const dir = await mkdtemp(join(tmpdir(), 'ledger-sync-'));
  let result: CheckResult;
  let after: SourceState;
  try {
    const fetched = await fetchAll(source, dir, before, deps);
    const checkedAt = now().toISOString();
    if (fetched === 'not-modified') {
      result = { source: source.name, outcome: 'not-modified', message: 'not modified (HTTP 304)', eventsAppended: 0 };
      after = { ...before, lastSuccessAt: checkedAt };
    } else {
      const shas = fetched.map((f) => f.sha256);
      const validators = Object.fromEntries(fetched.map((f, i) => [source.urls[i]!, f.validators]));
      if (shas.join() === before.fileSha256s.join() || (await lastRecordedDigest(deps.ctx, source)) === fileSetDigest(shas.map((sha256) => ({ sha256 })))) {
        result = { source: source.name, outcome: 'unchanged', message: `unchanged (sha256 ${shas[0]!.slice(0, 12)}…)`, eventsAppended: 0 };
        after = { ...before, lastSuccessAt: checkedAt, validators };
      } else {
        const report = await importFiles(deps.ctx, source.format, fetched.map((f) => f.path), {
          url: source.urls[0]!,
          retrievedAt: started.toISOString(),
          ...(source.format === 'ofac-csv' ? { publishedOn: csvPublishedOn(fetched[0]!.validators.lastModified, started) } : {}),
          ...(source.format === 'ofac-xml' ? { list: source.list as 'OFAC-SDN' | 'OFAC-CONS' } : {}),
          // The importer archives the files before its first append, so no event names a missing document.
          ...(deps.archive === undefined ? {} : { documents: deps.archive }),
        });
        result = {
          source: source.name,
          outcome: 'imported',
          message: `imported the list published ${report.publishedOn}: ${report.appendedEvents} events`,
          eventsAppended: report.appendedEvents,
          report,
        };
        after = {
          ...before,
          lastSuccessAt: checkedAt,
          lastChangeAt: checkedAt,
          validators,
          fileSha256s: shas,
          publishedOn: report.publishedOn,
          eventsAppended: before.eventsAppended + report.appendedEvents,
        };
      }
    }
    after = { ...after, lastOutcome: result.outcome, lastCheckAt: checkedAt };
    delete (after as { lastError?: string }).lastError;
  } catch (error) {
    // Anything else (a full disk, a locked store) is a failed check too: the scheduler must keep going.
    const refused = error instanceof ImportRefusedError;
    const message = error instanceof ListParseError ? `the file does not parse: ${oneLine(error)}` : oneLine(error);
    result = { source: source.name, outcome: refused ? 'refused' : 'failed', message, eventsAppended: 0 };
    after = { ...before, lastCheckAt: now().toISOString(), lastOutcome: result.outcome, lastError: message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  deps.state.put({ ...after, nextRunAt: new Date(now().getTime() + source.interval).toISOString() });
  return result;
}
