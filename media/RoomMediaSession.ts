import { randomUUID } from 'node:crypto';
import type { Logger } from '../infra/logger';
import type { PushData, PushMethod } from '../protocol/push';
import type { MediaMethod, WsData } from '../protocol/ws';
import { MediaUnavailableError } from './errors';
import type { MediaSession } from './MediaSession';
import type { RecorderSettings, RecordingResult } from './Recorder';
import { RoomMedia } from './RoomMedia';
import type { RtcSettings, TransportTuning } from './rtc';
import type { ActiveSpeaker, MediaMember, ProducerInfo } from './types';
import type { WorkerPool } from './WorkerPool';

/** What the room gives its media: where pushes go, and where recordings are written down. */
export interface MediaSessionHooks {
  /** A push to everyone in the room, or only to the session `toSessionId`. */
  push<M extends PushMethod>(method: M, data: PushData<M>, toSessionId?: string): void;
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
  /** WebRTC transport settings (the ICE disconnect grace, MEDIA_ICE_DISCONNECT_GRACE_MS). */
  tuning?: Partial<TransportTuning>;
  /**
   * Takes the end of `close` (a stopped recording's join and upload, which grows with its length)
   * off the room's hands; whoever owns the pool awaits it before closing the workers. Without
   * it, `close` waits for the upload.
   */
  finishing?(closing: Promise<void>): void;
}

/** `sessionId`: the caller's WebSocket session, whose media it acts on. */
type Handler<M extends MediaMethod> = (media: RoomMedia, sessionId: string, data: WsData<M>) => Promise<unknown>;

/** Methods that answer nothing but success reply `{}`. */
const empty = (done: Promise<void>): Promise<object> => done.then(() => ({}));

/** Each `media.*` WebSocket method onto RoomMedia (the data is parsed already: see MediaSession). */
const METHODS: { [M in MediaMethod]: Handler<M> } = {
  'media.createTransport': (media, sessionId, { direction }) => media.createTransport(sessionId, direction),
  'media.connectTransport': (media, sessionId, { transportId, dtlsParameters }) => empty(media.connectTransport(sessionId, transportId, dtlsParameters)),
  'media.restartIce': (media, sessionId, { transportId }) => media.restartIce(sessionId, transportId),
  'media.closeTransport': (media, sessionId, { transportId }) => empty(media.closeTransport(sessionId, transportId)),
  'media.produce': (media, sessionId, data) => media.produce(sessionId, data),
  'media.consume': (media, sessionId, data) => media.consume(sessionId, data),
  'media.pauseConsumer': (media, sessionId, { consumerId }) => empty(media.pauseConsumer(sessionId, consumerId)),
  'media.resumeConsumer': (media, sessionId, { consumerId }) => empty(media.resumeConsumer(sessionId, consumerId)),
  'media.pauseProducer': (media, sessionId, { producerId }) => empty(media.pauseProducer(sessionId, producerId)),
  'media.resumeProducer': (media, sessionId, { producerId }) => empty(media.resumeProducer(sessionId, producerId)),
  'media.closeProducer': (media, sessionId, { producerId }) => empty(media.closeProducer(sessionId, producerId)),
  'media.setPreferredLayers': (media, sessionId, data) => empty(media.setPreferredLayers(sessionId, data)),
};

/** Runs one `media.*` request of the session `sessionId` (joined already) against a room's media and returns the reply data. */
export function runMediaMethod<M extends MediaMethod>(media: RoomMedia, method: M, sessionId: string, data: WsData<M>): Promise<unknown> {
  return (METHODS[method] as Handler<M>)(media, sessionId, data);
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
    this.#ready = RoomMedia.create({
      roomId: key.dojoId,
      pool: deps.pool,
      rtc: deps.rtc,
      logger: deps.logger,
      recording: deps.recording,
      pipeThreshold: deps.pipeThreshold,
      tuning: deps.tuning,
    });
    this.#ready.then(
      (media) => this.#wire(media),
      () => undefined,
    );
  }

  /** Resolves once the room's router exists (await it before answering room.join). */
  async ready(): Promise<void> {
    await this.#ready;
  }

  /** One request of a member's session, its data parsed and its role rule applied by the room. */
  async handle<M extends MediaMethod>(method: M, member: MediaMember, data: WsData<M>): Promise<unknown> {
    const media = await this.#available();
    media.join(member);
    return runMediaMethod(media, method, member.sessionId, data);
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

  activeSpeaker(): ActiveSpeaker | null {
    return this.#media?.activeSpeaker ?? null;
  }

  async mute(userId: string): Promise<void> {
    await this.#media?.mute(userId);
  }

  async away(userId: string, away: boolean): Promise<void> {
    await this.#media?.away(userId, away);
  }

  async removeSession(sessionId: string): Promise<void> {
    this.#media?.leave(sessionId);
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
    media.on('consumerClosed', ({ sessionId, ...data }) => push('media.consumerClosed', data, sessionId));
    media.on('layersChanged', ({ sessionId, ...data }) => push('media.layersChanged', data, sessionId));
    media.on('activeSpeaker', (speaker) => push('media.activeSpeaker', speaker));
    media.on('reset', ({ rtpCapabilities }) => push('room.updated', { reason: 'media', routerRtpCapabilities: rtpCapabilities }));
    media.on('recordingStopped', (result) => {
      this.hooks.recordingFinished?.(result).catch((err: unknown) => this.deps.logger.error({ err, recordingId: result.recordingId }, 'recording row not updated'));
    });
  }
}
