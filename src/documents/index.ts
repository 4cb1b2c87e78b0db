/**
 * The document archive: every file that led to events, stored by its sha256 so the document behind any event's
 * `source.sha256` can be handed to an auditor byte for byte (DESIGN.md section 11), over HTTP
 * (`GET /documents/{sha256}`) and the CLI (`sanctions-ledger document`).
 */
export { DocumentArchive, DocumentArchiveError } from './archive';
export type { ArchivedDocument } from './archive';
export { InvalidDocumentIdError, assertDocumentId } from './document-id';
export { documentRoutes } from './http-route';
export { mediaTypeOf } from './media-type';

/** The archive folder: LEDGER_DOCUMENTS_DIR, default ./data/documents (next to the default store). */
export function documentArchiveDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.LEDGER_DOCUMENTS_DIR;
  return dir === undefined || dir === '' ? './data/documents' : dir;
}
