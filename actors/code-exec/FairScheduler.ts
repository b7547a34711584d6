/** Rooms whose last turn is remembered; past it the oldest are forgotten (they count as new). */
const REMEMBERED_ROOMS = 10_000;

/**
 * Sandbox slots handed out fairly by room: the next slot goes to the waiting room served longest
 * ago, and a room never served (or forgotten) goes first. A room that queued 200 runs therefore
 * gets one turn in each round among busy rooms, and a newcomer's first run waits only for the
 * runs already in a sandbox, not for a backlog nor a round of every busy room. The durable queue
 * stays FIFO; this node takes a window of it (CODE_EXEC_WINDOW) and reorders that window.
 */
export class FairScheduler {
  readonly #waiting = new Map<string, Array<() => void>>();
  /** Room -> the turn it was last served; a Map iterates oldest-inserted first, for forgetting. */
  readonly #served = new Map<string, number>();
  #turn = 0;
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
    while (this.#running < this.slots && this.#waiting.size > 0) {
      let room = '';
      let oldest = Infinity;
      for (const candidate of this.#waiting.keys()) {
        const turn = this.#served.get(candidate) ?? -1;
        if (turn < oldest) [room, oldest] = [candidate, turn];
      }
      const list = this.#waiting.get(room)!;
      const grant = list.shift()!;
      if (list.length === 0) this.#waiting.delete(room);
      this.#served.delete(room);
      this.#served.set(room, ++this.#turn);
      if (this.#served.size > REMEMBERED_ROOMS) this.#served.delete(this.#served.keys().next().value!);
      grant();
    }
  }
}
