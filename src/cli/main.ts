/**
 * `sanctions-ledger`: the command line for writers, auditors and operators (DESIGN.md section 10).
 * Exit codes: 0 ok, 1 failure, 2 invalid input, 3 refused by a rule, 4 concurrency conflict, 5 verify failed.
 * A read of a ledger file that does not exist, or a path that is a directory, is invalid input (2); an unusable
 * ledger or views file, or a views file of another ledger, is a failure (1). A closed stdout pipe exits 0.
 */
import { Option } from 'commander';
import * as E from 'fp-ts/Either';
import { userInfo } from 'node:os';
import { fail, program, READS, storeLabelFrom, viewsPathFrom, withLedger } from './context';
import { describeFailure } from '../commands/outcomes';
import type { CommandInput } from '../commands/command-handler';
import { EXIT } from './exit-codes';
import { InputError, readJsonInput } from './input';
import { describeAccepted, historyTable, printJson } from './output';
import { commandData, WRITE_COMMANDS, type WriteCommandSpec } from './write-commands';

const exitCodeOf = { 'invalid-command': EXIT.invalidInput, 'rule-violation': EXIT.refused, conflict: EXIT.conflict } as const;

/** Reads JSON input; bad input ends the process with exit code 2 and a one-line message. */
async function readInputOrFail(input: string): Promise<unknown> {
  try {
    return await readJsonInput(input);
  } catch (error) {
    if (error instanceof InputError) fail(EXIT.invalidInput, error.message);
    throw error;
  }
}

/** Runs one command and prints its outcome; a failure exits with the code of its kind. */
async function executeAndReport(command: CommandInput, metadata: unknown): Promise<void> {
  await withLedger(async (ledger, global) => {
    const result = await ledger.execute(command, metadata);
    if (E.isLeft(result)) {
      if (global.json) printJson(result.left);
      fail(exitCodeOf[result.left.kind], describeFailure(result.left));
    }
    if (global.json) printJson({ ...result.right, events: result.right.events.map(({ data: _d, ...rest }) => rest) });
    else process.stdout.write(`${describeAccepted(result.right)}\n`);
  });
}

function addWriteCommand(spec: WriteCommandSpec): void {
  const command = program
    .command(spec.name)
    .description(spec.description)
    .argument('[input]', 'JSON file with the command fields, or - for stdin; flags override it')
    .option('--source <publisher>', 'who published what this records (required), e.g. "Official Journal of the EU"')
    .option('--source-ref <ref>', 'document reference, e.g. "OJ L, 2024/3187"')
    .option('--source-url <url>', 'URL of the source document')
    .option('--actor <id>', 'who records it (env LEDGER_ACTOR, default cli:<os user>)')
    .addOption(new Option('--actor-kind <kind>', 'person, service or importer').choices(['person', 'service', 'importer']).default('person'))
    .option('--command-id <id>', 'idempotency key: submitting the same id again appends nothing')
    .option('--correlation-id <id>', 'correlation id to carry into the events');
  for (const flag of spec.flags) {
    if (spec.type === 'AdoptResolution' && flag.path === 'sourceUrl') {
      command.option('--official-url <url>', flag.description);
      continue;
    }
    if (flag.shape === 'many') command.option(flag.flag, flag.description, (v: string, acc: string[] = []) => [...acc, v]);
    else command.option(flag.flag, flag.description);
  }
  command.addHelpText('after', `\nExample:\n  ${spec.example}\n`);
  command.action(async (input: string | undefined, options: Record<string, unknown>) => {
    const json = input === undefined ? undefined : await readInputOrFail(input);
    if (spec.type === 'AdoptResolution' && options.officialUrl !== undefined) options.sourceUrl = options.officialUrl;
    const data = commandData(spec, json, options);
    const metadata = {
      actor: { id: (options.actor as string | undefined) ?? process.env.LEDGER_ACTOR ?? `cli:${userInfo().username}`, kind: options.actorKind },
      source: {
        publisher: options.source,
        ...(options.sourceRef === undefined ? {} : { documentRef: options.sourceRef }),
        ...(options.sourceUrl === undefined || spec.type === 'AdoptResolution' ? {} : { url: options.sourceUrl }),
      },
      ...(options.commandId === undefined ? {} : { commandId: options.commandId }),
      ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
    };
    await executeAndReport({ type: spec.type, data }, metadata);
  });
}

