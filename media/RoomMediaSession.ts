import { randomUUID } from 'node:crypto';
import type { Logger } from '../infra/logger';
import type { PushMethod } from '../protocol/ws';
import { MediaUnavailableError, MediaValidationError } from './errors';
import { handleMediaSignal, isMediaSignal } from './MediaSignals';
import type { PeerRole } from './Peer';
import type { RecorderSettings, RecordingResult } from './Recorder';
import { RoomMedia } from './RoomMedia';
import type { RtcSettings } from './rtc';
import type { ProducerInfo } from './types';
import type { WorkerPool } from './WorkerPool';

/** What the room gives its media: where pushes go, and where recordings are written down. */
export interface MediaSessionHooks {
  /** A push to everyone in the room, or only to `toUserId`. */
  push(method: PushMethod, data: unknown, toUserId?: string): void;
  /** A recording began: insert its `recordings` row (status RECORDING). */
  recordingStarted?(recordingId: string, startedAt: Date): Promise<void>;
  /** A recording stopped; its file is being joined and uploaded: its row says UPLOADING. */
  recordingStopped?(recordingId: string): Promise<void>;
  /** A recording's file is uploaded, or it failed: update its row (READY or FAILED). */
  recordingFinished?(result: RecordingResult): Promise<void>;
}

export interface MediaSessionDeps {
  pool: WorkerPool;
  rtc: RtcSettings;
  logger: Logger;
  recording?: RecorderSettings;
  pipeThreshold?: number;
  /**
   * Takes the end of `close` (a stopped recording's join and upload, which grows with its length)
   * off the room's hands; whoever owns the pool awaits it before closing the workers. Without
   * it, `close` waits for the upload.
   */
  finishing?(closing: Promise<void>): void;
}

/**
 * The dojo room's media session (its MediaSession seam) over RoomMedia: `handle` takes the
 * room's `media.*` and `recording.*` requests, and RoomMedia's events become pushes.
 */
export class RoomMediaSession {
  #media: RoomMedia | undefined;
  readonly #ready: Promise<RoomMedia>;

  constructor(
    readonly key: { tenantId: string; dojoId: string },
    readonly deps: MediaSessionDeps,
    readonly hooks: MediaSessionHooks,
  ) {
    this.#ready = RoomMedia.create({ roomId: key.dojoId, pool: deps.pool, rtc: deps.rtc, logger: deps.logger, recording: deps.recording, pipeThreshold: deps.pipeThreshold });
    this.#ready.then((media) => this.#wire(media), () => undefined);
  }

  /** Resolves once the room's router exists (await it before answering room.join). */
  async ready(): Promise<void> {
    await this.#ready;
  }

  /** One request of a member; the room has checked the role (RoomMedia checks produce again). */
  async handle(method: string, userId: string, data: unknown, role: PeerRole = 'participant'): Promise<unknown> {
    const media = await this.#ready.catch(() => {
      throw new MediaUnavailableError('Media is not available in this room');
    });
    if (method === 'recording.start') return this.#startRecording(media);
    if (method === 'recording.stop') return { recordingId: await this.#stopRecording(media) };
    if (!isMediaSignal(method)) throw new MediaValidationError('method', `${method} is not a media method`);
    media.join(userId, role);
    return handleMediaSignal(media, method, userId, data);
  }

  routerRtpCapabilities(): unknown {
    return this.#media?.rtpCapabilities ?? null;
  }

  producers(): ProducerInfo[] {
    return this.#media?.producers() ?? [];
  }

  recordingId(): string | null {
    return this.#media?.recordingId ?? null;
  }

  async mute(userId: string): Promise<void> {
    await this.#media?.mute(userId);
  }

  async removeUser(userId: string): Promise<void> {
    this.#media?.leave(userId);
  }

  /** Starts recording as `POST /v1/dojo/start` does; idempotent. */
  startRecording(): Promise<{ recordingId: string }> {
    return this.#ready.then((media) => this.#startRecording(media));
  }

  /** Ends the recording (its file is finished and uploaded in the background); idempotent. */
  async stopRecording(): Promise<string | null> {
    return this.#media ? this.#stopRecording(this.#media) : null;
  }

  /**
   * Safe to call twice. A running recording is stopped (its row says so) before this resolves,
   * then finished and uploaded: in the background when `deps.finishing` is given.
   */
  async close(): Promise<void> {
    const media = await this.#ready.catch(() => undefined);
    if (!media) return;
    const recordingId = media.recordingId;
    const closing = media.close();
    if (recordingId) await this.#markStopped(recordingId);
    if (this.deps.finishing) this.deps.finishing(closing);
    else await closing;
  }

  async #startRecording(media: RoomMedia): Promise<{ recordingId: string }> {
    const { recordingId, started } = await media.startRecording({ recordingId: randomUUID(), ...this.key });
    if (started) {
      await this.hooks.recordingStarted?.(recordingId, new Date());
      this.hooks.push('recording.started', { recordingId });
    }
    return { recordingId };
  }

  async #stopRecording(media: RoomMedia): Promise<string | null> {
    const recordingId = media.recordingId;
    if (!recordingId) return null;
    // Joining and uploading take a few seconds; the reply does not wait (recordingStopped reports it).
    void media.stopRecording().catch((err: unknown) => this.deps.logger.error({ err, recordingId }, 'recording failed'));
    await this.#markStopped(recordingId);
    this.hooks.push('recording.stopped', { recordingId });
    return recordingId;
  }

  async #markStopped(recordingId: string): Promise<void> {
    await this.hooks.recordingStopped?.(recordingId).catch((err: unknown) => this.deps.logger.error({ err, recordingId }, 'recording row not marked stopped'));
  }

  #wire(media: RoomMedia): void {
    this.#media = media;
    const { push } = this.hooks;
    media.on('newProducer', (p) => push('media.newProducer', p));
    media.on('producerClosed', (p) => push('media.producerClosed', p));
    media.on('consumerClosed', ({ userId, ...data }) => push('media.consumerClosed', data, userId));
    media.on('layersChanged', ({ userId, ...data }) => push('media.layersChanged', data, userId));
    media.on('activeSpeaker', (speaker) => push('media.activeSpeaker', speaker));
    media.on('reset', ({ rtpCapabilities }) => push('room.updated', { reason: 'media', routerRtpCapabilities: rtpCapabilities }));
    media.on('recordingStopped', (result) => {
      this.hooks.recordingFinished?.(result).catch((err: unknown) => this.deps.logger.error({ err, recordingId: result.recordingId }, 'recording row not updated'));
    });
  }
}
