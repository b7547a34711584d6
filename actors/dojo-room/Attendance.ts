import type { Logger } from '../../infra/logger';
import { isRefusedRecord } from './ChatSink';
import { FencedOutError } from './errors';
import type { AttendanceEntry, RoomStore } from './RoomStore';
import type { RoomKey, RoomRole } from './types';

// Waits between tries of a failed flush; the last one repeats for as long as the room lives.
const RETRY_MS = [250, 1_000, 3_000, 10_000];
// Tries of what is left when the room closes, before it is reported lost.
const CLOSING_TRIES = 3;

/**
 * A room's attendance (first joins, time present), coalesced: what members do waits here, one
 * entry per user, and goes out as one fenced transaction per flush whatever its size, one flush
 * in flight per room. A join storm into a 100-member room is then a few transactions instead of
 * a hundred of five round trips each, and it never holds more than one connection per room.
 *
 * Nothing is dropped on the way: a failed flush keeps its entries (merged with what came since)
 * and is tried again, with backoff, for as long as the room lives; a user the database refuses
 * (class 22/23: a user deleted meanwhile) is split out and fails alone; closing writes what is
 * left and the room's last words wait for it. Only a stale activation (fenced out) drops its
 * entries: the newer one has the members.
 */
export class Attendance {
  #pending = new Map<string, AttendanceEntry>();
  #flushing: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;

  constructor(
    readonly key: RoomKey,
    readonly epoch: number,
    readonly store: Pick<RoomStore, 'attendance'>,
    readonly logger: Logger,
    readonly onFenced: (error: FencedOutError) => void,
  ) {}

  /** Entries not written yet (users). */
  get pending(): number {
    return this.#pending.size;
  }

  /** Consecutive failed flushes (0 when the last one was written). */
  get failures(): number {
    return this.#failures;
  }

  joined(userId: string, role: RoomRole): void {
    this.#entry(userId).joined ??= role;
    this.#schedule();
  }

  left(userId: string, seconds: number): void {
    const entry = this.#entry(userId);
    entry.seconds = (entry.seconds ?? 0) + Math.max(0, seconds);
    this.#schedule();
  }

  /** The room is closing (it still owns its lease): writes what is left, a few tries at most. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#flushing;
    for (let attempt = 0; this.#pending.size > 0 && attempt < CLOSING_TRIES; attempt++) {
      if (!(await this.#flush())) await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
    }
    if (this.#pending.size > 0) this.logger.error({ dojoId: this.key.dojoId, users: [...this.#pending.keys()] }, 'attendance not written: the room closed while the database refused it');
  }

  /** The room lost its lease: a newer activation owns the room, and these writes would be refused. */
  discard(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#pending.clear();
  }

  #entry(userId: string): AttendanceEntry {
    let entry = this.#pending.get(userId);
    if (!entry) this.#pending.set(userId, (entry = { userId }));
    return entry;
  }

  #schedule(): void {
    if (this.#flushing || this.#retry || this.#closed) return;
    this.#flushing = this.#drain();
  }

  async #drain(): Promise<void> {
    // The rest of the turn (and turns queued behind it) join this flush.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.#pending.size > 0 && !this.#closed) {
      if (await this.#flush()) continue;
      const wait = RETRY_MS[Math.min(this.#failures, RETRY_MS.length) - 1] as number;
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        this.#schedule();
      }, wait);
      this.#retry.unref();
      break;
    }
    this.#flushing = undefined;
  }

  /** Writes everything pending now; false when it failed (the entries are pending again). */
  async #flush(): Promise<boolean> {
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    const written = new Set<AttendanceEntry>();
    try {
      await this.#write(batch, written);
      this.#failures = 0;
      return true;
    } catch (error) {
      if (error instanceof FencedOutError) {
        this.discard();
        this.onFenced(error);
        return true;
      }
      // Halves written before the failure are not written twice (time present would add up again).
      for (const entry of batch) if (!written.has(entry)) this.#restore(entry);
      this.#failures += 1;
      this.logger.warn({ err: error, dojoId: this.key.dojoId, users: batch.length, attempt: this.#failures }, 'attendance write failed; trying again');
      return false;
    }
  }

  /** One transaction; a batch the database refuses for one of its users is written in halves until that user fails alone. */
  async #write(batch: AttendanceEntry[], written: Set<AttendanceEntry>): Promise<void> {
    try {
      await this.store.attendance(this.key, this.epoch, batch);
    } catch (error) {
      if (!isRefusedRecord(error)) throw error;
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.#write(batch.slice(0, half), written);
        await this.#write(batch.slice(half), written);
        return;
      }
      this.logger.error({ err: error, dojoId: this.key.dojoId, userId: batch[0]?.userId }, 'attendance refused by the database for this user; not retried');
    }
    for (const entry of batch) written.add(entry);
  }

  /** Puts a failed entry back, merged with what its user did since. */
  #restore(entry: AttendanceEntry): void {
    const now = this.#pending.get(entry.userId);
    if (!now) {
      this.#pending.set(entry.userId, entry);
      return;
    }
    now.joined = entry.joined ?? now.joined;
    if (entry.seconds !== undefined) now.seconds = (now.seconds ?? 0) + entry.seconds;
  }
}
