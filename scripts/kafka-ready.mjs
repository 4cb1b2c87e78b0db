#!/usr/bin/env node
// Waits until a Kafka broker really serves clients: a kafkajs admin client connects, describes the
// cluster, lists the topics and sees a leader for every partition of every topic.
//
//   node scripts/kafka-ready.mjs [--brokers 127.0.0.1:9092] [--timeout 90] [--pid 1234] [--log file]
//                                [--once] [--quiet]
//
// Exit 0 when ready; 1 on timeout (or when --pid's process died), printing why and the tail of
// --log. --once makes a single quick attempt (for "is it up?" checks). Defaults come from the
// environment: KAFKA_BROKERS, else 127.0.0.1:$KAFKA_PORT (9092); KAFKA_READY_TIMEOUT (seconds).
import { readFileSync, existsSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';

function parseArgs(argv) {
  const opts = {
    brokers: process.env.KAFKA_BROKERS
      ? process.env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean)
      : [`127.0.0.1:${process.env.KAFKA_PORT || '9092'}`],
    timeoutMs: Number(process.env.KAFKA_READY_TIMEOUT || 90) * 1000,
    pid: undefined,
    log: undefined,
    once: false,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`missing value for ${arg}`);
      return v;
    };
    switch (arg) {
      case '--brokers': opts.brokers = value().split(',').map((b) => b.trim()).filter(Boolean); break;
      case '--timeout': opts.timeoutMs = Number(value()) * 1000; break;
      case '--pid': opts.pid = Number(value()); break;
      case '--log': opts.log = value(); break;
      case '--once': opts.once = true; break;
      case '--quiet': opts.quiet = true; break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) usage('--timeout must be a positive number of seconds');
  if (opts.brokers.length === 0) usage('no brokers');
  return opts;
}

function usage(error) {
  if (error) console.error(`kafka-ready: ${error}`);
  console.error('usage: node scripts/kafka-ready.mjs [--brokers host:port,...] [--timeout seconds] [--pid pid] [--log file] [--once] [--quiet]');
  process.exit(2);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function tail(file, lines = 40) {
  if (!file || !existsSync(file)) return '';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One attempt; resolves to a short description when ready, throws with the reason otherwise. */
async function probe(brokers, attemptTimeoutMs) {
  const kafka = new Kafka({
    clientId: 'kafka-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(3000, attemptTimeoutMs),
    requestTimeout: Math.min(5000, attemptTimeoutMs),
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`attempt timed out after ${attemptTimeoutMs} ms`)), attemptTimeoutMs);
  });
  const work = (async () => {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (!cluster.brokers.length) throw new Error('metadata lists no broker yet');
    if (cluster.controller === null || cluster.controller < 0) throw new Error('no active controller yet');
    const topics = await admin.listTopics();
    if (topics.length) {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = [];
      for (const t of metadata) {
        for (const p of t.partitions) {
          if (p.leader === undefined || p.leader < 0 || p.partitionErrorCode) leaderless.push(`${t.name}-${p.partitionId}`);
        }
      }
      if (leaderless.length) {
        throw new Error(`${leaderless.length} partition(s) without a leader yet, e.g. ${leaderless.slice(0, 3).join(', ')}`);
      }
    }
    return `${cluster.brokers.length} broker(s), cluster ${cluster.clusterId}, ${topics.length} topic(s)`;
  })();
  work.catch(() => {}); // the deadline may win; avoid an unhandled rejection later
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  let lastError = 'no attempt made';
  let attempts = 0;
  for (;;) {
    if (opts.pid !== undefined && !alive(opts.pid)) {
      console.error(`kafka-ready: the broker process ${opts.pid} exited before it became ready (last error: ${lastError})`);
      const t = tail(opts.log);
      if (t) console.error(`--- last lines of ${opts.log} ---\n${t}\n---`);
      process.exit(1);
    }
    attempts++;
    const remaining = deadline - Date.now();
    try {
      const what = await probe(opts.brokers, Math.max(1000, Math.min(10_000, remaining)));
      if (!opts.quiet) {
        console.log(`kafka-ready: ${opts.brokers.join(',')} ready after ${((Date.now() - started) / 1000).toFixed(1)} s (${what})`);
      }
      process.exit(0);
    } catch (err) {
      lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (opts.once || Date.now() + 500 >= deadline) break;
    await sleep(500);
  }
  if (opts.once) {
    if (!opts.quiet) console.error(`kafka-ready: ${opts.brokers.join(',')} not ready: ${lastError}`);
  } else {
    console.error(
      `kafka-ready: ${opts.brokers.join(',')} not ready after ${(opts.timeoutMs / 1000).toFixed(0)} s ` +
        `(${attempts} attempts); last error: ${lastError}`,
    );
    const t = tail(opts.log);
    if (t) console.error(`--- last lines of ${opts.log} ---\n${t}\n---`);
  }
  process.exit(1);
}

main().catch((err) => {
  console.error('kafka-ready: unexpected error', err);
  process.exit(1);
});
