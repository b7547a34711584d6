import type { Logger } from '../../infra/logger';
import { Batcher } from './Batcher';
import { CodeDocument, mergeUpdates } from './CodeDocument';
import { FencedOutError } from './errors';
import type { RoomStore } from './RoomStore';
import type { PersistedRoom, RoomKey } from './types';

export interface CodeTiming {
  snapshotEveryUpdates: number;
  snapshotIntervalMs: number;
}

/**
 * The room's shared code and its durability: each accepted update is group-committed to
 * `dojo_code_updates` (the edit is acked only after that), and the whole document is
 * snapshotted every N updates or T ms while it changes, and when the room closes. Activation
 * rebuilds it as snapshot + later updates.
 */
export class RoomCode {
  readonly doc: CodeDocument;
  readonly #log: Batcher<Uint8Array, number>;
  readonly #timer: NodeJS.Timeout;
  #updateCount: number;
  #lastUpdateId: number;
  #sinceSnapshot: number;
  #snapshotting: Promise<void> | undefined;

  constructor(
    readonly key: RoomKey,
    readonly epoch: number,
    persisted: PersistedRoom['code'],
    readonly store: RoomStore,
    readonly timing: CodeTiming,
    readonly logger: Logger,
    readonly onFenced: (error: FencedOutError) => void,
  ) {
    this.doc = new CodeDocument(persisted.state, persisted.updates);
    this.#updateCount = persisted.updateCount;
    this.#lastUpdateId = persisted.lastUpdateId;
    this.#sinceSnapshot = persisted.updates.length;
    this.#log = new Batcher(async (updates) => {
      const id = await this.store.appendCode(this.key, this.epoch, mergeUpdates(updates), updates.length);
      this.#lastUpdateId = Math.max(this.#lastUpdateId, id);
      return id;
    });
    this.#timer = setInterval(() => {
      if (this.#sinceSnapshot > 0) void this.snapshot();
    }, timing.snapshotIntervalMs);
    this.#timer.unref();
  }

  /** Applies a client's update (throws on a malformed one); resolves once it is durable. */
  apply(update: Uint8Array): Promise<void> {
    this.doc.apply(update);
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
    if (this.#sinceSnapshot > 0) await this.snapshot();
  }

  close(): void {
    clearInterval(this.#timer);
    this.doc.close();
  }

  async #writeSnapshot(): Promise<void> {
    // Captured in one synchronous step: the state includes every update up to lastUpdateId
    // (and maybe later ones not yet logged, which activation simply applies again).
    const state = this.doc.state();
    const counted = this.#sinceSnapshot;
    const snap = { state, text: this.doc.text(), updateCount: this.#updateCount, lastUpdateId: this.#lastUpdateId };
    try {
      await this.store.snapshot(this.key, this.epoch, snap);
      this.#sinceSnapshot = Math.max(0, this.#sinceSnapshot - counted);
    } catch (error) {
      if (error instanceof FencedOutError) this.onFenced(error);
      else this.logger.warn({ err: error, dojoId: this.key.dojoId }, 'code snapshot failed; will retry');
    }
  }
}
