import type { types } from 'mediasoup';
import { observeRouter } from './observe';
import type { RtcSettings } from './rtc';
import type { WorkerPool } from './WorkerPool';

interface RouterEntry {
  router: types.Router;
  consumers: number;
}

/**
 * The routers of one room. Producers and the active-speaker observer live on the first
 * (primary) router. Once the routers a room has carry `pipeThreshold` consumers each, new recv
 * transports go to a router on another worker, and producers are piped to it (pipeToRouter)
 * the first time one of its subscribers asks for them: one room can outgrow one worker.
 */
export class RoomRouters {
  readonly #entries: RouterEntry[] = [];
  /** Producers already piped to a router, keyed `${routerId}/${producerId}`. */
  readonly #piped = new Map<string, Promise<types.PipeToRouterResult>>();
  #adding: Promise<types.Router> | undefined;
  #closed = false;

  private constructor(
    readonly roomId: string,
    readonly pool: WorkerPool,
    readonly mediaCodecs: types.RouterRtpCodecCapability[],
    readonly pipeThreshold: number,
    readonly rtc: RtcSettings,
    readonly onLost: (error: Error) => void,
  ) {}

  static async create(roomId: string, pool: WorkerPool, mediaCodecs: types.RouterRtpCodecCapability[], pipeThreshold: number, rtc: RtcSettings, onLost: (error: Error) => void): Promise<RoomRouters> {
    const routers = new RoomRouters(roomId, pool, mediaCodecs, pipeThreshold, rtc, onLost);
    await routers.#add();
    return routers;
  }

  get primary(): types.Router {
    return (this.#entries[0] as RouterEntry).router;
  }

  get count(): number {
    return this.#entries.length;
  }

  /** Consumers on each router, primary first. */
  consumerCounts(): number[] {
    return this.#entries.map((e) => e.consumers);
  }

  /** The router a new recv transport goes to. */
  async forRecv(): Promise<types.Router> {
    const roomy = this.#entries.filter((e) => e.consumers < this.pipeThreshold);
    if (roomy.length > 0) return roomy.reduce((a, e) => (e.consumers < a.consumers ? e : a)).router;
    // Every router is at the threshold: add one (on another worker when there is one), once.
    this.#adding ??= this.#add().finally(() => (this.#adding = undefined));
    return this.#adding;
  }

  /** Makes a producer of the primary router available on `router` (once per pair). */
  async ensurePiped(producerId: string, router: types.Router): Promise<void> {
    if (router === this.primary) return;
    const key = `${router.id}/${producerId}`;
    let piping = this.#piped.get(key);
    if (!piping) {
      piping = this.primary.pipeToRouter({
        producerId,
        router,
        listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange: { min: this.rtc.minPort, max: this.rtc.maxPort } },
      });
      this.#piped.set(key, piping);
      piping.then(
        ({ pipeProducer }) => pipeProducer?.observer.once('close', () => this.#piped.delete(key)),
        () => this.#piped.delete(key),
      );
    }
    await piping;
  }

  /** Closes every router (with everything on them). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { router } of this.#entries) router.close();
  }

  async #add(): Promise<types.Router> {
    const used = new Set(this.#entries.map((e) => this.pool.workerOf(e.router)).filter((w): w is types.Worker => w !== undefined));
    const router = await this.pool.createRouter({ roomId: this.roomId }, this.mediaCodecs, used);
    if (this.#closed) {
      router.close();
      throw new Error('room media closed');
    }
    const entry: RouterEntry = { router, consumers: 0 };
    this.#entries.push(entry);
    observeRouter(router, {
      // Pipe transports carry the room's own copies of producers; only subscribers' consumers count.
      consumer: (_consumer, transport, delta) => {
        if (transport.type !== 'pipe') entry.consumers += delta;
      },
    });
    router.once('workerclose', () => {
      if (!this.#closed) this.onLost(new Error(`the worker of router ${router.id} closed`));
    });
    return router;
  }
}
