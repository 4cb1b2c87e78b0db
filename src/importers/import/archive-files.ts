/**
 * Imports by hand keep their files too (DESIGN.md section 11): before an import that appends anything, every file
 * of the set goes into the document archive (src/documents), so no event ever names a document the archive
 * lacks. A crash between the archive and the append leaves only a file nothing refers to, which is harmless
 * (the archive is content-addressed; the next import of it finds it there). A dry run, a refused import and one
 * that plans nothing archive nothing: no event names their files.
 */
import type { ListSnapshot } from '../listing';
import { ImportRefusedError } from './errors';

/** What the importer needs of the archive (DocumentArchive has it). */
export interface DocumentSink {
  putFile(path: string): Promise<{ sha256: string }>;
}

export async function archiveImportFiles(documents: DocumentSink, paths: readonly string[], snapshot: ListSnapshot): Promise<void> {
  const archived = new Set<string>();
  for (const path of paths) archived.add((await documents.putFile(path)).sha256);
  // The events' source names the sha256 of what was parsed; a file rewritten since must not pass for it.
  const changed = snapshot.files.filter((f) => !archived.has(f.sha256));
  if (changed.length > 0) {
    throw new ImportRefusedError(
      `${snapshot.list} import refused, nothing appended: ${changed.map((f) => f.name).join(', ')} changed on disk while being imported ` +
        '(its sha256 now differs from the bytes parsed); import it again',
    );
  }
}
