import path from 'node:path';
import { UnavailableMedia, type MediaSessionFactory } from './MediaSession';
import type { Config } from '../config';
import type { Logger } from '../infra/logger';
import type { ObjectStore } from '../infra/storage/types';
import { RoomMediaSession } from './RoomMediaSession';
import { WorkerPool } from './WorkerPool';

export interface NodeMediaOptions {
  config: Config;
  /** Where recordings are uploaded; without it rooms do not record. */
  objectStore: ObjectStore | undefined;
}

/**
 * The media of a node that hosts `dojo-room` and `media`: one worker pool shared by the node's
 * rooms, and the factory of each room's media session over it. The dojo-room service starts it
 * before any room can open and closes it after every room has closed, so no room loses its
 * router (or its recording) to the shutdown.
 */
export class NodeMedia {
  #pool: WorkerPool | undefined;
  #logger: Logger | undefined;
  /** Closed rooms' media still finishing (a recording being joined and uploaded). */
  readonly #finishing = new Set<Promise<void>>();

  constructor(readonly options: NodeMediaOptions) {}

  /** Starts MEDIASOUP_WORKERS workers; mediasoup is loaded here, on nodes that use it only. */
  async start(logger: Logger): Promise<void> {
    this.#logger = logger;
    this.#pool = await WorkerPool.start({ config: this.options.config, logger });
    logger.info({ workers: this.#pool.size }, 'media workers started');
  }

  /** The dojo room's `settings.media`: one session (a router on the pool) per live room. */
  readonly sessions: MediaSessionFactory = (key, hooks) => {
    const pool = this.#pool;
    const logger = this.#logger;
    // Rooms open only once the service started; should one slip through, it works without media.
    if (!pool || !logger) return new UnavailableMedia();
    const { config, objectStore } = this.options;
    return new RoomMediaSession(
      key,
      {
        pool,
        rtc: config.rtc,
        logger,
        pipeThreshold: config.mediaPipeThreshold,
        tuning: { iceDisconnectGraceMs: config.mediaIceDisconnectGraceMs },
        recording: objectStore ? { objectStore, ffmpeg: config, workDir: path.join(config.dataDir, 'recordings') } : undefined,
        finishing: (closing) => this.#track(closing),
      },
      hooks,
    );
  };

  /**
   * Waits for closed rooms' recordings to be uploaded (a worker closing under a track that is
   * still ending would cut it), then closes the workers and every router with them. Safe to
   * call twice.
   */
  async close(): Promise<void> {
    await Promise.all(this.#finishing);
    this.#pool?.close();
  }

  #track(closing: Promise<void>): void {
    const tracked: Promise<void> = closing.catch((err: unknown) => this.#logger?.error({ err }, 'room media did not close cleanly')).finally(() => this.#finishing.delete(tracked));
    this.#finishing.add(tracked);
  }
}
