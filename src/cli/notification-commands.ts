/**
 * `sanctions-ledger publish` (the Kafka publisher as its own process) and `sanctions-ledger feed` (the change
 * feed as NDJSON). Importing this module registers both on the shared program.
 */
import { once } from 'node:events';
import { notificationConfig } from '../config';
import { openPublisher } from '../notifications/open-publisher';
import { changeFeed, checkPosition, FeedRequestError, parseFeedFilter } from '../notifications/feed';
import { fail, program, READS, withLedger } from './context';
import { EXIT } from './exit-codes';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface PublishOptions {
  brokers?: string;
  topic?: string;
  partitions?: string;
  replicationFactor?: string;
  checkpointDb?: string;
  batchSize?: string;
  idempotent: boolean;
  cloudeventsSource?: string;
}

const FLAG_OF: Record<string, string> = {
  LEDGER_KAFKA_PARTITIONS: '--partitions',
  LEDGER_KAFKA_REPLICATION_FACTOR: '--replication-factor',
  LEDGER_PUBLISHER_BATCH_SIZE: '--batch-size',
};

/** Flags override the environment; both go through one parser so they are validated alike. */
function publishConfig(options: PublishOptions) {
  const overrides: Record<string, string | undefined> = {
    KAFKA_BROKERS: options.brokers,
    LEDGER_KAFKA_TOPIC: options.topic,
    LEDGER_KAFKA_PARTITIONS: options.partitions,
    LEDGER_KAFKA_REPLICATION_FACTOR: options.replicationFactor,
    LEDGER_PUBLISHER_DB: options.checkpointDb,
    LEDGER_PUBLISHER_BATCH_SIZE: options.batchSize,
    LEDGER_CLOUDEVENTS_SOURCE: options.cloudeventsSource,
    LEDGER_KAFKA_IDEMPOTENT: options.idempotent ? undefined : 'false',
  };
  const env = { ...process.env };
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) env[name] = value;
  return notificationConfig(env);
}

/** Resolves with the name of the first SIGTERM or SIGINT. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

function registerPublish(): void {
  program
    .command('publish')
    .description(
      'publish every event of the log to Kafka as a CloudEvent (binary mode, key = subject or resolution id, acks -1), ' +
        "from the publisher's own checkpoint; follows the log until SIGTERM/SIGINT, then flushes and stops",
    )
    .option('--brokers <list>', 'comma-separated host:port (env KAFKA_BROKERS, default 127.0.0.1:9092)')
    .option('--topic <name>', 'topic (env LEDGER_KAFKA_TOPIC, default sanctions.changes)')
    .option('--partitions <n>', 'partitions if the topic is created (env LEDGER_KAFKA_PARTITIONS, default 6)')
    .option('--replication-factor <n>', 'replication factor if the topic is created (env LEDGER_KAFKA_REPLICATION_FACTOR, default 1)')
    .option('--checkpoint-db <file>', "the publisher's checkpoint file (env LEDGER_PUBLISHER_DB, default ./data/publisher.db)")
    .option('--batch-size <n>', 'events per Kafka batch (env LEDGER_PUBLISHER_BATCH_SIZE, default 500)')
    .option('--no-idempotent', 'use a plain producer instead of the idempotent one (env LEDGER_KAFKA_IDEMPOTENT=false)')
    .option('--cloudevents-source <uri>', 'CloudEvents source (env LEDGER_CLOUDEVENTS_SOURCE, default urn:sanctions-ledger)')
    .addHelpText('after', '\nExample:\n  sanctions-ledger publish --brokers kafka:9092 --topic sanctions.changes\n')
    .action(async (options: PublishOptions) => {
      let config;
      try {
        config = publishConfig(options);
      } catch (error) {
        // The parser names the variable; say which flag it came from as well.
        const message = error instanceof Error ? error.message : String(error);
        fail(EXIT.invalidInput, message.replace(/^[A-Z_]+/, (name) => (FLAG_OF[name] ? `${FLAG_OF[name]} (${name})` : name)));
      }
      const stopSignal = nextStopSignal();
      await withLedger(async (ledger) => {
        const { publisher, close } = openPublisher(ledger.store, config);
        try {
          await publisher.start();
          const outcome = await Promise.race([
            stopSignal.then((signal) => ({ signal })),
            publisher.done().then(() => ({}), (error: unknown) => ({ error })),
          ]);
          if ('signal' in outcome) {
            process.stderr.write(`${new Date().toISOString()} publisher: ${outcome.signal} received, stopping\n`);
            await publisher.stop();
          }
          if ('error' in outcome) throw outcome.error;
        } finally {
          close();
        }
      }, READS);
    });
}

interface FeedOptions {
  follow?: boolean;
  after?: string;
  authority?: string[];
  regime?: string[];
  type?: string[];
  cloudeventsSource?: string;
}

function registerFeed(): void {
  program
    .command('feed')
    .description('print change notifications as CloudEvents JSON, one per line (NDJSON); --follow waits for new ones')
    .option('--follow', 'keep printing new events until interrupted')
    .option('--after <position>', 'start after this log position (the globalposition of the last event seen)')
    .option('--authority <authority>', 'only these authorities: UN, EU, US, UK (repeatable or comma-separated)', collect)
    .option('--regime <regime>', 'only these regimes, e.g. EU:RUS (repeatable or comma-separated)', collect)
    .option('--type <type>', 'only these event types, e.g. SubjectDesignated (repeatable or comma-separated)', collect)
    .option('--cloudevents-source <uri>', 'CloudEvents source (env LEDGER_CLOUDEVENTS_SOURCE, default urn:sanctions-ledger)')
    .addHelpText('after', '\nExample:\n  sanctions-ledger feed --follow --regime EU:RUS,UN:DPRK --type SubjectDesignated,SubjectDelisted\n')
    .action(async (options: FeedOptions) => {
      const source = options.cloudeventsSource ?? notificationConfig().source;
      const stop = new AbortController();
      void nextStopSignal().then(() => stop.abort());
      // A closed pipe (`| head`) ends the feed quietly.
      process.stdout.on('error', () => stop.abort());
      await withLedger(async (ledger) => {
        let filter;
        let after;
        try {
          filter = parseFeedFilter(options);
          after = await checkPosition(ledger.store, options.after, '--after');
        } catch (error) {
          if (error instanceof FeedRequestError) fail(EXIT.invalidInput, error.message);
          throw error;
        }
        const feed = changeFeed(ledger.store, { after, follow: options.follow === true, filter, signal: stop.signal, source });
        for await (const { cloudEvent } of feed) {
          if (!process.stdout.write(`${JSON.stringify(cloudEvent)}\n`)) {
            await once(process.stdout, 'drain', { signal: stop.signal }).catch(() => {});
          }
          if (stop.signal.aborted) break;
        }
      }, READS);
    });
}

let registered = false;

/** Adds `publish` and `feed` to the program (once). */
export function registerNotificationCommands(): void {
  if (registered) return;
  registered = true;
  registerPublish();
  registerFeed();
}

registerNotificationCommands();
