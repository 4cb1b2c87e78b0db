/**
 * One notifier per SQLite store wakes every waiting subscriber (change-feed followers, the projector, the
 * publisher) when the log grows (issue 10 item 9). Appends of this process wake them at once; appends of other
 * processes (the CLI, a second service) are seen by ONE poll timer shared by all waiters, which runs only
 * while someone waits: 1,000 idle followers cost one cheap `max(position)` query per interval, not 1,000 reads.
 */
export class AppendNotifier {
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastHead: number | undefined;
  /** Polls of the shared timer so far (each one head query), for tests and diagnostics. */
  polls = 0;

  constructor(
    /** The current head of the log, as a number that grows with every append. */
    private readonly head: () => number,
    private readonly pollIntervalMs: number,
  ) {}

  /** Resolves on the next append (this process's or, within one poll interval, another's), or when `signal` aborts. */
  wait(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', wake);
        if (this.waiters.size === 0) this.stopPolling();
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
      this.startPolling();
    });
  }

  /** Called after every append (and on close): wakes everyone waiting. */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  get waiting(): number {
    return this.waiters.size;
  }

  private startPolling(): void {
    if (this.timer !== undefined) return;
    this.lastHead = this.head();
    this.timer = setInterval(() => {
      this.polls += 1;
      const head = this.head();
      if (head !== this.lastHead) {
        this.lastHead = head;
        this.notify();
      }
    }, this.pollIntervalMs);
    // Waiting for events never keeps a process alive on its own.
    this.timer.unref();
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
