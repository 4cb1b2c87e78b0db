/**
 * `sanctions-ledger retract-import <list> --published-on <date> --reason <text>`: the audited way out of a bad
 * import (src/importers/import/retract.ts). Records one correction per designation the import touched, by the
 * operator, with the reason; the log is never edited. Importing this module registers the command.
 *
 * Exit codes: 0 retracted (or already retracted: nothing appended); 2 bad arguments; 3 refused (no such import,
 * or a later import of the list must be retracted first), nothing appended.
 */
import { userInfo } from 'node:os';
import type { Actor } from '../../events/envelope';
import { IsoDate, Sha256 } from '../../events/primitives';
import { ImportRefusedError } from '../importers/import';
import { retractImport } from '../importers/import/retract';
import type { ListId } from '../importers/listing';
import { Projector } from '../projector/projector';
import { fail, program, viewsPathFrom, withLedger } from './context';
import { EXIT } from './exit-codes';
import { printJson } from './output';

const LISTS: readonly ListId[] = ['UN', 'OFAC-SDN', 'OFAC-CONS', 'EU-FSF', 'UK-OFSI', 'UK-SL'];

interface RetractCommandOptions {
  publishedOn?: string;
  reason?: string;
  sha256?: string;
  actor?: string;
}

program
  .command('retract-import')
  .description('withdraw everything one import of a list recorded (a wrongly dated, wrongly chosen or tampered file), as correction events')
  .argument('<list>', `the list: ${LISTS.join(', ')}`)
  .option('--published-on <date>', 'publication date of the bad import, as it was recorded (YYYY-MM-DD; required)')
  .option('--reason <text>', 'why it is retracted (required; recorded in every correction)')
  .option('--sha256 <hex>', "only the events recorded from this file (its SHA-256, as in the events' source)")
  .option('--actor <id>', 'who retracts it (env LEDGER_ACTOR, default cli:<os user>)')
  .addHelpText('after', '\nExample:\n  sanctions-ledger retract-import UN --published-on 2026-12-01 --reason "tampered dateGenerated; real file is 2017-07-03"\n')
  .action(async (list: string, options: RetractCommandOptions) => {
    if (!LISTS.includes(list as ListId)) fail(EXIT.invalidInput, `unknown list ${JSON.stringify(list)}: use one of ${LISTS.join(', ')}`);
    if (options.publishedOn === undefined || !IsoDate.is(options.publishedOn)) fail(EXIT.invalidInput, '--published-on must be the recorded publication date of the import, YYYY-MM-DD');
    if (options.reason === undefined || options.reason.trim() === '') fail(EXIT.invalidInput, '--reason is required: say why the import is retracted');
    if (options.sha256 !== undefined && !Sha256.is(options.sha256)) fail(EXIT.invalidInput, '--sha256 must be 64 lowercase hex digits');
    const actorId = options.actor ?? process.env.LEDGER_ACTOR ?? `cli:${userInfo().username}`;
    await withLedger(async (ledger, global) => {
      const projector = Projector.open(ledger.store, viewsPathFrom(global));
      try {
        const report = await retractImport(
          { ledger, projector },
          {
            list: list as ListId,
            publishedOn: options.publishedOn!,
            reason: options.reason!.trim(),
            actor: { id: actorId, kind: 'person' } as Actor,
            ...(options.sha256 === undefined ? {} : { sha256: options.sha256 }),
          },
        );
        if (global.json) printJson(report);
        else {
          const { withdrawn, delistingsWithdrawn, amendmentsWithdrawn } = report.designations;
          process.stdout.write(
            `${report.list} import published ${report.publishedOn} retracted: ${report.appendedEvents} events appended` +
              `${report.duplicateCommands > 0 ? ` (${report.duplicateCommands} already recorded)` : ''}; ` +
              `${withdrawn} designations, ${delistingsWithdrawn} delistings, ${amendmentsWithdrawn} amendments withdrawn\n`,
          );
        }
      } catch (error) {
        if (error instanceof ImportRefusedError) fail(EXIT.refused, error.message);
        throw error;
      } finally {
        await projector.close();
      }
    });
  });
