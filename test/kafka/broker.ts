/**
 * Where the Kafka tests find a real broker, in this order:
 *
 *  1. `KAFKA_BROKERS` (comma separated host:port list)                      -> source 'env'
 *  2. the local broker of `scripts/kafka.sh start` (its pid file is live and
 *     a kafkajs admin can talk to 127.0.0.1:$KAFKA_PORT, default 9092)     -> source 'local-script'
 *  3. a Kafka container through testcontainers, only if a container runtime
 *     (Docker/Podman socket) is reachable                                   -> source 'testcontainers'
 *  4. otherwise `{ skip: reason }`: the caller skips (and fails in CI, see `brokerRequired`).
 *
 * The answer is computed once per test worker and cached. `stopBroker`/`startBroker`/`restartBroker`
 * drive `scripts/kafka.sh`, so they only make sense for the 'local-script' source (outage tests).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export type KafkaBrokerSource = 'env' | 'local-script' | 'testcontainers';
export type KafkaBrokers = { brokers: string[]; source: KafkaBrokerSource } | { skip: string };

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KAFKA_SCRIPT = join(PROJECT_ROOT, 'scripts', 'kafka.sh');
const STATE_DIR = process.env.KAFKA_STATE_DIR ?? join(PROJECT_ROOT, '.kafka');
const LOCAL_BROKER = `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
/** Image for the testcontainers fallback: Confluent Platform 7.9 is Apache Kafka 3.9, like scripts/kafka.sh. */
const CONTAINER_IMAGE = process.env.KAFKA_TESTCONTAINERS_IMAGE ?? 'confluentinc/cp-kafka:7.9.2';

/** True when a missing broker must fail the run rather than skip (CI starts the broker itself). */
export const brokerRequired = process.env.CI === 'true' || process.env.CI === '1';

let cached: Promise<KafkaBrokers> | undefined;

export function kafkaBrokers(): Promise<KafkaBrokers> {
  cached ??= findBrokers();
  return cached;
}

async function findBrokers(): Promise<KafkaBrokers> {
  const fromEnv = (process.env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (fromEnv.length) return { brokers: fromEnv, source: 'env' };

  const reasons: string[] = [];

  const pid = localScriptPid();
  if (pid === undefined) {
    reasons.push(`no broker started by scripts/kafka.sh (no live pid in ${join(STATE_DIR, 'kafka.pid')})`);
  } else {
    const problem = await unreachable([LOCAL_BROKER], 5_000);
    if (!problem) return { brokers: [LOCAL_BROKER], source: 'local-script' };
    reasons.push(`the scripts/kafka.sh broker (pid ${pid}) does not answer on ${LOCAL_BROKER}: ${problem}`);
  }

  const container = await startContainer();
  if ('brokers' in container) return container;
  reasons.push(container.skip);

  return {
    skip:
      `no Kafka broker available: ${reasons.join('; ')}. ` +
      `Run \`npm run kafka:start\` (or \`bash scripts/kafka.sh start\`), or set KAFKA_BROKERS=host:port.`,
  };
}

function localScriptPid(): number | undefined {
  const file = join(STATE_DIR, 'kafka.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Undefined if a kafkajs admin can describe the cluster within `timeoutMs`, else the reason. */
export async function unreachable(brokers: string[], timeoutMs: number): Promise<string | undefined> {
  const kafka = new Kafka({
    clientId: 'test-broker-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(2_000, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (!cluster.brokers.length) throw new Error('metadata lists no broker');
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

async function startContainer(): Promise<KafkaBrokers> {
  // Only if a container runtime answers: testcontainers tries DOCKER_HOST, ~/.testcontainers.properties,
  // /var/run/docker.sock and the rootless sockets.
  let testcontainers: typeof import('testcontainers');
  try {
    testcontainers = await import('testcontainers');
  } catch (err) {
    return { skip: `testcontainers is not installed (${String(err)})` };
  }
  const runtime = await withTimeout(testcontainers.getContainerRuntimeClient(), 15_000).catch((err: unknown) => err);
  if (runtime instanceof Error || runtime === undefined) {
    return { skip: `no container runtime for testcontainers (${runtime instanceof Error ? runtime.message : 'none'})` };
  }
  // Loaded by name at run time so that the project still typechecks if this optional module is removed.
  const moduleName = '@testcontainers/kafka';
  let KafkaContainer: new (image: string) => {
    withKraft(): { start(): Promise<{ getHost(): string; getMappedPort(port: number): number }> };
  };
  try {
    ({ KafkaContainer } = await import(moduleName));
  } catch (err) {
    return { skip: `a container runtime exists but @testcontainers/kafka is not installed (${String(err)})` };
  }
  try {
    // testcontainers' reaper (Ryuk) removes the container when the test process exits.
    const started = await new KafkaContainer(CONTAINER_IMAGE).withKraft().start();
    return { brokers: [`${started.getHost()}:${started.getMappedPort(9093)}`], source: 'testcontainers' };
  } catch (err) {
    return { skip: `could not start ${CONTAINER_IMAGE} with testcontainers: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Runs `bash scripts/kafka.sh <args>`; rejects with the script's output if it fails. */
export function kafkaScript(args: string[], timeoutMs = 180_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'bash',
      [KAFKA_SCRIPT, ...args],
      { cwd: PROJECT_ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`bash scripts/kafka.sh ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        } else {
          resolvePromise({ stdout, stderr });
        }
      },
    );
  });
}

/**
 * Stops the scripts/kafka.sh broker (SIGTERM, waits for the port to close), keeping its data.
 * Only meaningful for the 'local-script' source.
 */
export async function stopBroker(): Promise<void> {
  await kafkaScript(['stop']);
}

/**
 * Starts the scripts/kafka.sh broker and resolves once it serves clients again (every partition has a
 * leader). Only meaningful for the 'local-script' source.
 */
export async function startBroker(): Promise<void> {
  await kafkaScript(['start']);
}

/** stop + start, keeping the data. */
export async function restartBroker(): Promise<void> {
  await kafkaScript(['restart']);
}

/**
 * The broker a Kafka test file runs against. Without one it prints why and the file's suites skip; with
 * CI=true a missing broker registers a failing test instead, because CI must have started it.
 */
export async function kafkaForTests(): Promise<{ broker: KafkaBrokers; skipReason: string | undefined }> {
  const broker = await kafkaBrokers();
  const skipReason = 'skip' in broker ? broker.skip : undefined;
  if (skipReason && !brokerRequired) console.warn(`[kafka tests skipped] ${skipReason}`);
  if (skipReason && brokerRequired) {
    // Imported here, not at the top: the benchmarks use this module too, outside vitest.
    const { describe, it } = await import('vitest');
    describe('kafka broker', () => {
      it('is available (CI=true: a missing broker fails instead of skipping)', () => {
        throw new Error(`${skipReason} (CI must start it first: bash scripts/kafka.sh start)`);
      });
    });
  }
  return { broker, skipReason };
}
