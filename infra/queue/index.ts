export type { ConsumeOptions, DeadLetter, DurableQueue, QueueMessage, QueueOptions, Subscription } from './types';
export { createDurableQueue, type DurableQueueConfig } from './createDurableQueue';
export { JetStreamQueue, type JetStreamQueueOptions } from './JetStreamQueue';
export { MemoryQueue } from './MemoryQueue';
export { PoisonMessage } from './poison';
