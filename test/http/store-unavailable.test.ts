/** 503 when the event store does not answer in time (EventStoreDB deadline or lost reply), after the handler's retries. */
import { describe, expect, it } from 'vitest';
import { StoreDeadlineExceededError, type EventStore } from '../../src/store/event-store';
import { asWriter, designation, logCapture, testService } from './support';

describe('503 store-unavailable', () => {
  it('answers 503 with Retry-After when every append runs out of time, and logs no stream name', async () => {
    let appends = 0;
    // A store whose appends never get an answer in time, as an unreachable EventStoreDB leader.
    const unanswered = (store: EventStore): EventStore =>
      new Proxy(store, {
        get(target, property, receiver) {
          if (property === 'appendToStream') {
            return async (streamId: string) => {
              appends += 1;
              throw new StoreDeadlineExceededError(`append to ${streamId}`, 40, streamId);
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const log = logCapture();
    const service = await testService({ wrapStore: unanswered, logger: { level: 'trace', stream: log.stream } });
    try {
      const response = await service.app.inject({
        method: 'POST',
        url: '/commands/DesignateSubject',
        headers: asWriter,
        payload: designation('kim-unanswered'),
      });

      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({ error: 'store-unavailable' });
      expect(appends).toBeGreaterThan(1); // the handler retried before answering
      expect(log.text()).toContain('StoreDeadlineExceededError');
      expect(log.text()).not.toContain('kim-unanswered');
    } finally {
      await service.close();
    }
  });
});
