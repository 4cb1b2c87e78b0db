/** Until the HTTP service exists, the main job seeds an empty store, verifies it and prints a summary. */
import type { Ledger } from '../ledger';
import { historyTable } from './output';

export async function runMainJob(ledger: Ledger): Promise<void> {
  const [first] = await ledger.store.readAll({ maxCount: 1 });
  if (first === undefined) {
    const seeded = await ledger.seedWorkedExample();
    process.stdout.write(`empty store: seeded the worked example (${seeded.accepted} commands)\n`);
  }
  const report = await ledger.verify();
  process.stdout.write(`${ledger.store.kind} store: ${report.eventsChecked} events in ${report.streamsChecked} streams, verify ${report.ok ? 'ok' : `FAILED: ${report.firstBreak?.message}`}\n\n`);
  process.stdout.write('history of ro-kwang-chol:\n');
  process.stdout.write(`${historyTable(await ledger.subjectHistory('ro-kwang-chol'))}\n`);
  if (!report.ok) process.exitCode = 5;
}
