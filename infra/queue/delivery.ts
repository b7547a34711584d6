// The retry / dead-letter policy, written once: each queue only says how to ack, retry and bury
// one of its deliveries, so memory and JetStream decide the same way.
import type { Logger } from '../logger';
import { backoffDelay, errorText, type ResolvedConsumeOptions } from './options';
import { isPermanent } from './permanent';
import type { DeadLetter, QueueMessage } from './types';

export interface Delivery<T> {
  readonly message: QueueMessage<T>;
  /** Set when the message cannot be handed to a handler at all (e.g. its payload is not JSON). */
  readonly unusable?: string;
  ack(): void;
  retry(delayMs: number): void;
  /** Stores the dead letter and drops the message; false when a newer delivery already settled it. */
  bury(deadLetter: DeadLetter): Promise<boolean>;
}

export interface DeliveryContext {
  logger: Logger;
  onDeadLetter?: (deadLetter: DeadLetter) => void;
}

export async function runDelivery<T>(delivery: Delivery<T>, handler: (msg: QueueMessage<T>) => Promise<void>, options: ResolvedConsumeOptions, context: DeliveryContext): Promise<void> {
  const { message } = delivery;
  if (delivery.unusable !== undefined) {
    await deadLetter(delivery, 0, delivery.unusable, options, context);
    return;
  }
  if (message.attempt > options.maxDeliver) {
    // Only a last attempt that never settled gets here: the server (or the memory queue) redelivered it.
    const reason = `not acknowledged: the last attempt outlived ackWaitMs (${options.ackWaitMs} ms), its process stopped, or its dead letter could not be stored`;
    await deadLetter(delivery, options.maxDeliver, reason, options, context);
    return;
  }
  try {
    await handler(message);
  } catch (error) {
    const text = errorText(error);
    if (message.attempt >= options.maxDeliver || isPermanent(error)) {
      await deadLetter(delivery, message.attempt, text, options, context);
      return;
    }
    const delayMs = backoffDelay(options.backoffMs, message.attempt);
    context.logger.warn({ subject: message.subject, id: message.id, attempt: message.attempt, delayMs, err: text }, 'queue: handler failed, will retry');
    delivery.retry(delayMs);
    return;
  }
  delivery.ack();
}

async function deadLetter<T>(delivery: Delivery<T>, attempts: number, error: string, options: ResolvedConsumeOptions, context: DeliveryContext): Promise<void> {
  const { message } = delivery;
  const record: DeadLetter = { id: message.id, subject: message.subject, payload: message.payload, attempts, error, at: Date.now() };
  let buried: boolean;
  try {
    buried = await delivery.bury(record);
  } catch (buryError) {
    // Keep the message rather than lose it: it comes back after the longest backoff and is buried then.
    context.logger.error({ subject: message.subject, id: message.id, err: errorText(buryError) }, 'queue: storing a dead letter failed');
    delivery.retry(backoffDelay(options.backoffMs, Number.MAX_SAFE_INTEGER));
    return;
  }
  if (!buried) return;
  context.logger.warn({ subject: message.subject, id: message.id, attempts, err: error }, 'queue: message dead-lettered');
  try {
    context.onDeadLetter?.(record);
  } catch (hookError) {
    context.logger.error({ subject: message.subject, id: message.id, err: errorText(hookError) }, 'queue: onDeadLetter hook threw');
  }
}
