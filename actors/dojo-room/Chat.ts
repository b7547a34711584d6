import { TokenBucket } from '../../infra/tokenBucket';
import { ForbiddenError, NotFoundError, RateLimitedError } from './errors';
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

/**
 * The chat of one room: the recent messages, idempotency on clientMsgId, and each user's rate.
 * Durability is the caller's (the room hands records to its ChatSink).
 *
 * Idempotency covers a time window, not a count: a client (or, before, a broker) retrying after a
 * failover may come back many seconds and hundreds of messages later. Memory answers for every
 * message accepted since `#coveredSince`; for a retry that may be older, the stored copy does.
 */
export class RoomChat {
  readonly #recent: ChatRecord[] = [];
  // Messages within the window (acceptance order), the time each was accepted and its number.
  // A queue read from #windowHead: shift() on a 20,000-entry array moves every entry each time.
  #window: Array<{ record: ChatRecord; at: number; n: number }> = [];
  #windowHead = 0;
  // How many messages were remembered so far: the last limits.keep of them are the recent ones.
  #remembered = 0;
  readonly #byId = new Map<string, ChatRecord>();
  readonly #durable = new Map<string, Promise<void>>();
  readonly #buckets = new Map<string, TokenBucket>();
  #coveredSince = Number.NEGATIVE_INFINITY;

  constructor(
    readonly key: RoomKey,
    history: readonly ChatRecord[],
    readonly limits: ChatLimits,
  ) {
    for (const record of history) {
      this.#remember(record, Date.parse(record.createdAt));
      this.#durable.set(record.messageId, DURABLE);
    }
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
    if (this.#byId.has(messageId) || this.#coveredSince <= now - this.limits.windowMs) {
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
   * forgotten so a retry tries again.
   */
  send(userId: string, clientMsgId: string, text: string, persist: (r: ChatRecord) => Promise<void>, now = Date.now()): Accepted {
    const messageId = chatMessageId(this.key.dojoId, userId, clientMsgId);
    const known = this.#byId.get(messageId);
    if (known) {
      // Still being persisted: the retry waits on the same write; failed before: write again.
      const durable = this.#durable.get(messageId) ?? this.#persist(known, persist);
      return { record: known, fresh: false, durable };
    }
    if (!this.#bucket(userId, now).take(now)) throw new RateLimitedError(1);
    const record: ChatRecord = { ...this.key, messageId, userId, clientMsgId, text, createdAt: new Date(now).toISOString(), status: 'A' };
    this.#remember(record, now);
    return { record, fresh: true, durable: this.#persist(record, persist) };
  }

  /** Marks a message removed: its author or a facilitator only. */
  remove(messageId: string, userId: string, isFacilitator: boolean): ChatRecord {
    const record = this.#byId.get(messageId);
    if (!record || record.status === 'R') throw new NotFoundError('Message');
    if (record.userId !== userId && !isFacilitator) throw new ForbiddenError('Only the author or a facilitator may delete this message');
    record.status = 'R';
    return record;
  }

  /** Marks messages removed elsewhere (already persisted as R); returns those that were visible here. */
  dropRemoved(messageIds: readonly string[]): string[] {
    const dropped: string[] = [];
    for (const id of messageIds) {
      const record = this.#byId.get(id);
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

  /** Finds a message among the recent ones (older ones are only in the database). */
  has(messageId: string): boolean {
    return this.#byId.has(messageId);
  }

  /** Adds a message that is older than the recent window (loaded for a delete). */
  adopt(record: ChatRecord): void {
    if (this.#byId.has(record.messageId)) return;
    this.#byId.set(record.messageId, record);
    this.#durable.set(record.messageId, DURABLE);
  }

  #persist(record: ChatRecord, persist: (r: ChatRecord) => Promise<void>): Promise<void> {
    const durable: Promise<void> = persist(record).then(
      // Settled: the shared resolved promise answers retries, so the window holds no promise per message.
      () => {
        if (this.#durable.get(record.messageId) === durable) this.#durable.set(record.messageId, DURABLE);
      },
      (error: unknown) => {
        this.#durable.delete(record.messageId);
        throw error;
      },
    );
    this.#durable.set(record.messageId, durable);
    return durable;
  }

  /** A stored message retried: answered as first accepted, and remembered for the next retry. */
  #replayOf(stored: ChatRecord): Accepted {
    this.adopt(stored);
    return { record: this.#byId.get(stored.messageId) as ChatRecord, fresh: false, durable: DURABLE };
  }

  // A record stays known while it is among the recent ones or within the window.
  #remember(record: ChatRecord, at: number): void {
    this.#remembered += 1;
    this.#recent.push(record);
    this.#window.push({ record, at, n: this.#remembered });
    this.#byId.set(record.messageId, record);
    const cutoff = at - this.limits.windowMs;
    // The window outlives the recent list (it is minutes long), so a record leaving the recent
    // list is forgotten only if the window let it go already.
    const windowStart = this.#window[this.#windowHead]?.n ?? Number.POSITIVE_INFINITY;
    while (this.#recent.length > this.limits.keep) {
      const old = this.#recent.shift() as ChatRecord;
      const n = this.#remembered - this.#recent.length;
      if (n < windowStart) this.#forget(old);
    }
    const firstRecent = this.#remembered - this.#recent.length + 1;
    while (this.#windowHead < this.#window.length) {
      const old = this.#window[this.#windowHead]!;
      if (old.at >= cutoff && this.#window.length - this.#windowHead <= MAX_REMEMBERED) break;
      this.#windowHead += 1;
      // Dropped for room, not for age: memory no longer vouches for that stretch of time.
      if (old.at >= cutoff) this.#coveredSince = Math.max(this.#coveredSince, old.at + 1);
      if (old.n < firstRecent) this.#forget(old.record);
    }
    // Drop the read part now and then, so the array does not grow without bound.
    if (this.#windowHead > 1024 && this.#windowHead * 2 > this.#window.length) {
      this.#window = this.#window.slice(this.#windowHead);
      this.#windowHead = 0;
    }
  }

  #forget(record: ChatRecord): void {
    this.#byId.delete(record.messageId);
    this.#durable.delete(record.messageId);
  }

  #bucket(userId: string, now: number): TokenBucket {
    let bucket = this.#buckets.get(userId);
    if (!bucket) this.#buckets.set(userId, (bucket = new TokenBucket(this.limits.perSecond, this.limits.burst, now)));
    return bucket;
  }
}
