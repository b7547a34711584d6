import { TokenBucket } from '../../infra/tokenBucket';
import { ForbiddenError, NotFoundError, RateLimitedError } from './errors';
import { ChatWindow } from './ChatWindow';
import { chatMessageId } from './messageId';
import type { ChatRecord, RoomKey } from './types';

const DURABLE = Promise.resolve();

/** A message the room accepted, and the promise that it is durable (the ack waits on it). */
export interface Accepted {
  record: ChatRecord;
  /** False when this was a retry of a message already accepted (no second fan-out). */
  fresh: boolean;
  durable: Promise<void>;
}

export interface ChatLimits {
  perSecond: number;
  burst: number;
  /** Recent messages kept for room.join. */
  keep: number;
  /** A retried clientMsgId is recognized for at least this long after its first acceptance. */
  windowMs: number;
}

/** How the room reaches what was stored (the database's copy is keyed by the same message id). */
export interface ChatStorage {
  persist(record: ChatRecord): Promise<void>;
  find(messageId: string): Promise<ChatRecord | undefined>;
}

// Messages one room remembers for idempotency at most; past it the oldest are left to the database.
const MAX_REMEMBERED = 20_000;
// Records loaded from storage (for a delete or a late retry) kept whole at most.
const MAX_ADOPTED = 1_000;

/**
 * The chat of one room: the recent messages, idempotency on clientMsgId, and each user's rate.
 * Durability is the caller's (the room hands records to its ChatSink).
 *
 * Idempotency covers a time window, not a count: a client (or, before, a broker) retrying after a
 * failover may come back many seconds and hundreds of messages later. Memory answers for every
 * message accepted since `#coveredSince`; for a retry that may be older, the stored copy does.
 * The window keeps ids and times only (ChatWindow); whole records are kept for the recent
 * messages, those loaded for a delete, and those whose write has not succeeded yet.
 */
export class RoomChat {
  readonly #recent: ChatRecord[] = [];
  /** The recent records and those adopted from storage, by id: what remove() and room.join see. */
  readonly #records = new Map<string, ChatRecord>();
  readonly #adopted = new Map<string, ChatRecord>();
  /** Every message accepted within the window: id and time. */
  readonly #window = new ChatWindow(MAX_REMEMBERED);
  /**
   * Records whose write is in flight (a retry waits on the same promise) or failed (a retry
   * writes again), in acceptance order. A written record leaves at once.
   */
  readonly #unsettled = new Map<string, { record: ChatRecord; durable: Promise<void> | undefined }>();
  readonly #buckets = new Map<string, TokenBucket>();
  #coveredSince = Number.NEGATIVE_INFINITY;

  constructor(
    readonly key: RoomKey,
    history: readonly ChatRecord[],
    readonly limits: ChatLimits,
  ) {
    for (const record of history) this.#remember(record, Date.parse(record.createdAt));
    // History is the newest `keep` stored messages, so every message stored since its oldest is
    // known here; fewer than `keep` is all of them.
    if (history.length >= limits.keep) this.#coveredSince = Math.max(this.#coveredSince, Date.parse(history[0]!.createdAt));
  }

