/**
 * Sandbox slots handed out round-robin by room: a room's next run waits for every other waiting
 * room to get one first, so a room that queued 200 runs delays a newcomer's first run by at most
 * one turn of each busy room, not by its whole backlog. The durable queue stays FIFO; this node
 * takes a window of it (CODE_EXEC_WINDOW) and reorders that window.
 */
export class FairScheduler {
  /** Rooms with waiting runs, in turn order (a Map iterates in insertion order). */
  readonly #waiting = new Map<string, Array<() => void>>();
  #running = 0;

  constructor(readonly slots: number) {}

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    let n = 0;
    for (const list of this.#waiting.values()) n += list.length;
    return n;
  }

  /** Resolves with a release function once `room` has a slot; aborting gives the place up. */
  acquire(room: string, signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#running--;
          this.#next();
        });
      };
      const onAbort = () => {
        const list = this.#waiting.get(room);
        const at = list?.indexOf(grant) ?? -1;
        if (list && at >= 0) list.splice(at, 1);
        if (list?.length === 0) this.#waiting.delete(room);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const list = this.#waiting.get(room);
      if (list) list.push(grant);
      else this.#waiting.set(room, [grant]);
      this.#next();
    });
  }

  #next(): void {
    while (this.#running < this.slots) {
      const first = this.#waiting.entries().next();
      if (first.done) return;
      const [room, list] = first.value;
      const grant = list.shift()!;
      // The room goes to the back of the line; its remaining runs wait for everyone else's turn.
      this.#waiting.delete(room);
      if (list.length > 0) this.#waiting.set(room, list);
      grant();
    }
  }
}
