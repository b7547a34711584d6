import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Config } from '../config';
import type { Logger } from '../infra/logger';
import { MediaUnavailableError } from './errors';
import { MediaMetrics } from './metrics';
import { observeWorker } from './observe';
import { loadMediasoup } from './workerBinary';

export interface WorkerPoolOptions {
  config: Pick<Config, 'mediasoupWorkers' | 'mediasoupWorkerBin'>;
  logger: Logger;
  /** Worker log level (mediasoup's); its logs go to stderr through mediasoup's debug module. */
  logLevel?: types.WorkerLogLevel;
}

/** What a router was created for, kept so a worker's death can say whose media it took. */
export interface RouterOwner {
  roomId: string;
}

export interface WorkerDiedEvent {
  slot: number;
  pid: number;
  error: Error;
  /** The routers the worker held when it died (already closed by mediasoup). */
  routers: ReadonlyArray<{ routerId: string; owner: RouterOwner }>;
}

export interface WorkerPoolEvents {
  workerDied: [WorkerDiedEvent];
  workerReplaced: [{ slot: number; pid: number }];
}

interface Slot {
  index: number;
  worker: types.Worker | undefined;
  /** A replacement being started after a death. */
  replacing: Promise<void> | undefined;
  routers: Map<string, { router: types.Router; owner: RouterOwner }>;
  /** Routers + consumers on the worker: the load `pick` balances. */
  load: number;
}

const RESPAWN_DELAYS_MS = [0, 500, 1000, 2000, 5000, 10000];
const REPLACEMENT_WAIT_MS = 15_000;

/**
 * How mediasoup reports a worker process that ended (`[pid:N, code:C, signal:S]`, mediasoup
 * 3.18): code 0 is the worker closing itself on SIGTERM/SIGINT (its own signal handler), and a
 * worker still starting dies of the signal itself.
 */
const STOPPED_BY_SIGNAL = /code:0,|signal:SIG(?:TERM|INT)\]/;