  /**
   * `send`, after asking storage about a clientMsgId that memory cannot vouch for (a room
   * re-activated less than a window ago). Synchronous when memory answers, as it does almost
   * always. If storage cannot answer, the message is taken as new: the unique index still
   * stores it once, and chat does not stop with the database.
   */
  accept(userId: string, clientMsgId: string, text: string, storage: ChatStorage, now = Date.now()): Accepted | Promise<Accepted> {
    const messageId = chatMessageId(this.key.dojoId, userId, clientMsgId);
    if (this.has(messageId) || this.#unsettled.has(messageId) || this.#coveredSince <= now - this.limits.windowMs) {
      return this.send(userId, clientMsgId, text, (r) => storage.persist(r), now);
    }
    return storage.find(messageId).then(
      (stored) => (stored ? this.#replayOf(stored) : this.send(userId, clientMsgId, text, (r) => storage.persist(r), now)),
      () => this.send(userId, clientMsgId, text, (r) => storage.persist(r), now),
    );
  }

  /**
   * Accepts a message, or returns the earlier acceptance of the same clientMsgId (without
   * spending a rate-limit token). `persist` makes the record durable; a failed persist is
   * kept so a retry tries again.
   */
  send(userId: string, clientMsgId: string, text: string, persist: (r: ChatRecord) => Promise<void>, now = Date.now()): Accepted {
    const messageId = chatMessageId(this.key.dojoId, userId, clientMsgId);
    const unsettled = this.#unsettled.get(messageId);
    if (unsettled) {
      // Still being persisted: the retry waits on the same write; failed before: write again.
      return { record: unsettled.record, fresh: false, durable: unsettled.durable ?? this.#persist(unsettled.record, persist) };
    }
    const at = this.#records.get(messageId) ?? this.#adopted.get(messageId) ?? this.#window.acceptedAt(messageId);
    if (at !== undefined) {
      // The window keeps no text: a retry carries the same id, so the record is the first one as far as the reply goes.
      const record = typeof at === 'number' ? { ...this.key, messageId, userId, clientMsgId, text, createdAt: new Date(at).toISOString(), status: 'A' as const } : at;
      return { record, fresh: false, durable: DURABLE };
    }
    if (!this.#bucket(userId, now).take(now)) throw new RateLimitedError(1);
    const record: ChatRecord = { ...this.key, messageId, userId, clientMsgId, text, createdAt: new Date(now).toISOString(), status: 'A' };
    this.#remember(record, now);
    return { record, fresh: true, durable: this.#persist(record, persist) };
  }

  /** Marks a message removed: its author or a facilitator only. */
  remove(messageId: string, userId: string, isFacilitator: boolean): ChatRecord {
    const record = this.find(messageId);
    if (!record || record.status === 'R') throw new NotFoundError('Message');
    if (record.userId !== userId && !isFacilitator) throw new ForbiddenError('Only the author or a facilitator may delete this message');
    record.status = 'R';
    return record;
  }

  /** Marks messages removed elsewhere (already persisted as R); returns those that were visible here. */
  dropRemoved(messageIds: readonly string[]): string[] {
    const dropped: string[] = [];
    for (const id of messageIds) {
      const record = this.find(id);
      if (record && record.status === 'A') {
        record.status = 'R';
        dropped.push(id);
      }
    }
    return dropped;
  }

  /** The last `n` visible messages, oldest first. */
  recent(n = this.limits.keep): ChatRecord[] {
    return this.#recent.filter((r) => r.status === 'A').slice(-n);
  }

  /** Whether memory vouches for the message (accepted within the window, or loaded). */
  has(messageId: string): boolean {
    return this.#records.has(messageId) || this.#adopted.has(messageId) || this.#window.acceptedAt(messageId) !== undefined;
  }

  /** The whole record, if memory holds it (a recent, loaded or unwritten one); older ones are only in the database. */
  find(messageId: string): ChatRecord | undefined {
    return this.#records.get(messageId) ?? this.#adopted.get(messageId) ?? this.#unsettled.get(messageId)?.record;
  }

  /** Adds a message that is older than the recent window (loaded for a delete or a retry). */
  adopt(record: ChatRecord): void {
    if (this.find(record.messageId)) return;
    this.#adopted.set(record.messageId, record);
    // Loaded records are few (deletes, late retries): the oldest make room for new ones.
    if (this.#adopted.size > MAX_ADOPTED) this.#adopted.delete(this.#adopted.keys().next().value as string);
    if (this.#window.acceptedAt(record.messageId) === undefined) this.#window.add(record.messageId, Date.parse(record.createdAt));
  }

  #persist(record: ChatRecord, persist: (r: ChatRecord) => Promise<void>): Promise<void> {
    const entry: { record: ChatRecord; durable: Promise<void> | undefined } = { record, durable: undefined };
    entry.durable = persist(record).then(
      () => {
        if (this.#unsettled.get(record.messageId) === entry) this.#unsettled.delete(record.messageId);
      },
      (error: unknown) => {
        entry.durable = undefined;
        throw error;
      },
    );
    this.#unsettled.delete(record.messageId);
    this.#unsettled.set(record.messageId, entry);
    return entry.durable;
  }

  /** A stored message retried: answered as first accepted, and remembered for the next retry. */
  #replayOf(stored: ChatRecord): Accepted {
    this.adopt(stored);
    return { record: this.find(stored.messageId) as ChatRecord, fresh: false, durable: DURABLE };
  }

  // A message stays known while it is among the recent ones or within the window.
  #remember(record: ChatRecord, at: number): void {
    this.#recent.push(record);
    this.#records.set(record.messageId, record);
    while (this.#recent.length > this.limits.keep) this.#records.delete((this.#recent.shift() as ChatRecord).messageId);
    const cutoff = at - this.limits.windowMs;
    for (let oldest = this.#window.oldest(); oldest !== undefined && oldest < cutoff; oldest = this.#window.oldest()) this.#window.dropOldest();
    if (this.#window.size >= MAX_REMEMBERED) {
      // Dropped for room, not for age: memory no longer vouches for that stretch of time.
      this.#coveredSince = Math.max(this.#coveredSince, (this.#window.dropOldest() as number) + 1);
    }
    this.#window.add(record.messageId, at);
    // A write that failed long ago and was never retried leaves with its time.
    const since = this.#window.oldest() ?? at;
    for (const [id, entry] of this.#unsettled) {
      if (entry.durable || Date.parse(entry.record.createdAt) >= since) break;
      this.#unsettled.delete(id);
    }
  }

  #bucket(userId: string, now: number): TokenBucket {
    let bucket = this.#buckets.get(userId);
    if (!bucket) this.#buckets.set(userId, (bucket = new TokenBucket(this.limits.perSecond, this.limits.burst, now)));
    return bucket;
  }
}
