import type { Logger } from '../logger';

/**
 * Durable queues behind one interface (DESIGN.md §3, §4 "Queues"): NATS JetStream when a NATS URL
 * is configured, an in-process queue otherwise. Delivery is at-least-once, so handlers must be
 * idempotent; a message is one job, handled by the one durable consumer of its subject.
 */
export interface DurableQueue {
  /**
   * Stores a message. The same `msgId` on the same subject within the dedupe window is stored once;
   * ids are scoped per subject, so one domain id may name a job on several queues.
   * Payloads travel as JSON on both implementations (Dates become strings, `undefined` becomes null).
   */
  publish<T>(subject: string, payload: T, options?: { msgId?: string }): Promise<void>;
  /**
   * Handler resolves => ack; throws => retried after `backoffMs`; after `maxDeliver` attempts the
   * message becomes a dead letter carrying the last error. A subject has exactly one durable and a
   * durable exactly one subject (a work queue); a process holds at most one subscription per subject.
   */
  consume<T>(subject: string, handler: (msg: QueueMessage<T>) => Promise<void>, options: ConsumeOptions): Promise<Subscription>;
  /** Queue depth: messages stored and not yet acknowledged (waiting, in flight or waiting to retry). */
  pending(subject: string): Promise<number>;
  /** Seconds since the oldest message not yet acknowledged was stored; 0 when there is none (queue-age alerts). */
  oldestAge(subject: string): Promise<number>;
  /** Oldest first, at most `limit` (default 100); the oldest are dropped past the store's limit. */
  deadLetters(subject: string, limit?: number): Promise<DeadLetter[]>;
  /** Throws while the queue cannot store messages (its server is unreachable): readiness checks. */
  ping(): Promise<void>;
  /** Stops every subscription (waiting for running handlers) and disconnects. Safe to call twice. */
  close(): Promise<void>;
}

export interface QueueMessage<T = unknown> {
  /** The publisher's msgId, or a generated one. */
  id: string;
  subject: string;
  payload: T;
  /** 1-based; greater than 1 on a retry or a redelivery. */
  attempt: number;
}

export interface ConsumeOptions {
  /** Consumer name; it keeps its place across restarts and is shared by every process using it. */
  durable: string;
  /** Handlers running at once in this process. Default 1. */
  concurrency?: number;
  /**
   * Messages in flight across every process of the durable (JetStream's max_ack_pending; the last
   * process to subscribe sets it). Separate from `concurrency` so adding a node adds capacity.
   * Default 1000.
   */
  clusterConcurrency?: number;
  /** Handler attempts before the message is dead-lettered. Default 5. */
  maxDeliver?: number;
  /** Delay before attempt 2, 3, ...; the last entry repeats. Default [1000, 5000, 15000, 60000]. */
  backoffMs?: number[];
  /** A handler still running after this is presumed lost and its message redelivered. Default 30000. */
  ackWaitMs?: number;
}

export interface Subscription {
  /** Stops taking messages and waits for running handlers; waiting ones stay queued. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DeadLetter {
  id: string;
  subject: string;
  payload: unknown;
  /** Handler attempts made. */
  attempts: number;
  /** The last failure: the handler's error message, or why the message never reached a handler. */
  error: string;
  /** Epoch milliseconds. */
  at: number;
}

/** Settings both implementations share. */
export interface QueueOptions {
  logger?: Logger;
  /** Called once a dead letter is stored; a throwing hook is logged, never retried. */
  onDeadLetter?: (deadLetter: DeadLetter) => void;
  /** How long a msgId is remembered for deduplication. Default 120000 (JetStream's default). */
  dedupeWindowMs?: number;
  /** Dead letters kept per subject. Default 1000. */
  deadLetterLimit?: number;
}
