// @ts-check
/**
 * The publisher's kafkajs side, in plain JavaScript so that the same code runs on the publisher's own thread
 * and in its send thread (kafka-send-worker.mjs: a worker does not inherit the main thread's TypeScript
 * loader). Types: kafka-producer.d.mts.
 *
 * It only creates the topic, connects producers and sends what it is given; what is sent and when the
 * checkpoint moves is the publisher's business (kafka-publisher.ts).
 */
import { Kafka, Partitioners } from 'kafkajs';

/**
 * @param {import('./kafka-producer.d.mts').KafkaProducerConfig} config
 * @returns {import('./kafka-producer.d.mts').KafkaProducer}
 */
export function createKafkaProducer(config) {
  const kafka = new Kafka({
    clientId: config.clientId,
    brokers: [...config.brokers],
    logLevel: config.logLevel,
    connectionTimeout: 3_000,
    // kafkajs retries a failing call a few times itself; long outages are the publisher's loop's business,
    // so that it can report them and close the subscription meanwhile.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
  });

  /** @type {import('kafkajs').Producer | undefined} */
  let producer;

  async function disconnect() {
    const old = producer;
    producer = undefined;
    await old?.disconnect().catch(() => {});
  }

  return {
    async ensureTopic(topic, numPartitions, replicationFactor) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const created = await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: true });
        if (created) return { created: true };
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        return { created: false, partitions: metadata.topics[0]?.partitions.length };
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },

    async connect() {
      await disconnect();
      const fresh = kafka.producer({
        idempotent: config.idempotent,
        // One request in flight: a retried request cannot overtake the next one (per-key order). kafkajs does
        // not implement the client-side sequence handling the idempotent protocol needs for more (KIP-98,
        // KAFKA-5494; kafkajs pull request 980 was closed for that reason), and its idempotent producer holds a
        // lock per broker from one produce request to its response anyway.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // The Java client's murmur2 key -> partition mapping, so other clients agree on the partition of a key.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await fresh.connect();
      } catch (error) {
        await fresh.disconnect().catch(() => {});
        throw error;
      }
      producer = fresh;
    },

    async send(topic, messages) {
      if (producer === undefined) throw new Error('not connected to Kafka');
      await producer.send({ topic, acks: -1, messages: [...messages] });
    },

    disconnect,
  };
}
