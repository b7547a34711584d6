import { randomUUID } from 'node:crypto';
import { silentLogger } from '../logger';
import { Dispatcher } from './Dispatcher';
import { runDelivery, type Delivery, type DeliveryContext } from './delivery';
import { dedupeKey, encodePayload, limitArg, msgIdArg, resolveConsumeOptions, resolveQueueOptions, subjectArg, type ResolvedConsumeOptions } from './options';
import type { ConsumeOptions, DeadLetter, DurableQueue, QueueMessage, QueueOptions, Subscription } from './types';

interface Entry {
  readonly seq: number;
  readonly id: string;
  readonly subject: string;
  /** JSON, decoded per delivery so no handler sees another's mutations (as on JetStream). */
  readonly body: string;
  /** Epoch milliseconds of the publish (oldestAge). */
  readonly storedAt: number;
  deliveries: number;
  /** Bumped per delivery and on ack-wait expiry; a delivery whose generation is old is stale. */
  generation: number;
  done: boolean;
}

interface SubjectState {
  durable?: string;
  /** Entries waiting while no subscription is active. */
  readonly ready: Entry[];
  /** Every entry not yet acked or buried: the queue depth. */
  readonly live: Set<Entry>;
  dispatcher?: Dispatcher<Entry>;
  readonly deadLetters: DeadLetter[];
}

/**
 * The embedded default when no NATS is configured: one process, state in Maps, timers unref'd.
 * Same semantics as JetStreamQueue, but nothing survives a restart: messages still queued, waiting
 * to retry or in flight when the process exits are lost, and so are dead letters.
 */
export class MemoryQueue implements DurableQueue {
  readonly #subjects = new Map<string, SubjectState>();
  /** durable -> the subject it consumes. */
  readonly #durables = new Map<string, string>();
  /** dedupe key -> expiry. Keys are added with a fixed window, so Map order is expiry order. */
  readonly #seen = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #context: DeliveryContext;
  readonly #dedupeWindowMs: number;
  readonly #deadLetterLimit: number;
  #seq = 0;
  #closing: Promise<void> | undefined;

  constructor(options: QueueOptions = {}) {
    const { dedupeWindowMs, deadLetterLimit } = resolveQueueOptions(options);
    this.#dedupeWindowMs = dedupeWindowMs;
    this.#deadLetterLimit = deadLetterLimit;
    this.#context = { logger: options.logger ?? silentLogger, onDeadLetter: options.onDeadLetter };
  }

