/** An open SSE stream of the real HTTP service, read frame by frame, for the watchlist feed tests. */

export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
}

export class SseStream {
  readonly frames: SseFrame[] = [];
  private buffer = '';
  private ended = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  private constructor(
    readonly response: Response,
    private readonly controller: AbortController,
  ) {
    this.reader = response.body!.getReader();
  }

  /** Opens `url`; a status other than 200 is returned as is (its JSON body read), not as a stream. */
  static async open(url: string, headers: Record<string, string>): Promise<SseStream | { status: number; headers: Headers; body: Record<string, unknown> }> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    if (response.status !== 200) return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
    return new SseStream(response, controller);
  }

  /** The frames that carry an event (an `id:`), in order. */
  get events(): Array<SseFrame & { id: string; data: string }> {
    return this.frames.filter((f): f is SseFrame & { id: string; data: string } => f.id !== undefined && f.data !== undefined);
  }

  /** Reads until `done` holds for the frames so far; false if the server ended the stream first. */
  async until(done: (stream: SseStream) => boolean): Promise<boolean> {
    while (!done(this)) {
      if (this.ended) return false;
      const { value, done: finished } = await this.reader.read();
      if (finished) {
        this.ended = true;
        continue;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
      this.parse();
    }
    return true;
  }

  /** Reads until the server ends the stream. */
  async toEnd(): Promise<void> {
    await this.until(() => false);
  }

  close(): void {
    this.controller.abort();
  }

  private parse(): void {
    let end;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame: Record<string, string> = {};
      for (const line of this.buffer.slice(0, end).split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else frame[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 1).replace(/^ /, '');
      }
      this.frames.push(frame);
      this.buffer = this.buffer.slice(end + 2);
    }
  }
}

export const isStream = (opened: Awaited<ReturnType<typeof SseStream.open>>): opened is SseStream => opened instanceof SseStream;