/**
 * A fixed number of mediasoup workers (MEDIASOUP_WORKERS, one per core by default). Routers go to
 * the least loaded worker; a worker that dies is replaced in its slot, and `workerDied` names the
 * routers it took with it (each room also sees its own router's `workerclose` and rebuilds).
 *
 * Workers are children in the node's process group (mediasoup spawns them so), so a signal to
 * the group (Ctrl-C, `kill -TERM -<pgid>`, systemd stopping the unit's cgroup) reaches them as
 * it reaches the node, and they close themselves while the node is still shutting down in
 * order. Such a worker is not a death: the pool is then `stopping`, replaces no worker and
 * creates no router, and rooms do not rebuild their media on it (RoomStage).
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #slots: Slot[] = [];
  readonly #mediasoup: typeof import('mediasoup');
  readonly #metrics = new MediaMetrics();
  #closed = false;
  #stopping = false;

  private constructor(readonly options: WorkerPoolOptions) {
    super();
    this.#mediasoup = loadMediasoup(options.config);
  }

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      for (let index = 0; index < options.config.mediasoupWorkers; index++) {
        const slot: Slot = { index, worker: undefined, replacing: undefined, routers: new Map(), load: 0 };
        pool.#slots.push(slot);
        await pool.#spawn(slot);
      }
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.#slots.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closed, or a worker was stopped by a signal to the node's process group: no media is made any more. */
  get stopping(): boolean {
    return this.#closed || this.#stopping;
  }

  /** The live workers, by slot (a slot being refilled after a death is left out). */
  workers(): types.Worker[] {
    return this.#slots.flatMap((s) => (s.worker && !s.worker.closed ? [s.worker] : []));
  }

  /** Routers + consumers on a worker. */
  loadOf(worker: types.Worker): number {
    return this.#slots.find((s) => s.worker === worker)?.load ?? 0;
  }

  /** The live worker a router of this pool runs on. */
  workerOf(router: types.Router): types.Worker | undefined {
    return this.#slots.find((s) => s.routers.has(router.id))?.worker;
  }

  /**
   * Creates a router on the least loaded worker, preferring workers not in `avoid` (a room
   * piping to a second worker avoids the ones it is on). Waits for a replacement when every
   * worker is dead.
   */
  async createRouter(owner: RouterOwner, mediaCodecs: types.RouterRtpCodecCapability[], avoid: ReadonlySet<types.Worker> = new Set()): Promise<types.Router> {
    const slot = await this.#pick(avoid);
    const worker = slot.worker as types.Worker;
    const router = await worker.createRouter({ mediaCodecs, appData: { ...owner } });
    slot.routers.set(router.id, { router, owner });
    // A router closed by its worker's death stays listed until the death is reported.
    router.observer.once('close', () => {
      if (!worker.died) slot.routers.delete(router.id);
    });
    return router;
  }

  /** Closes every worker (and so every router). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot.worker?.close();
    this.#metrics.close();
    this.removeAllListeners();
  }

  async #pick(avoid: ReadonlySet<types.Worker>): Promise<Slot> {
    if (this.#closed) throw new MediaUnavailableError('The media worker pool is closed');
    if (this.#stopping) throw new MediaUnavailableError('Media is shutting down on this node');
    let live = this.#slots.filter((s) => s.worker && !s.worker.closed);
    if (live.length === 0) {
      // Every worker is dead: wait (a while) for the replacements rather than fail the room.
      await Promise.race([Promise.all(this.#slots.map((s) => s.replacing)), delay(REPLACEMENT_WAIT_MS)]);
      live = this.#slots.filter((s) => s.worker && !s.worker.closed);
    }
    const preferred = live.filter((s) => !avoid.has(s.worker as types.Worker));
    const candidates = preferred.length > 0 ? preferred : live;
    const best = candidates.reduce<Slot | undefined>((a, s) => (!a || s.load < a.load ? s : a), undefined);
    if (!best) throw new MediaUnavailableError('No media worker is available');
    return best;
  }

  async #spawn(slot: Slot): Promise<void> {
    const worker = await this.#mediasoup.createWorker({ logLevel: this.options.logLevel ?? 'error', appData: { slot: slot.index } });
    if (this.stopping) {
      worker.close();
      return;
    }
    slot.worker = worker;
    slot.load = 0;
    this.#metrics.watch(worker, slot.index);
    observeWorker(worker, {
      router: (_r, delta) => (slot.load += delta),
      consumer: (_c, _t, delta) => (slot.load += delta),
    });
    worker.on('died', (error) => this.#onDied(slot, worker, error));
  }

  #onDied(slot: Slot, worker: types.Worker, error: Error): void {
    const routers = [...slot.routers.values()].map(({ router, owner }) => ({ routerId: router.id, owner }));
    slot.routers.clear();
    slot.worker = undefined;
    if (STOPPED_BY_SIGNAL.test(error.message)) {
      this.#stopping = true;
      this.options.logger.info({ slot: slot.index, pid: worker.pid, routers: routers.length }, 'mediasoup worker stopped by a signal to the node; not replaced');
      return;
    }
    this.options.logger.error({ err: error, slot: slot.index, pid: worker.pid, routers: routers.length }, 'mediasoup worker died; replacing it');
    this.#metrics.workerDied();
    if (this.stopping) return;
    // Registered before any listener runs, so a room rebuilding at once waits for this slot.
    slot.replacing = this.#respawn(slot).finally(() => (slot.replacing = undefined));
    this.emit('workerDied', { slot: slot.index, pid: worker.pid, error, routers });
  }

  async #respawn(slot: Slot): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      await delay(RESPAWN_DELAYS_MS[Math.min(attempt, RESPAWN_DELAYS_MS.length - 1)] as number);
      try {
        await this.#spawn(slot);
        if (slot.worker) this.emit('workerReplaced', { slot: slot.index, pid: slot.worker.pid });
        return;
      } catch (err) {
        if (this.stopping) return;
        this.options.logger.error({ err, slot: slot.index, attempt }, 'mediasoup worker failed to start; retrying');
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
