/**
 * The real CLI as a child process, awaited rather than run with spawnSync: the worker's event loop keeps turning
 * while the child runs, so vitest's RPC replies are never starved on a loaded machine.
 */
import { spawn } from 'node:child_process';
import { CLI, type CliResult } from '../support/cli';

export function runCliAsync(args: readonly string[], options: { input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LEDGER_ACTOR: 'cli-test' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
