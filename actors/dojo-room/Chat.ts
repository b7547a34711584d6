import { TokenBucket } from '../../gateway/ws/token-bucket';
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

/**
 * The chat of one room: the recent messages, idempotency on clientMsgId, and each user's rate.
 * Durability is the caller's (the room hands records to its ChatSink).
 */
export class RoomChat {
  readonly #recent: ChatRecord[] = [];
  readonly #byId = new Map<string, ChatRecord>();
  readonly #durable = new Map<string, Promise<void>>();
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    readonly key: RoomKey,
    history: readonly ChatRecord[],
    readonly limits: { perSecond: number; burst: number; keep: number },
  ) {
    for (const record of history) {
      this.#remember(record);
      this.#durable.set(record.messageId, DURABLE);
    }
  }

  /**
   * Accepts a message, or returns the earlier acceptance of the same clientMsgId. `persist`
   * makes the record durable; a failed persist is forgotten so a retry tries again.
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
    this.#remember(record);
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
    const durable = persist(record).then(
      () => undefined,
      (error: unknown) => {
        this.#durable.delete(record.messageId);
        throw error;
      },
    );
    this.#durable.set(record.messageId, durable);
    return durable;
  }

  #remember(record: ChatRecord): void {
    this.#recent.push(record);
    this.#byId.set(record.messageId, record);
    // Idempotency reaches as far back as the window; older retries hit the database's unique index.
    while (this.#recent.length > this.limits.keep) {
      const old = this.#recent.shift() as ChatRecord;
      this.#byId.delete(old.messageId);
      this.#durable.delete(old.messageId);
    }
  }

  #bucket(userId: string, now: number): TokenBucket {
    let bucket = this.#buckets.get(userId);
    if (!bucket) this.#buckets.set(userId, (bucket = new TokenBucket(this.limits.perSecond, this.limits.burst, now)));
    return bucket;
  }
}
