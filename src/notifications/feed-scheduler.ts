/**
 * Time slices for change-feed work (issue 10 item 9). Node polls sockets once per turn of its event loop, and
 * every setImmediate queued during a turn runs in the next one before the poll: 200 catching-up feeds that each
 * yield with setImmediate after a page therefore make ONE turn last 200 pages, and `/health` waits behind all
 * of them. Here every feed in the process shares one budget: a turn resumes at most `perTurn` waiting feeds,
 * which work while the turn's slice is young; past it, each queues again at the back, and the next feeds
 * resume after the next I/O poll. So a turn holds about one slice of feed work (plus one event for each
 * resumed feed), whatever the number of feeds.
 *
 * "One event" can be a page read as well (feeds read the log 100 events at a time, and feeds in step reach a
 * page's end together), so `perTurn` bounds what a turn may overrun its slice by: at 64, 200 catching-up readers
 * kept /health at p50 36 ms and p99 150-3,300 ms; at 8, p50 17 ms and p99 33-115 ms, with more events sent in the
 * same time (bench/feed-load.ts, both in one session).
 */
export class FeedScheduler {
  private sliceStarted = Number.NEGATIVE_INFINITY;
  private waiting: Array<() => void> = [];
  private scheduled = false;
  /** Slices granted so far (tests observe that work was really cut). */
  slices = 0;

  constructor(
    private readonly sliceMs = 5,
    private readonly perTurn = 8,
  ) {}

  /**
   * Call between two units of work. `undefined`: carry on now (awaiting it would cost a microtask per event);
   * a promise: the slice is spent, await it before the next unit.
   */
  pause(): Promise<void> | undefined {
    if (performance.now() - this.sliceStarted < this.sliceMs) return undefined;
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.nextSlice);
  }

  private readonly nextSlice = () => {
    this.scheduled = false;
    this.slices += 1;
    this.sliceStarted = performance.now();
    // First come, first resumed; the rest wait for a later turn (FIFO, so no feed starves another).
    const resume = this.waiting.splice(0, this.perTurn);
    if (this.waiting.length > 0) this.schedule();
    for (const go of resume) go();
  };
}

export const feedScheduler = new FeedScheduler();
