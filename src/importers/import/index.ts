/** The importer's public face: run an import, read its report, tell its failures apart. */
export { importFiles, importSnapshot, type ImportContext, type ImportOptions, type ImportProgress } from './run-import';
export { formatChanges, formatSummary, type ImportReport, type EntryChangeView } from './report';
export { ImportIncompleteError, ImportRefusedError } from './errors';
export type { Refusal } from './decider-check';
export { subjectIdOf } from './subject-ids';
export { provenanceProblem, RETRIEVED_AT_TOLERANCE_MS } from './provenance';
export { ListParseError } from '../errors';