WRITE_COMMANDS.forEach(addWriteCommand);

program
  .command('submit')
  .description('submit any command as JSON: {"type": "DesignateSubject", "data": {...}, "metadata": {"actor": ..., "source": ...}}')
  .argument('<input>', 'JSON file, or - for stdin')
  .addHelpText('after', `\nCommand types: ${WRITE_COMMANDS.map((c) => c.type).join(', ')}\n`)
  .action(async (input: string) => {
    const json = await readInputOrFail(input);
    const { type, data, metadata } = (json ?? {}) as { type?: unknown; data?: unknown; metadata?: unknown };
    await executeAndReport({ type: String(type), data }, metadata);
  });

program
  .command('history')
  .description('every event of a subject (or, with --resolution, a resolution): both times, actor and source')
  .argument('<id>', 'subject id (or resolution id with --resolution)')
  .option('--resolution', 'the id is a resolution id')
  .addHelpText('after', '\nExample:\n  sanctions-ledger history ro-kwang-chol\n  sanctions-ledger history UNSC-1718 --resolution\n')
  .action(async (id: string, options: { resolution?: boolean }) => {
    await withLedger(async (ledger, global) => {
      const entries = options.resolution ? await ledger.resolutionHistory(id) : await ledger.subjectHistory(id);
      if (entries.length === 0) fail(EXIT.failure, `no ${options.resolution ? 'resolution' : 'subject'} "${id}" in the ledger`);
      if (global.json) printJson(entries);
      else process.stdout.write(`${historyTable(entries)}\n`);
    }, READS);
  });

program
  .command('verify')
  .description('recompute every hash chain and report the first altered, missing or reordered event')
  .action(async () => {
    await withLedger(async (ledger, global) => {
      const report = await ledger.verify();
      if (global.json) printJson(report);
      else if (report.ok) process.stdout.write(`ok: ${report.eventsChecked} events in ${report.streamsChecked} streams, every hash chain intact\n`);
      if (!report.ok) fail(EXIT.verifyFailed, `verify failed (${report.firstBreak!.kind}): ${report.firstBreak!.message}`);
    }, READS);
  });

program
  .command('seed')
  .description('record the worked example of DESIGN.md section 4 (UNSC 1718/2375/2397, the EU 15th package and the US action of 2024-12-16), marked as example data; idempotent')
  .action(async () => {
    await withLedger(async (ledger, global) => {
      const summary = await ledger.seedWorkedExample();
      if (global.json) printJson(summary);
      else process.stdout.write(`worked example: ${summary.accepted} commands recorded, ${summary.alreadyPresent} already present\n`);
    });
  });

program
  .command('start')
  .alias('serve')
  .description('the main job: the HTTP service (env LEDGER_HTTP_HOST/PORT, LEDGER_TOKENS) with the projector in-process; seeds the worked example into an empty store')
  .action(async () => {
    const { runService } = await import('../service/main');
    await withLedger(async (ledger, global) => runService(ledger, { viewsPath: viewsPathFrom(global), storeLabel: storeLabelFrom(global) }));
  });

import './query-commands';
import './notification-commands';
import './import-command';
import './retract-import-command';
import './document-command';
import './screen-command';
import './sync-commands';
import '../watchlists/cli';
// A closed pipe (`state | head -1`): the reader has what it wanted, so stop quietly, without a message.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});
program.parseAsync(process.argv).catch((error: unknown) => {
  fail(EXIT.failure, error instanceof Error ? error.message : String(error));
});
