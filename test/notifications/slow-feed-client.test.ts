/**
 * Issue 10 item 9, the bound on a client that does not read (through the real HTTP service): its stream is
 * closed once its socket has not drained for LEDGER_FEED_SLOW_CLIENT_MS, its connection slot is freed, what it
 * did receive is a gap-free prefix of the log in order (so Last-Event-ID resumes it exactly), and a client that
 * reads gets every event in order meanwhile.
 */
import http from 'node:http';
import * as E from 'fp-ts/Either';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS, bearer, testService, type TestService } from '../http/support';
import { eventually } from '../kafka/notifications-support';
import { setProcessEnv } from '../support/process-env';
import { GENERATOR_METADATA } from './generated-events';

/** Enough large events (about 8 MB of SSE) to fill the kernel's socket buffers of a client that never reads. */
const EVENTS = 400;
const REASONS = 'r'.repeat(19_000);

interface Feed {
  readonly status: number;
  readonly response: http.IncomingMessage;
  /** Positions received, in order. */
  readonly ids: string[];
  readonly ended: Promise<void>;
  close(): void;
}

function openFeed(base: string, token: string, read: boolean): Promise<Feed> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${base}/feed`, { headers: bearer(token) }, (response) => {
      const ids: string[] = [];
      let text = '';
      const ended = new Promise<void>((done) => {
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        // Only whole events count: a stream cut mid-event leaves its last, partial event out.
        let end = text.indexOf('\n\n');
        while (end !== -1) {
          const id = /^id: (\S+)$/m.exec(text.slice(0, end));
          if (id !== null) ids.push(id[1]!);
          text = text.slice(end + 2);
          end = text.indexOf('\n\n');
        }
      });
      if (!read) response.pause();
      resolve({ status: response.statusCode ?? 0, response, ids, ended, close: () => request.destroy() });
    });
    request.on('error', reject);
  });
}

describe('GET /feed drops a client that does not read (LEDGER_FEED_SLOW_CLIENT_MS)', () => {
  let service: TestService;
  let base: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    // Given a service that closes a stream after 300 ms without drain, one feed per token, and a log of large events
    restoreEnv = setProcessEnv({ LEDGER_FEED_SLOW_CLIENT_MS: '300', LEDGER_FEED_MAX_CONNECTIONS_PER_TOKEN: '1' });
    service = await testService({ seed: true });
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
    for (let n = 0; n < EVENTS; n++) {
      const result = await service.ledger.execute(
        {
          type: 'DesignateSubject',
          data: {
            subjectId: `slow-${n}`,
            kind: 'entity',
            regime: 'EU:RUS',
            identity: { names: [{ name: `Slow Client Subject ${n}`, quality: 'primary', script: 'Latn' }] },
            measures: ['asset-freeze'],
            legalBasis: ['GEN-EU-RUS'],
            effectiveFrom: '2024-12-16',
            reasons: REASONS,
          },
        },
        { ...GENERATOR_METADATA, commandId: `slow:${n}` },
      );
      if (E.isLeft(result)) throw new Error(`designation ${n} refused: ${JSON.stringify(result.left)}`);
    }
  }, 60_000);

  afterAll(async () => {
    await service.close();
    restoreEnv();
  });

  it('closes the stalled stream and frees its slot; it got a prefix of the log in order; a reading client gets every event', async () => {
    const log = (await service.store.readAll({ maxCount: 100_000 })).map((e) => e.position);
    // When one client never reads and another reads everything
    const stalled = await openFeed(base, TOKENS.reader, false);
    const reader = await openFeed(base, TOKENS.writer, true);
    expect([stalled.status, reader.status]).toEqual([200, 200]);

    // Then the stalled client's slot comes free: a new feed with its token is let in (429 while the stream is open)
    let retry: Feed | undefined;
    await eventually(
      async () => {
        const attempt = await openFeed(base, TOKENS.reader, true);
        if (attempt.status === 200) retry = attempt;
        else attempt.close();
        return retry !== undefined;
      },
      30_000,
      'the stalled stream to be closed',
    );
    retry!.close();

    // And the reader got the whole log, in order
    await eventually(() => reader.ids.length >= log.length, 30_000, 'the reading client to receive every event');
    expect(reader.ids).toEqual(log);
    reader.close();

    // And what the stalled client received before the cut is a strict prefix of the log, and then its stream ended
    stalled.response.resume();
    await stalled.ended;
    expect(stalled.ids.length).toBeLessThan(log.length);
    expect(stalled.ids).toEqual(log.slice(0, stalled.ids.length));
  }, 90_000);
});
