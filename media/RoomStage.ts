import type { types } from 'mediasoup';
import type { Logger } from '../infra/logger';
import { MediaUnavailableError } from './errors';
import { RoomRouters } from './RoomRouters';
import type { RtcSettings } from './rtc';
import type { WorkerPool } from './WorkerPool';

export interface StageOptions {
  roomId: string;
  pool: WorkerPool;
  rtc: RtcSettings;
  mediaCodecs: types.RouterRtpCodecCapability[];
  pipeThreshold: number;
  logger: Logger;
}

export interface StageHooks {
  /** The dominant speaker changed (an audio producer's id). */
  speaker(producerId: string): void;
  /** A worker under the room died; everything on the old routers is closed. */
  lost(): void;
  /** The room's media stands again on a live worker. */
  rebuilt(rtpCapabilities: types.RtpCapabilities): void;
}

interface Stage {
  routers: RoomRouters;
  speaker: types.ActiveSpeakerObserver;
}

/**
 * The ground a room's media stands on: its routers and active-speaker observer. When a worker
 * under them dies, it builds them again on a live worker (the pool is replacing the dead one)
 * while calls wait for it.
 */
export class RoomStage {
  #stage: Stage | Promise<Stage>;
  #closed = false;

  private constructor(
    readonly options: StageOptions,
    readonly hooks: StageHooks,
  ) {
    this.#stage = this.#build();
  }

  static async create(options: StageOptions, hooks: StageHooks): Promise<RoomStage> {
    const stage = new RoomStage(options, hooks);
    await stage.#stage;
    return stage;
  }

  /** The routers, waiting for a rebuild in progress. */
  async ready(): Promise<Stage> {
    if (this.#closed) throw new MediaUnavailableError('Room media is closed');
    try {
      return await this.#stage;
    } catch {
      throw new MediaUnavailableError('Media is unavailable in this room');
    }
  }

  /** The routers now; throws while a rebuild is in progress. */
  current(): Stage {
    if (this.#closed) throw new MediaUnavailableError('Room media is closed');
    if (this.#stage instanceof Promise) throw new MediaUnavailableError('Room media is being rebuilt; retry after the media reset');
    return this.#stage;
  }

  /** The routers when standing, else undefined (never throws). */
  peek(): Stage | undefined {
    return this.#closed || this.#stage instanceof Promise ? undefined : this.#stage;
  }

  /** Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stage = await Promise.resolve(this.#stage).catch(() => undefined);
    stage?.routers.close();
  }

  async #build(): Promise<Stage> {
    const o = this.options;
    const routers = await RoomRouters.create(o.roomId, o.pool, o.mediaCodecs, o.pipeThreshold, o.rtc, (error) => this.#lost(error));
    try {
      if (this.#closed) throw new MediaUnavailableError('Room media is closed');
      const speaker = await routers.primary.createActiveSpeakerObserver({ interval: 300 });
      speaker.on('dominantspeaker', ({ producer }) => this.hooks.speaker(producer.id));
      const stage = { routers, speaker };
      this.#stage = stage;
      return stage;
    } catch (error) {
      routers.close();
      throw error;
    }
  }

  #lost(error: Error): void {
    if (this.#closed || this.#stage instanceof Promise) return;
    const old = this.#stage;
    const { pool, roomId, logger } = this.options;
    this.hooks.lost();
    old.routers.close();
    // Deferred a turn, so the pool has heard of the worker's end (and begun replacing it) first.
    const rebuilding = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      // The worker went with the node (a signal to its process group): the room is about to close.
      if (pool.stopping) throw new MediaUnavailableError('Media is shutting down on this node');
      logger.warn({ err: error, roomId }, 'room media lost its worker; rebuilding');
      return this.#build();
    });
    this.#stage = rebuilding;
    rebuilding.then(
      (stage) => {
        if (this.#closed) stage.routers.close();
        else this.hooks.rebuilt(stage.routers.primary.rtpCapabilities);
      },
      (err: unknown) => {
        if (pool.stopping) logger.info({ roomId }, 'room media ended with its worker: the node is stopping');
        else logger.error({ err, roomId }, 'room media could not be rebuilt');
      },
    );
  }
}
