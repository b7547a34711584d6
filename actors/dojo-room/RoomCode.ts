import type { Logger } from '../../infra/logger';
import { Batcher } from './Batcher';
import { CODE_TEXT, CodeDocument, mergeUpdates } from './CodeDocument';
import { compactedState, StaleGenerationError } from './CodeGeneration';
import { FencedOutError } from './errors';
import type { RoomStore } from './RoomStore';
import type { PersistedRoom, RoomKey } from './types';

/** A new generation and what must be written before it: the old generation's log and snapshot. */
interface Compaction {
  state: Uint8Array;
  text: string;
  previousLog: Batcher<Uint8Array, number>;
  previousSnapshot: Promise<void> | undefined;
  stored: boolean;
  attempt: Promise<void> | undefined;
}

export interface CodeTiming {
  snapshotEveryUpdates: number;
  snapshotIntervalMs: number;
  /** Items and tombstones past which the document is rebuilt as its next generation (CodeGeneration.ts). */
  codeCompactStructs: number;
}

/** A compaction's outcome, for the room to push (code.reset). */
export interface CodeReset {
  generation: number;
  state: Uint8Array;
}

/**
 * The room's shared code and its durability: each accepted update is group-committed to
 * `dojo_code_updates` (the edit is acked only after that), and the whole document is
 * snapshotted every N updates or T ms while it changes, and when the room closes. Activation
 * rebuilds it as snapshot + later updates.
 *
 * Compaction (`compactIfDue`) replaces the document with its next generation at once, in the
 * room's turn; storage follows in order: the old generation's pending updates are logged, then
 * the new document is stored as a snapshot (fenced by the epoch, as every write), and only then
 * are the new generation's updates logged. So the newest snapshot plus the updates after it is
 * always one generation, and an edit of the new generation is acked only once its base is durable.
 */
export class RoomCode {
  #doc: CodeDocument;
  #generation: number;
  #log: Batcher<Uint8Array, number>;
  readonly #timer: NodeJS.Timeout;
  #updateCount: number;
  #lastUpdateId: number;
  #sinceSnapshot: number;
  #snapshotting: Promise<void> | undefined;
  /** The last compaction, until it is stored. */
  #unstored: Compaction | undefined;

  constructor(
    readonly key: RoomKey,
    readonly epoch: number,
    persisted: PersistedRoom['code'],
    readonly store: RoomStore,
    readonly timing: CodeTiming,
    readonly logger: Logger,
    readonly onFenced: (error: FencedOutError) => void,
  ) {
    this.#doc = new CodeDocument(persisted.state, persisted.updates);
    this.#generation = this.#doc.generation();
    this.#updateCount = persisted.updateCount;
    this.#lastUpdateId = persisted.lastUpdateId;
    this.#sinceSnapshot = persisted.updates.length;
    this.#log = this.#newLog();
    this.#timer = setInterval(() => {
      if (this.#sinceSnapshot > 0 || this.#unstored) void this.snapshot();
    }, timing.snapshotIntervalMs);
    this.#timer.unref();
  }

  /** The current generation's document (replaced by a compaction). */
  get doc(): CodeDocument {
    return this.#doc;
  }

  get generation(): number {
    return this.#generation;
  }

  /**
   * Applies a client's update made against `generation` (throws on a malformed one, and on an
   * older generation: StaleGenerationError); resolves once it is durable.
   */
  apply(update: Uint8Array, generation = 0): Promise<void> {
    if (generation !== this.#generation) throw new StaleGenerationError(this.#generation);
    this.#doc.apply(update);
    this.#updateCount++;
    this.#sinceSnapshot++;
    if (this.#sinceSnapshot >= this.timing.snapshotEveryUpdates) void this.snapshot();
    return this.#log.add(update).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof FencedOutError) this.onFenced(error);
        throw error;
      },
    );
  }

  /**
   * Rebuilds the document as its next generation when its history passed the limit (and the
   * previous compaction is stored). Call in the room's turn; push the reset it returns.
   */
  compactIfDue(): CodeReset | undefined {
    if (this.#unstored || this.#doc.structs() < this.timing.codeCompactStructs) return undefined;
    const text = this.#doc.text();
    const generation = this.#generation + 1;
    const state = compactedState(CODE_TEXT, text, generation);
    // Cursors belong to the old document's clients: they come back with the clients' next move.
    this.#doc.close();
    this.#doc = new CodeDocument(state);
    this.#generation = generation;
    const compaction: Compaction = { state, text, previousLog: this.#log, previousSnapshot: this.#snapshotting, stored: false, attempt: undefined };
    this.#unstored = compaction;
    this.#log = this.#newLog(compaction);
    this.#sinceSnapshot = 0;
    return { generation, state };
  }

  /** Writes the whole document; one snapshot at a time, a request during one is folded into it. */
  snapshot(): Promise<void> {
    this.#snapshotting ??= this.#writeSnapshot().finally(() => {
      this.#snapshotting = undefined;
    });
    return this.#snapshotting;
  }

  /** Waits for pending updates, then snapshots if anything changed since the last one. */
  async finish(): Promise<void> {
    clearInterval(this.#timer);
    await this.#log.idle();
    await this.#snapshotting;
    if (this.#sinceSnapshot > 0 || this.#unstored) await this.snapshot();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#doc.close();
  }

  // A generation's log: its first write waits until the compaction that made the generation is stored.
  #newLog(compaction?: Compaction): Batcher<Uint8Array, number> {
    return new Batcher(async (updates) => {
      if (compaction) await this.#storeCompaction(compaction);
      const id = await this.store.appendCode(this.key, this.epoch, mergeUpdates(updates), updates.length);
      this.#lastUpdateId = Math.max(this.#lastUpdateId, id);
      return id;
    });
  }

  /** Stores a compaction (once; a failed attempt is made again by the next write that needs it). */
  #storeCompaction(compaction: Compaction): Promise<void> {
    if (compaction.stored) return Promise.resolve();
    compaction.attempt ??= (async () => {
      // Every update of the old generation gets its row first, so the snapshot covers them all.
      await compaction.previousLog.idle();
      await compaction.previousSnapshot?.catch(() => undefined);
      const snap = { state: compaction.state, text: compaction.text, updateCount: this.#updateCount, lastUpdateId: this.#lastUpdateId };
      await this.store.snapshot(this.key, this.epoch, snap);
      compaction.stored = true;
      if (this.#unstored === compaction) this.#unstored = undefined;
    })()
      .catch((error: unknown) => {
        if (error instanceof FencedOutError) this.onFenced(error);
        throw error;
      })
      .finally(() => {
        compaction.attempt = undefined;
      });
    return compaction.attempt;
  }

  async #writeSnapshot(): Promise<void> {
    try {
      if (this.#unstored) await this.#storeCompaction(this.#unstored);
      // Captured in one synchronous step: the state includes every update up to lastUpdateId
      // (and maybe later ones not yet logged, which activation simply applies again).
      const state = this.#doc.state();
      const [counted, generation] = [this.#sinceSnapshot, this.#generation];
      const snap = { state, text: this.#doc.text(), updateCount: this.#updateCount, lastUpdateId: this.#lastUpdateId };
      if (counted === 0) return;
      await this.store.snapshot(this.key, this.epoch, snap);
      // A compaction meanwhile restarted the count for its own generation.
      if (generation === this.#generation) this.#sinceSnapshot = Math.max(0, this.#sinceSnapshot - counted);
    } catch (error) {
      if (error instanceof FencedOutError) this.onFenced(error);
      else this.logger.warn({ err: error, dojoId: this.key.dojoId }, 'code snapshot failed; will retry');
    }
  }
}
