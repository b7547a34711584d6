import type { TemplatedApp } from 'uWebSockets.js';
import { ReplayBuffer } from './replay-buffer';

/**
 * Delivers room pushes to this node's sockets with uWS's native topic publish (one call reaches
 * every subscriber), and keeps each topic's recent frames for session.resume.
 */
export class Fanout {
  readonly #buffers = new Map<string, { buffer: ReplayBuffer; lastAt: number }>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly app: TemplatedApp,
    readonly replayCapacity: number,
    readonly replayMaxAgeMs: number,
  ) {
    this.#timer = setInterval(() => this.#sweep(), replayMaxAgeMs).unref();
  }

  /** `frame` is the serialized push, already carrying `seq`. */
  publish(topic: string, seq: number | undefined, frame: string): number {
    if (seq !== undefined) {
      let entry = this.#buffers.get(topic);
      if (!entry) {
        entry = { buffer: new ReplayBuffer(this.replayCapacity, this.replayMaxAgeMs), lastAt: 0 };
        this.#buffers.set(topic, entry);
      }
      entry.buffer.add(seq, frame);
      entry.lastAt = Date.now();
    }
    this.app.publish(topic, frame, false, false);
    return this.app.numSubscribers(topic);
  }

  replay(topic: string, lastSeq: number): string[] | null {
    const entry = this.#buffers.get(topic);
    if (!entry) return lastSeq === 0 ? [] : null;
    return entry.buffer.since(lastSeq);
  }

  forget(topic: string): void {
    this.#buffers.delete(topic);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #sweep(now = Date.now()): void {
    for (const [topic, entry] of this.#buffers) {
      if (now - entry.lastAt > this.replayMaxAgeMs && this.app.numSubscribers(topic) === 0) this.#buffers.delete(topic);
    }
  }
}
