import { randomUUID } from 'node:crypto';
import { connect, ConsumerEvents, ErrorCode, headers, NatsError, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import { silentLogger, type Logger } from '../logger';
import { Dispatcher } from './Dispatcher';
import { runDelivery, type Delivery, type DeliveryContext } from './delivery';
import { ensureConsumer, ensureStreams, streamNames, type StreamNames } from './jetstreamSetup';
import { dedupeKey, encodePayload, errorText, limitArg, msgIdArg, nameArg, resolveConsumeOptions, resolveQueueOptions, subjectArg, type ResolvedConsumeOptions } from './options';
import type { ConsumeOptions, DeadLetter, DurableQueue, QueueMessage, QueueOptions, Subscription } from './types';

/** Carries the message id to consumers; Nats-Msg-Id holds the subject-scoped dedupe key instead. */
const ID_HEADER = 'Pocdojo-Msg-Id';
const encoder = new TextEncoder();

export interface JetStreamQueueOptions extends QueueOptions {
  /** Stream name; its dead letters go to `<stream>_DLQ`. Default 'POCDOJO'. */
  stream?: string;
  /**
   * Queued messages use `<prefix>.q.<subject>`, dead letters `<prefix>.dlq.<subject>`. Default
   * 'pocdojo', which stays clear of Moleculer's own `MOL-pocdojo.*` subjects on the same server.
   */
  subjectPrefix?: string;
}

/**
 * DurableQueue over NATS JetStream: a work-queue stream (a message is removed once acked or
 * buried) read by durable pull consumers: max_ack_pending bounds the cluster, a local dispatcher each process.
 * Retries use nak(delay) rather than the consumer's `backoff`, which applies to ack timeouts only.
 */
export class JetStreamQueue implements DurableQueue {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #names: StreamNames;
  readonly #context: DeliveryContext;
  /** Subjects with a subscription in this process, claimed before the first await so two consume() calls cannot race. */
  readonly #claimed = new Set<string>();
  readonly #subscriptions = new Set<Subscription>();
  #closing: Promise<void> | undefined;
  /** False between a disconnect and the reconnect: publishes fail at once instead of timing out. */
  #connected = true;

  static async connect(natsUrl: string, options: JetStreamQueueOptions = {}): Promise<JetStreamQueue> {
    const stream = options.stream ?? 'POCDOJO';
    const subjectPrefix = options.subjectPrefix ?? 'pocdojo';
    nameArg('stream', stream);
    subjectArg(subjectPrefix);
    const limits = resolveQueueOptions(options);
    // Reconnect forever: a durable queue waits out a NATS restart instead of giving up on it;
    // and try often (the default waits 2 s between tries), since publishes fail until it is back.
    const nc = await connect({ servers: natsUrl, name: 'pocdojo-queue', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    try {
      const jsm = await nc.jetstreamManager();
      const names = streamNames(stream, subjectPrefix);
      await ensureStreams(jsm, names, subjectPrefix, limits);
      return new JetStreamQueue(nc, jsm, names, options.logger ?? silentLogger, options.onDeadLetter);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  private constructor(nc: NatsConnection, jsm: JetStreamManager, names: StreamNames, logger: Logger, onDeadLetter: QueueOptions['onDeadLetter']) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = nc.jetstream();
    this.#names = names;
    this.#context = { logger, onDeadLetter };
    void this.#watchConnection();
  }

  async publish<T>(subject: string, payload: T, options: { msgId?: string } = {}): Promise<void> {
    this.#open();
    // Buffered across the outage, a publish would wait out JetStream's 5 s timeout and fail
    // anyway: a chat ack or a job request should hear "unavailable" now.
    this.#reachable();
    subjectArg(subject);
    const msgId = msgIdArg(options.msgId);
    const h = headers();
    h.set(ID_HEADER, msgId ?? randomUUID());
    await this.#js.publish(this.#names.queueSubject(subject), encoder.encode(encodePayload(payload)), {
      headers: h,
      msgID: msgId === undefined ? undefined : dedupeKey(subject, msgId),
    });
  }

  async consume<T>(subject: string, handler: (msg: QueueMessage<T>) => Promise<void>, options: ConsumeOptions): Promise<Subscription> {
    this.#open();
    const resolved = resolveConsumeOptions(options);
    subjectArg(subject);
    if (this.#claimed.has(subject)) throw new Error(`subject "${subject}" already has a subscription in this process`);
    this.#claimed.add(subject);
    try {
      return await this.#subscribe(subject, handler, resolved);
    } catch (error) {
      this.#claimed.delete(subject);
      throw error;
    }
  }

  async #subscribe<T>(subject: string, handler: (msg: QueueMessage<T>) => Promise<void>, resolved: ResolvedConsumeOptions): Promise<Subscription> {
    await ensureConsumer(this.#jsm, this.#names.stream, this.#names.queueSubject(subject), subject, resolved);
    const consumer = await this.#js.consumers.get(this.#names.stream, resolved.durable);
    this.#open();
    const run = (msg: JsMsg) => runDelivery(this.#delivery<T>(msg, subject), handler, resolved, this.#context);
    const dispatcher = new Dispatcher<JsMsg>(resolved.concurrency, run, (msg) => msg.seq);
    // Pull no more than this process can run, so the rest stays with the server for other nodes.
    const messages = await consumer.consume({
      max_messages: resolved.concurrency,
      callback: (msg) => {
        if (!dispatcher.push(msg)) msg.nak();
      },
    });
    void this.#watchConsumer(messages, subject, resolved);

    let stopping: Promise<void> | undefined;
    const subscription: Subscription = {
      stop: () =>
        (stopping ??= (async () => {
          await messages.close().catch((error: unknown) => this.#context.logger.warn({ subject, err: errorText(error) }, 'queue: closing a consumer failed'));
          // Hand back what never started so another process gets it now rather than after ackWaitMs.
          for (const msg of dispatcher.stop()) msg.nak();
          await dispatcher.idle();
          this.#subscriptions.delete(subscription);
          this.#claimed.delete(subject);
        })()),
    };
    this.#subscriptions.add(subscription);
    // close() may have run while the consumer was being set up; it could not see this subscription.
    if (this.#closing) {
      await subscription.stop();
      this.#open();
    }
    return subscription;
  }

  async pending(subject: string): Promise<number> {
    this.#open();
    // On a work queue the stream holds exactly the messages not yet acked or buried.
    const full = this.#names.queueSubject(subjectArg(subject));
    const info = await this.#jsm.streams.info(this.#names.stream, { subjects_filter: full });
    return info.state.subjects?.[full] ?? 0;
  }

  async oldestAge(subject: string): Promise<number> {
    this.#open();
    const full = this.#names.queueSubject(subjectArg(subject));
    try {
      // The first message stored on the subject is the oldest not yet acked (a work queue removes the rest).
      // next_by_subj is the server's STREAM.MSG.GET field; nats.js types only seq/last_by_subj there.
      const stored = await this.#jsm.streams.getMessage(this.#names.stream, { seq: 0, next_by_subj: full } as unknown as number);
      return Math.max(0, (Date.now() - stored.time.getTime()) / 1000);
    } catch (error) {
      if (error instanceof NatsError && /no message found/i.test(error.message)) return 0;
      throw error;
    }
  }

  async deadLetters(subject: string, limit?: number): Promise<DeadLetter[]> {
    this.#open();
    const max = limitArg(limit);
    const full = this.#names.deadLetterSubject(subjectArg(subject));
    // Counted first so the fetch asks for exactly what is there and never waits out its expiry.
    const info = await this.#jsm.streams.info(this.#names.deadLetterStream, { subjects_filter: full });
    const count = Math.min(max, info.state.subjects?.[full] ?? 0);
    if (count === 0) return [];
    // An ordered consumer reads the subject without taking anything from it.
    const reader = await this.#js.consumers.get(this.#names.deadLetterStream, { filterSubjects: full });
    const found: DeadLetter[] = [];
    try {
      for await (const msg of await reader.fetch({ max_messages: count, expires: 2000 })) {
        found.push(msg.json<DeadLetter>());
        if (found.length === count) break;
      }
    } finally {
      await reader.delete().catch(() => false);
    }
    return found;
  }

  async ping(): Promise<void> {
    this.#open();
    this.#reachable();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
      // drain() flushes the last acks before the socket closes.
      if (!this.#nc.isClosed()) await this.#nc.drain();
    })();
    return this.#closing;
  }

  #delivery<T>(msg: JsMsg, subject: string): Delivery<T> {
    let payload: unknown;
    let unusable: string | undefined;
    try {
      payload = msg.json();
    } catch (error) {
      // Published by something other than this module; it can never succeed, so bury it at once.
      payload = msg.string();
      unusable = `payload is not JSON: ${errorText(error)}`;
    }
    return {
      message: { id: msg.headers?.get(ID_HEADER) || String(msg.seq), subject, payload: payload as T, attempt: msg.info.deliveryCount },
      unusable,
      ack: () => msg.ack(),
      retry: (delayMs) => msg.nak(delayMs),
      bury: async (deadLetter) => {
        // Keyed by stream sequence so a bury repeated after a crash stores one dead letter.
        await this.#js.publish(this.#names.deadLetterSubject(subject), encoder.encode(JSON.stringify(deadLetter)), { msgID: String(msg.seq) });
        // term() without a reason: reasons need nats-server 2.11.
        msg.term();
        return true;
      },
    };
  }

  async #watchConsumer(messages: ConsumerMessages, subject: string, options: ResolvedConsumeOptions): Promise<void> {
    const problems = new Set<string>(Object.values(ConsumerEvents));
    try {
      for await (const status of await messages.status()) {
        const fields = { subject, durable: options.durable, type: status.type, data: status.data };
        if (problems.has(status.type)) this.#context.logger.warn(fields, 'queue: consumer status');
        else this.#context.logger.debug(fields, 'queue: consumer status');
      }
    } catch (error) {
      this.#context.logger.debug({ subject, err: errorText(error) }, 'queue: consumer status stream ended');
    }
  }

  async #watchConnection(): Promise<void> {
    try {
      for await (const status of this.#nc.status()) {
        const fields = { type: status.type, data: status.data };
        if (status.type === 'disconnect') this.#connected = false;
        else if (status.type === 'reconnect') this.#connected = true;
        if (status.type === 'disconnect' || status.type === 'error') this.#context.logger.warn(fields, 'queue: nats connection');
        else this.#context.logger.debug(fields, 'queue: nats connection');
      }
    } catch (error) {
      this.#context.logger.debug({ err: errorText(error) }, 'queue: nats status stream ended');
    }
  }

  #open(): void {
    if (this.#closing) throw new Error('queue is closed');
  }

  #reachable(): void {
    if (!this.#connected) throw new NatsError('the NATS server is unreachable; reconnecting', ErrorCode.Disconnect);
  }
}
