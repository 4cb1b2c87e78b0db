/**
 * Runs each source's check on its interval, one check at a time per source (a check still running when the next
 * is due is not doubled: the caller gets the running one) and one import at a time per process (the importer
 * reads the views, plans and appends; two at once would only contend for the same store).
 */
import type { Source } from './sources';
import { checkSource, type CheckResult, type SyncDeps } from './sync-source';

export interface StaleSource {
  readonly name: string;
  readonly since: string;
}

export class SyncScheduler {
  private readonly running = new Map<string, Promise<CheckResult>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = true;
  private readonly startedAt: Date;

  constructor(
    readonly sources: readonly Source[],
    private readonly deps: SyncDeps,
    private readonly onResult: (result: CheckResult) => void = () => {},
  ) {
    this.startedAt = this.now();
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** Checks one source now, or joins the check of it already running. */
  check(source: Source): Promise<CheckResult> {
    const inFlight = this.running.get(source.name);
    if (inFlight !== undefined) return inFlight;
    const run = this.queue.then(() => checkSource(source, this.deps));
    this.queue = run.catch(() => {});
    const tracked = run.finally(() => this.running.delete(source.name));
    this.running.set(source.name, tracked);
    return tracked;
  }

  /** Every (named) source once, in order. */
  async runOnce(names?: readonly string[]): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    for (const source of this.sources) if (names === undefined || names.includes(source.name)) results.push(await this.check(source));
    return results;
  }

  start(): void {
    this.stopped = false;
    for (const source of this.sources) {
      const next = this.deps.state.get(source.name).nextRunAt;
      this.schedule(source, next === undefined ? 0 : Date.parse(next) - this.now().getTime());
    }
  }

  private schedule(source: Source, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      void this.check(source)
        .then(this.onResult)
        .finally(() => this.schedule(source, source.interval));
    }, Math.max(0, delayMs));
    this.timers.set(source.name, timer);
  }

  /** Stops scheduling and waits for the checks under way (an import is never cut in the middle). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Sources with no successful check for longer than their staleness bound (counted from start if never). */
  staleSources(): StaleSource[] {
    const now = this.now().getTime();
    return this.sources.flatMap((source) => {
      const since = this.deps.state.get(source.name).lastSuccessAt ?? this.startedAt.toISOString();
      return now - Date.parse(since) > source.staleAfter ? [{ name: source.name, since }] : [];
    });
  }
}
