import { randomUUID } from 'node:crypto';
import type { Logger } from '../infra/logger';
import type { PushData, PushMethod } from '../protocol/push';
import type { MediaMethod, WsData } from '../protocol/ws';
import { MediaUnavailableError } from './errors';
import type { MediaSession } from './MediaSession';
import type { PeerRole } from './Peer';
import type { RecorderSettings, RecordingResult } from './Recorder';
import { RoomMedia } from './RoomMedia';
import type { RtcSettings } from './rtc';
import type { ProducerInfo } from './types';
import type { WorkerPool } from './WorkerPool';

/** What the room gives its media: where pushes go, and where recordings are written down. */
export interface MediaSessionHooks {
  /** A push to everyone in the room, or only to `toUserId`. */
  push<M extends PushMethod>(method: M, data: PushData<M>, toUserId?: string): void;
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

type Handler<M extends MediaMethod> = (media: RoomMedia, userId: string, data: WsData<M>) => Promise<unknown>;

/** Methods that answer nothing but success reply `{}`. */
const empty = (done: Promise<void>): Promise<object> => done.then(() => ({}));

/** Each `media.*` WebSocket method onto RoomMedia (the data is parsed already: see MediaSession). */
const METHODS: { [M in MediaMethod]: Handler<M> } = {
  'media.createTransport': (media, userId, { direction }) => media.createTransport(userId, direction),
  'media.connectTransport': (media, userId, { transportId, dtlsParameters }) => empty(media.connectTransport(userId, transportId, dtlsParameters)),
  'media.produce': (media, userId, data) => media.produce(userId, data),
  'media.consume': (media, userId, data) => media.consume(userId, data),
  'media.resumeConsumer': (media, userId, { consumerId }) => empty(media.resumeConsumer(userId, consumerId)),
  'media.pauseProducer': (media, userId, { producerId }) => empty(media.pauseProducer(userId, producerId)),
  'media.resumeProducer': (media, userId, { producerId }) => empty(media.resumeProducer(userId, producerId)),
  'media.closeProducer': (media, userId, { producerId }) => empty(media.closeProducer(userId, producerId)),
  'media.setPreferredLayers': (media, userId, data) => empty(media.setPreferredLayers(userId, data)),
};

/** Runs one `media.*` request of `userId` against a room's media and returns the reply data. */
export function runMediaMethod<M extends MediaMethod>(media: RoomMedia, method: M, userId: string, data: WsData<M>): Promise<unknown> {
  return (METHODS[method] as Handler<M>)(media, userId, data);
}

/**
 * The dojo room's media session (the MediaSession seam) over RoomMedia: `handle` takes the
 * room's `media.*` requests, and RoomMedia's events become pushes.
 */
export class RoomMediaSession implements MediaSession {
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

  /** One request of a member, its data parsed and its role rule applied by the room. */
  async handle<M extends MediaMethod>(method: M, userId: string, data: WsData<M>, role: PeerRole = 'participant'): Promise<unknown> {
    const media = await this.#available();
    media.join(userId, role);
    return runMediaMethod(media, method, userId, data);
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

  /** Starts recording (recording.start, or `POST /v1/dojo/start` for a dojo that records); idempotent. */
  async startRecording(): Promise<{ recordingId: string }> {
    return this.#startRecording(await this.#available());
  }

  /** Ends the recording (its file is finished and uploaded in the background); idempotent. */
  async stopRecording(): Promise<{ recordingId: string | null }> {
    return { recordingId: this.#media ? await this.#stopRecording(this.#media) : null };
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

  #available(): Promise<RoomMedia> {
    return this.#ready.catch(() => {
      throw new MediaUnavailableError('Media is not available in this room');
    });
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
