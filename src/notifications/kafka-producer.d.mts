/** Types of kafka-producer.mjs (plain JavaScript, shared by the publisher's thread and its send thread). */
import type { logLevel, Message } from 'kafkajs';

export interface KafkaProducerConfig {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly logLevel: logLevel;
  /** Idempotent producer: kafkajs' own retries of a send then write no duplicates. */
  readonly idempotent: boolean;
}

export interface KafkaProducer {
  /** Creates the topic if missing; `{ created: false, partitions }` describes an existing one. */
  ensureTopic(topic: string, numPartitions: number, replicationFactor: number): Promise<{ created: boolean; partitions?: number }>;
  /** A fresh producer (acks -1 sends, one request in flight, murmur2 partitioner), replacing and disconnecting the previous one. */
  connect(): Promise<void>;
  /** One produce request with acks -1: resolves once the broker acknowledged every message. */
  send(topic: string, messages: readonly Message[]): Promise<void>;
  disconnect(): Promise<void>;
}

export function createKafkaProducer(config: KafkaProducerConfig): KafkaProducer;
