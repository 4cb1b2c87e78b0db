/** Starts the real service (`node bin/sanctions-ledger.mjs start`) as a child process and waits for its URL. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI, sideFilesOf } from './cli';

export interface RunningService {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly stdout: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startService(env: NodeJS.ProcessEnv, args: string[] = ['start'], track?: ChildProcessWithoutNullStreams[]): Promise<RunningService> {
  // Side files the test does not name go beside its ledger file, not into the checkout's ./data.
  const beside = env.LEDGER_DB_PATH === undefined ? {} : sideFilesOf(env.LEDGER_DB_PATH);
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...beside, ...process.env, ...env }, stdio: 'pipe' });
  track?.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line within 30 s; stdout:\n${out}\nstderr:\n${err}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      // The banner ends with the docs line; wait for all of it.
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*docs: /.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolveStart({ child, url: match[1]!, stdout: () => out, exited });
      }
    });
    void exited.then(({ code }) => reject(new Error(`exited with ${code} before printing its URL; stderr:\n${err}`)));
  });
}
