import type { DurableQueue, Subscription } from '../../infra/queue';
import { watchQueue } from '../../infra/queue/metrics';
import type { NotificationRequest } from './Notifications';

/**
 * Where `notification.requested` events go between the emitter and the database. The emitter
 * never waits for the write: a burst is absorbed here and drained at a bounded pace.
 */
export interface NotificationSink {
  submit(request: NotificationRequest): Promise<void>;
  /** Stops taking requests and lets in-flight writes finish. Safe to call twice. */
  close(): Promise<void>;
}

export type NotificationHandler = (request: NotificationRequest) => Promise<unknown>;

/**
 * Through the durable queue (JetStream on NATS, in-process otherwise): a request survives a
 * crash between the event and the write, retries back off, and what keeps failing becomes a
 * dead letter. The queue's msgId dedupe and the table's dedupe_key index make redelivery harmless.
 */
export class QueueSink implements NotificationSink {
  #subscription: Subscription | undefined;
  #unwatch: (() => void) | undefined;

  private constructor(
    readonly queue: DurableQueue,
    readonly subject: string,
  ) {}

  /** Starts the consumer; the queue itself is per namespace (deploy/infrastructure.ts queueNames). */
  static async start(queue: DurableQueue, handle: NotificationHandler): Promise<QueueSink> {
    const sink = new QueueSink(queue, 'tenant.notifications');
    sink.#subscription = await queue.consume<NotificationRequest>(sink.subject, async (msg) => void (await handle(msg.payload)), {
      durable: 'tenant-notifications',
      concurrency: 4,
      maxDeliver: 5,
      backoffMs: [200, 1000, 5000, 15_000],
    });
    sink.#unwatch = watchQueue('notifications', queue, sink.subject);
    return sink;
  }

  submit(request: NotificationRequest): Promise<void> {
    return this.queue.publish(this.subject, request, { msgId: request.dedupeKey ? `${request.tenantId}:${request.dedupeKey}` : undefined });
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    await this.#subscription?.stop();
  }
}
