/**
 * Setup file of every test: a turn of the event loop after each test. Tests that run the real CLI use spawnSync,
 * and vitest runs the next synchronous test without a macrotask in between, so a file of such tests can hold the
 * worker's loop for minutes; vitest's RPC replies then wait unread and its 60 s RPC timeout fails the run
 * ("Timeout calling onTaskUpdate") although every test passed. One setImmediate lets the replies in.
 */
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
