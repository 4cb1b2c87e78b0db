/**
 * Where the EventStoreDB contract runs: the server in LEDGER_ESDB_URL if set, else a throw-away container when a
 * container runtime answers (testcontainers), else nowhere (the caller skips the suite and prints the reason).
 *
 * Image: KurrentDB 25.0 (the successor of EventStoreDB, same gRPC protocol, spoken by @eventstore/db-client 6.x),
 * the official `docker.kurrent.io/kurrent-latest/kurrentdb:25.0.0`. LEDGER_ESDB_IMAGE overrides it; an EventStoreDB
 * image (e.g. `eventstore/eventstore:24.10`) is configured with the EVENTSTORE_ prefix instead of KURRENTDB_.
 * A server given by LEDGER_ESDB_URL needs MaxAppendSize >= ~6 MB for the contract's 10,000-event batch.
 */
import { EventStoreDBClient } from '@eventstore/db-client';
import { createServer } from 'node:net';
import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';

export const ESDB_DEFAULT_IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.0.0';
const HTTP_PORT = 2113;

export type EsdbServer =
  | {
      readonly available: true;
      readonly source: 'LEDGER_ESDB_URL' | 'container';
      readonly connectionString: string;
      stop(): Promise<void>;
      /** Stops and starts the server on the same address (a container this suite started); undefined for LEDGER_ESDB_URL. */
      readonly restart?: () => Promise<void>;
    }
  | { readonly available: false; readonly reason: string };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The environment prefix of the server's settings: KURRENTDB_ for KurrentDB images, EVENTSTORE_ for EventStoreDB. */
export function settingsPrefix(image: string): 'KURRENTDB_' | 'EVENTSTORE_' {
  return /kurrentdb/i.test(image) ? 'KURRENTDB_' : 'EVENTSTORE_';
}

export function containerEnvironment(image: string): Record<string, string> {
  const prefix = settingsPrefix(image);
  return {
    [`${prefix}CLUSTER_SIZE`]: '1',
    [`${prefix}RUN_PROJECTIONS`]: 'All',
    [`${prefix}INSECURE`]: 'true',
    [`${prefix}ENABLE_ATOM_PUB_OVER_HTTP`]: 'true',
    // The contract appends 10,000 events (~5 MB with envelopes) in one atomic write; the default limit is 1 MiB, the ceiling 16 MiB.
    [`${prefix}MAX_APPEND_SIZE`]: String(12 * 1024 * 1024),
  };
}

/** Polls until the server answers a one-event $all read (a node can be live before it accepts reads). */
async function waitUntilReady(connectionString: string, timeoutMs = 60_000): Promise<void> {
  const client = EventStoreDBClient.connectionString(connectionString);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        for await (const _ of client.readAll({ maxCount: 1 })) {
          // one event is enough
        }
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await client.dispose();
  }
  throw new Error(`EventStoreDB at ${connectionString} did not answer within ${timeoutMs} ms: ${messageOf(lastError)}`);
}

/** A host port free right now: the container is bound to it, so a restart keeps the address clients use. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function provideEsdbServer(): Promise<EsdbServer> {
  const url = process.env.LEDGER_ESDB_URL;
  if (url !== undefined && url.trim() !== '') {
    await waitUntilReady(url);
    return { available: true, source: 'LEDGER_ESDB_URL', connectionString: url, stop: async () => undefined };
  }

  try {
    await getContainerRuntimeClient();
  } catch (error) {
    return {
      available: false,
      reason: `no container runtime (testcontainers: ${messageOf(error)}) and LEDGER_ESDB_URL is not set`,
    };
  }

  // A runtime is there: failing to start the server from here on is a real failure, not a reason to skip.
  const image = process.env.LEDGER_ESDB_IMAGE ?? ESDB_DEFAULT_IMAGE;
  const container = await new GenericContainer(image)
    .withEnvironment(containerEnvironment(image))
    .withExposedPorts({ container: HTTP_PORT, host: await freePort() })
    .withWaitStrategy(
      Wait.forHttp('/health/live', HTTP_PORT).forStatusCodeMatching((status) => status >= 200 && status < 300),
    )
    .withStartupTimeout(120_000)
    .start();
  const connectionString = `esdb://${container.getHost()}:${container.getMappedPort(HTTP_PORT)}?tls=false`;
  try {
    await waitUntilReady(connectionString);
  } catch (error) {
    await container.stop();
    throw error;
  }
  return {
    available: true,
    source: 'container',
    connectionString,
    stop: async () => {
      await container.stop();
    },
    restart: async () => {
      await container.restart();
      await waitUntilReady(connectionString);
    },
  };
}
