/** Builds a Kafka publisher with its checkpoint file from the notification settings (CLI and service alike). */
import type { NotificationConfig } from '../config';
import type { EventStore } from '../store/event-store';
import { CheckpointStore } from './checkpoint-store';
import { KafkaPublisher } from './kafka-publisher';

export interface OpenedPublisher {
  readonly publisher: KafkaPublisher;
  /** Closes the checkpoint file; call after the publisher stopped. */
  close(): void;
}

export function openPublisher(store: EventStore, config: NotificationConfig, log?: (line: string) => void): OpenedPublisher {
  const checkpoints = CheckpointStore.open(config.checkpointPath);
  const publisher = new KafkaPublisher(store, {
    brokers: config.brokers,
    topic: config.topic,
    deadLetterTopic: config.deadLetterTopic,
    partitions: config.partitions,
    replicationFactor: config.replicationFactor,
    idempotent: config.idempotent,
    checkpoints,
    batchSize: config.batchSize,
    threadMinBatch: config.threadMinBatch,
    source: config.source,
    ...(log === undefined ? {} : { log }),
  });
  return { publisher, close: () => checkpoints.close() };
}
