/**
 * `sanctions-ledger document <sha256> [--out file]`: the exact bytes of an archived document (src/documents),
 * e.g. the list file named by an event's source.sha256, to stdout or a file. Importing this module registers it.
 *
 * Exit codes: 0 written; 2 not a sha256 (64 lowercase hex digits); 1 not in the archive, or the archived copy
 * no longer matches its sha256 (then --out is removed, and stdout has had the damaged bytes).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { DocumentArchive, DocumentArchiveError, documentArchiveDir, InvalidDocumentIdError } from '../documents';
import { fail, program } from './context';
import { EXIT } from './exit-codes';

program
  .command('document')
  .description('the exact bytes of an archived document by its sha256 (as in an event\'s source.sha256), from LEDGER_DOCUMENTS_DIR')
  .argument('<sha256>', '64 lowercase hex digits')
  .option('--out <file>', 'write to this file instead of stdout')
  .addHelpText('after', '\nExample:\n  sanctions-ledger document 3f5a...e9 --out consolidated.xml\n')
  .action(async (sha256: string, options: { out?: string }) => {
    let stream;
    try {
      stream = DocumentArchive.open(documentArchiveDir(process.env)).read(sha256);
    } catch (error) {
      if (error instanceof InvalidDocumentIdError) fail(EXIT.invalidInput, error.message);
      throw error;
    }
    if (stream === undefined) fail(EXIT.failure, `no document ${sha256} in the archive (${documentArchiveDir(process.env)})`);
    try {
      if (options.out === undefined) await pipeline(stream, process.stdout, { end: false });
      else await pipeline(stream, createWriteStream(options.out));
    } catch (error) {
      if (options.out !== undefined) await rm(options.out, { force: true });
      if (error instanceof DocumentArchiveError) fail(EXIT.failure, error.message);
      throw error;
    }
  });
