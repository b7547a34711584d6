import { JetStreamQueue, type JetStreamQueueOptions } from './JetStreamQueue';
import { MemoryQueue } from './MemoryQueue';
import type { DurableQueue } from './types';

export interface DurableQueueConfig extends JetStreamQueueOptions {
  /** A NATS URL (TRANSPORTER); absent means the in-process queue (single process, nothing survives a restart). */
  natsUrl?: string;
}

/** Picks JetStream when a NATS URL is configured, else the embedded queue (DESIGN.md §3). */
export async function createDurableQueue(config: DurableQueueConfig = {}): Promise<DurableQueue> {
  if (config.natsUrl) {
    // The URL is not logged: it may carry credentials.
    config.logger?.info({ queue: 'jetstream', stream: config.stream ?? 'POCDOJO' }, 'queue: using NATS JetStream');
    return JetStreamQueue.connect(config.natsUrl, config);
  }
  config.logger?.info({ queue: 'memory' }, 'queue: using the in-process queue');
  return new MemoryQueue(config);
}