  async publish<T>(subject: string, payload: T, options: { msgId?: string } = {}): Promise<void> {
    this.#open();
    const state = this.#state(subjectArg(subject));
    const msgId = msgIdArg(options.msgId);
    const body = encodePayload(payload);
    if (msgId !== undefined && !this.#firstSight(dedupeKey(subject, msgId))) return;
    const entry: Entry = { seq: ++this.#seq, id: msgId ?? randomUUID(), subject, body, storedAt: Date.now(), deliveries: 0, generation: 0, done: false };
    state.live.add(entry);
    this.#enqueue(entry);
  }

  async consume<T>(subject: string, handler: (msg: QueueMessage<T>) => Promise<void>, options: ConsumeOptions): Promise<Subscription> {
    this.#open();
    const resolved = resolveConsumeOptions(options);
    const state = this.#state(subjectArg(subject));
    const { durable } = resolved;
    if (state.durable !== undefined && state.durable !== durable) {
      throw new Error(`subject "${subject}" is already consumed by another durable ("${state.durable}")`);
    }
    const bound = this.#durables.get(durable);
    if (bound !== undefined && bound !== subject) throw new Error(`durable "${durable}" already consumes subject "${bound}"`);
    if (state.dispatcher) throw new Error(`subject "${subject}" already has a subscription in this process`);
    state.durable = durable;
    this.#durables.set(durable, subject);
    const dispatcher = new Dispatcher<Entry>(
      resolved.concurrency,
      (entry) => this.#deliver(entry, handler as (msg: QueueMessage) => Promise<void>, resolved),
      (entry) => entry.seq,
    );
    state.dispatcher = dispatcher;
    for (const entry of state.ready.splice(0)) dispatcher.push(entry);

    let stopping: Promise<void> | undefined;
    const subscription: Subscription = {
      stop: () =>
        (stopping ??= (async () => {
          state.dispatcher = undefined;
          // Not-started entries go back in front, in order, for the next subscription.
          state.ready.unshift(...dispatcher.stop());
          await dispatcher.idle();
          this.#subscriptions.delete(subscription);
        })()),
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async pending(subject: string): Promise<number> {
    this.#open();
    return this.#subjects.get(subjectArg(subject))?.live.size ?? 0;
  }

  async oldestAge(subject: string): Promise<number> {
    this.#open();
    // A Set iterates in insertion order: the first live entry is the oldest.
    const first = this.#subjects.get(subjectArg(subject))?.live.values().next();
    return first && !first.done ? (Date.now() - first.value.storedAt) / 1000 : 0;
  }

  async deadLetters(subject: string, limit?: number): Promise<DeadLetter[]> {
    this.#open();
    const max = limitArg(limit);
    return (this.#subjects.get(subjectArg(subject))?.deadLetters ?? []).slice(0, max).map((deadLetter) => ({ ...deadLetter }));
  }

  async ping(): Promise<void> {
    this.#open();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
    })();
    return this.#closing;
  }

  async #deliver(entry: Entry, handler: (msg: QueueMessage) => Promise<void>, options: ResolvedConsumeOptions): Promise<void> {
    // A stale success may have settled the entry while this redelivery waited for a slot.
    if (entry.done) return;
    entry.deliveries += 1;
    const generation = ++entry.generation;
    const current = () => !entry.done && entry.generation === generation;
    const ackTimer = this.#after(options.ackWaitMs, () => {
      if (!current()) return;
      // Like JetStream: the handler is presumed lost, so another delivery starts; this one turns stale.
      entry.generation += 1;
      this.#enqueue(entry);
    });
    const delivery: Delivery<unknown> = {
      message: { id: entry.id, subject: entry.subject, payload: JSON.parse(entry.body), attempt: entry.deliveries },
      // Any delivery's success settles the message, as an ack of an old delivery does on JetStream.
      ack: () => this.#settle(entry),
      // A stale delivery's failure is ignored: the newer delivery decides.
      retry: (delayMs) => {
        if (current()) this.#after(delayMs, () => this.#enqueue(entry));
      },
      bury: async (deadLetter) => {
        if (!current()) return false;
        const list = this.#state(entry.subject).deadLetters;
        list.push(deadLetter);
        if (list.length > this.#deadLetterLimit) list.shift();
        this.#settle(entry);
        return true;
      },
    };
    try {
      await runDelivery(delivery, handler, options, this.#context);
    } finally {
      clearTimeout(ackTimer);
      this.#timers.delete(ackTimer);
    }
  }

  #enqueue(entry: Entry): void {
    if (entry.done || this.#closing) return;
    const state = this.#state(entry.subject);
    if (!state.dispatcher?.push(entry)) state.ready.push(entry);
  }

  #settle(entry: Entry): void {
    entry.done = true;
    this.#state(entry.subject).live.delete(entry);
  }

  #after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    // Retries and ack waits are the queue's business; they must never keep the process alive.
    timer.unref();
    this.#timers.add(timer);
    return timer;
  }

  #firstSight(key: string): boolean {
    const now = Date.now();
    for (const [seen, expiresAt] of this.#seen) {
      if (expiresAt > now) break;
      this.#seen.delete(seen);
    }
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, now + this.#dedupeWindowMs);
    return true;
  }

  #state(subject: string): SubjectState {
    let state = this.#subjects.get(subject);
    if (!state) {
      state = { ready: [], live: new Set(), deadLetters: [] };
      this.#subjects.set(subject, state);
    }
    return state;
  }

  #open(): void {
    if (this.#closing) throw new Error('queue is closed');
  }
}
