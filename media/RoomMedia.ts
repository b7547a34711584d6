import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from '../infra/logger';
import type { MediaSource } from '../protocol/media';
import { adaptPeer, applyLayers, videoConsumers, watchBandwidth } from './AdaptiveLayers';
import { asClientMistake, MediaConflictError, MediaNotFoundError, MediaUnavailableError, MediaValidationError, unlessGone } from './errors';
import { ladderOf } from './LayerSelector';
import { Peer, type Direction, type TransportEntry } from './Peer';
import type { RecorderSettings, RecordingResult, RecordingTarget } from './Recorder';
import { RoomRecording } from './RoomRecording';
import { RoomStage } from './RoomStage';
import { DEFAULT_MEDIA_CODECS, DEFAULT_TRANSPORT_TUNING, listenInfo, webRtcTransportOptions, type RtcSettings, type TransportTuning } from './rtc';
import type { ActiveSpeaker, ConsumeParams, ConsumerInfo, LayersParams, MediaMember, PlainTransportInfo, ProduceParams, ProducerInfo, RoomMediaEvents, TransportInfo } from './types';
import type { WorkerPool } from './WorkerPool';

export interface RoomMediaOptions {
  roomId: string;
  pool: WorkerPool;
  rtc: RtcSettings;
  logger: Logger;
  mediaCodecs?: types.RouterRtpCodecCapability[];
  tuning?: Partial<TransportTuning>;
  /** Subscriber consumers a router carries before new recv transports go to another worker (default 500). */
  pipeThreshold?: number;
  /** Live transports and producers one session may hold at once (default 4 each). */
  limits?: { transportsPerPeer?: number; producersPerPeer?: number };
  /** How the room records (recording.start); without it recording is unavailable. */
  recording?: RecorderSettings;
}

/**
 * The media of one live room: a router on the room's node (more, piped, when it outgrows one
 * worker), each signaling session's transports, producers and consumers (a peer per session,
 * so a reloaded page or a second device never inherits or keeps another session's media), the
 * active speaker and the recording. Methods mirror the `media.*` signaling methods and take the
 * caller's session id; events are the pushes the room sends (RoomMediaEvents says who receives
 * each). A WebRTC transport closes by itself when its DTLS closes or fails, or its ICE stays
 * disconnected past `tuning.iceDisconnectGraceMs`. When a worker under the room dies, its media
 * is rebuilt on a live worker and `reset` tells clients to set theirs up again.
 */
export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  /** By session id. */
  readonly #peers = new Map<string, Peer>();
  /** What away() paused, by user, to resume on their return. */
  readonly #awayPaused = new Map<string, Array<types.Producer | types.Consumer>>();
  readonly #producers = new Map<string, RoomProducer>();
  #speaker: ActiveSpeaker | null = null;
  readonly #recording: RoomRecording;
  readonly #tuning: TransportTuning;
  #stage!: RoomStage;
  #closed = false;

  private constructor(readonly options: RoomMediaOptions) {
    super();
    this.#tuning = { ...DEFAULT_TRANSPORT_TUNING, ...options.tuning };
    this.#recording = new RoomRecording(options.recording, options.rtc, options.logger, this);
  }

  static async create(options: RoomMediaOptions): Promise<RoomMedia> {
    const media = new RoomMedia(options);
    const { roomId, pool, rtc, logger } = options;
    media.#stage = await RoomStage.create(
      { roomId, pool, rtc, logger, mediaCodecs: options.mediaCodecs ?? DEFAULT_MEDIA_CODECS, pipeThreshold: options.pipeThreshold ?? 500 },
      {
        speaker: (producerId) => {
          const source = media.#producers.get(producerId);
          if (!source) return;
          media.#speaker = { userId: source.userId, producerId };
          media.emit('activeSpeaker', media.#speaker);
        },
        lost: () => media.#forgetMedia(),
        rebuilt: (rtpCapabilities) => media.emit('reset', { reason: 'worker-died', rtpCapabilities }),
      },
    );
    return media;
  }

  /** What room.join returns as routerRtpCapabilities. */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.#stage.current().routers.primary.rtpCapabilities;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds a member's session (or updates its role). Nothing is created until it asks for a transport. */
  join({ sessionId, userId, role }: MediaMember): void {
    this.#alive();
    const peer = this.#peers.get(sessionId);
    if (peer && !peer.closed) peer.role = role;
    else this.#peers.set(sessionId, new Peer(sessionId, userId, role));
  }

  /** The latest dominant speaker, while its producer lives (room.join tells a joiner); null before anyone spoke. */
  get activeSpeaker(): ActiveSpeaker | null {
    return this.#speaker;
  }

  /** The producers a joining client can consume. */
  producers(): ProducerInfo[] {
    return [...this.#producers.values()].map(producerInfo);
  }

  async createTransport(sessionId: string, direction: Direction): Promise<TransportInfo> {
    const { transport } = await this.#addTransport(sessionId, direction, (peer, router) =>
      router.createWebRtcTransport(webRtcTransportOptions(this.options.rtc, this.#tuning, { userId: peer.userId, sessionId, direction })),
    );
    const webrtc = transport as types.WebRtcTransport;
    return { id: webrtc.id, iceParameters: webrtc.iceParameters, iceCandidates: webrtc.iceCandidates, dtlsParameters: webrtc.dtlsParameters };
  }

  /**
   * Plain RTP on RTC_LISTEN_IP, for server-side tools rather than clients (an ffmpeg ingest, a
   * recording-like egress, the benchmark); not reachable from the socket.
   */
  async createPlainTransport(sessionId: string, direction: Direction, options: { comedia?: boolean; rtcpMux?: boolean } = {}): Promise<PlainTransportInfo> {
    const { transport } = await this.#addTransport(sessionId, direction, (peer, router) =>
      router.createPlainTransport({
        listenInfo: listenInfo(this.options.rtc, 'udp'),
        rtcpMux: options.rtcpMux ?? true,
        comedia: options.comedia ?? false,
        appData: { userId: peer.userId, sessionId, direction },
      }),
    );
    const plain = transport as types.PlainTransport;
    return { id: plain.id, ip: plain.tuple.localAddress, port: plain.tuple.localPort, rtcpPort: plain.rtcpTuple?.localPort };
  }

  async connectPlainTransport(sessionId: string, transportId: string, remote: { ip: string; port: number; rtcpPort?: number }): Promise<void> {
    const entry = this.#peer(sessionId).transport(transportId);
    if (entry.transport.type !== 'plain') throw new MediaValidationError('transportId', 'is not a plain transport');
    await (entry.transport as types.PlainTransport).connect(remote);
    entry.connected = true;
  }

  async connectTransport(sessionId: string, transportId: string, dtlsParameters: unknown): Promise<void> {
    const entry = this.#peer(sessionId).transport(transportId);
    if (entry.transport.type !== 'webrtc') throw new MediaValidationError('transportId', 'is not a WebRTC transport');
    if (entry.connected) throw new MediaConflictError('Transport already connected');
    entry.connected = true;
    try {
      await (entry.transport as types.WebRtcTransport).connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
    } catch (error) {
      entry.connected = false;
      throw asClientMistake(error, 'dtlsParameters');
    }
  }

  async produce(sessionId: string, params: ProduceParams): Promise<{ producerId: string }> {
    const peer = this.#peer(sessionId);
    const { userId } = peer;
    const entry = peer.transport(params.transportId);
    if (entry.direction !== 'send') throw new MediaValidationError('transportId', 'is not a send transport');
    if (peer.producerCount >= (this.options.limits?.producersPerPeer ?? 4)) throw new MediaConflictError('Too many producers; close one first');
    const { speaker } = await this.#stage.ready();
    let producer: types.Producer;
    try {
      const rtpParameters = params.rtpParameters as types.RtpParameters;
      producer = await entry.transport.produce({ kind: params.kind, rtpParameters, appData: { userId, sessionId, client: params.appData ?? {} } });
    } catch (error) {
      throw asClientMistake(error, 'rtpParameters');
    }
    peer.addProducer(producer);
    const source = params.appData?.source;
    const announced = { producer, userId, ...(source ? { source } : {}) };
    this.#producers.set(producer.id, announced);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      if (this.#speaker?.producerId === producer.id) this.#speaker = null;
      // A closing router takes every producer with it; `reset` or the room's close says so once.
      if (!entry.router.closed && !this.#closed) this.emit('producerClosed', { producerId: producer.id, userId });
    });
    if (producer.kind === 'audio') await speaker.addProducer({ producerId: producer.id }).catch(() => undefined);
    this.#recording.add(entry.router, producer, userId);
    this.emit('newProducer', producerInfo(announced));
    return { producerId: producer.id };
  }

  /** Starts paused: the client resumes it (media.resumeConsumer) once its side is ready. */
  async consume(sessionId: string, params: ConsumeParams): Promise<ConsumerInfo> {
    const peer = this.#peer(sessionId);
    const entry = peer.transport(params.transportId);
    if (entry.direction !== 'recv') throw new MediaValidationError('transportId', 'is not a recv transport');
    const source = this.#producers.get(params.producerId);
    if (!source) throw new MediaNotFoundError('Producer', params.producerId);
    const rtpCapabilities = params.rtpCapabilities as types.RtpCapabilities;
    let consumer: types.Consumer;
    try {
      await this.#stage.current().routers.ensurePiped(params.producerId, entry.router);
      if (!entry.router.canConsume({ producerId: params.producerId, rtpCapabilities })) {
        throw new MediaValidationError('rtpCapabilities', 'cannot receive any codec of this producer');
      }
      consumer = await entry.transport.consume({ producerId: params.producerId, rtpCapabilities, paused: true, appData: { userId: peer.userId, sessionId } });
    } catch (error) {
      throw asClientMistake(error, 'rtpCapabilities');
    }
    peer.addConsumer({ consumer, ladder: ladderOf(source.producer.rtpParameters.encodings ?? []), cap: undefined, chosen: undefined });
    consumer.on('producerclose', () => this.emit('consumerClosed', { sessionId, consumerId: consumer.id, producerId: params.producerId }));
    consumer.on('layerschange', (layers) =>
      this.emit('layersChanged', { sessionId, consumerId: consumer.id, spatialLayer: layers?.spatialLayer ?? null, temporalLayer: layers?.temporalLayer ?? null }),
    );
    await adaptPeer(peer);
    const { id, producerId, kind, rtpParameters, type, producerPaused } = consumer;
    return { id, producerId, kind, rtpParameters, type, producerPaused };
  }

  // The four below can race the object closing in the worker (unlessGone: a NOT_FOUND, not a fault).
  async resumeConsumer(sessionId: string, consumerId: string): Promise<void> {
    await unlessGone(this.#peer(sessionId).consumer(consumerId).consumer.resume(), 'Consumer', consumerId);
  }

  /** The subscriber stops receiving it (nothing is forwarded) until media.resumeConsumer. */
  async pauseConsumer(sessionId: string, consumerId: string): Promise<void> {
    await unlessGone(this.#peer(sessionId).consumer(consumerId).consumer.pause(), 'Consumer', consumerId);
  }

  async pauseProducer(sessionId: string, producerId: string): Promise<void> {
    await unlessGone(this.#peer(sessionId).producer(producerId).pause(), 'Producer', producerId);
  }

  async resumeProducer(sessionId: string, producerId: string): Promise<void> {
    await unlessGone(this.#peer(sessionId).producer(producerId).resume(), 'Producer', producerId);
  }

  async closeProducer(sessionId: string, producerId: string): Promise<void> {
    this.#peer(sessionId).producer(producerId).close();
  }

  /**
   * New ICE credentials for a WebRTC transport (the client's network changed): the client
   * restarts ICE with them; DTLS, producers and consumers stay as they are.
   */
  async restartIce(sessionId: string, transportId: string): Promise<{ iceParameters: types.IceParameters }> {
    const entry = this.#peer(sessionId).transport(transportId);
    if (entry.transport.type !== 'webrtc') throw new MediaValidationError('transportId', 'is not a WebRTC transport');
    return { iceParameters: await (entry.transport as types.WebRtcTransport).restartIce() };
  }

  /** Closes one of the session's transports, and its producers (the others are told) and consumers. */
  async closeTransport(sessionId: string, transportId: string): Promise<void> {
    this.#peer(sessionId).transport(transportId).transport.close();
  }

  /** The subscriber's ceiling for a layered consumer; its bandwidth may still choose lower. */
  async setPreferredLayers(sessionId: string, params: LayersParams): Promise<void> {
    const peer = this.#peer(sessionId);
    const entry = peer.consumer(params.consumerId);
    entry.cap = { spatialLayer: params.spatialLayer, temporalLayer: params.temporalLayer ?? 2 };
    await applyLayers(entry, peer.availableBitrate, videoConsumers(peer));
  }

  /** The facilitator muted someone: the audio producers of all their sessions are paused. */
  async mute(userId: string): Promise<void> {
    const peers = [...this.#peers.values()].filter((peer) => peer.userId === userId);
    await Promise.all(peers.flatMap((peer) => [...peer.producers()].filter((p) => p.kind === 'audio').map((p) => p.pause())));
  }

  /**
   * The user went into a kata's breakout room (away) or came back: while away, what their
   * sessions send here and receive from here is paused, so the main room does not hear them
   * nor they it. Only what this pauses is resumed on return (what the client paused itself stays so).
   */
  async away(userId: string, away: boolean): Promise<void> {
    const peers = [...this.#peers.values()].filter((peer) => peer.userId === userId);
    if (!away) {
      const paused = this.#awayPaused.get(userId) ?? [];
      this.#awayPaused.delete(userId);
      await Promise.all(paused.filter((m) => !m.closed).map((m) => m.resume()));
      return;
    }
    const pausing = peers.flatMap((peer) => [...peer.producers(), ...[...peer.consumers()].map((c) => c.consumer)]).filter((m) => !m.paused && !m.closed);
    this.#awayPaused.set(userId, [...(this.#awayPaused.get(userId) ?? []), ...pausing]);
    await Promise.all(pausing.map((m) => m.pause()));
  }

  /** A session left: its transports close, and everything it sent or received with them. */
  leave(sessionId: string): void {
    this.#peers.get(sessionId)?.close();
    this.#peers.delete(sessionId);
  }

  /** Starts recording (idempotent: a second start reports the recording already running). */
  async startRecording(target: RecordingTarget): Promise<{ recordingId: string; started: boolean }> {
    this.#alive();
    await this.#stage.ready();
    return this.#recording.start(target, () => ({ router: this.#stage.current().routers.primary, producers: this.#producers.values() }));
  }

  /** Stops the recording and resolves once its file is uploaded; null when none ran. Idempotent. */
  stopRecording(): Promise<RecordingResult | null> {
    return this.#recording.stop();
  }

  /** The running recording's id. */
  get recordingId(): string | undefined {
    return this.#recording.recordingId;
  }

  /** Open objects, for tests and diagnostics. */
  counts(): { routers: number; peers: number; transports: number; producers: number; consumers: number } {
    const peers = [...this.#peers.values()];
    const sum = (f: (p: Peer) => number) => peers.reduce((n, p) => n + f(p), 0);
    const routers = this.#stage.peek()?.routers;
    return {
      routers: routers && !routers.primary.closed ? routers.count : 0,
      peers: peers.length,
      transports: sum((p) => p.transportCount),
      producers: this.#producers.size,
      consumers: sum((p) => p.consumerCount),
    };
  }

  /** Subscriber consumers per router (primary first): how the room spreads over workers. */
  routerLoads(): number[] {
    return this.#stage.peek()?.routers.consumerCounts() ?? [];
  }

  /** Closes everything; a running recording is finished and uploaded first. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const recording = this.#recording.stop().catch((err: unknown) => this.options.logger.error({ err, roomId: this.options.roomId }, 'recording failed at room close'));
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    await this.#stage.close();
    await recording;
    this.removeAllListeners();
  }

  async #addTransport(sessionId: string, direction: Direction, create: (peer: Peer, router: types.Router) => Promise<TransportEntry['transport']>): Promise<TransportEntry> {
    const peer = this.#peer(sessionId);
    if (peer.transportCount >= (this.options.limits?.transportsPerPeer ?? 4)) throw new MediaConflictError('Too many transports; close one first');
    const { routers } = await this.#stage.ready();
    const router = direction === 'send' ? routers.primary : await routers.forRecv();
    const transport = await create(peer, router);
    if (peer.closed || this.#closed) {
      transport.close();
      throw new MediaNotFoundError('Participant', sessionId);
    }
    const entry: TransportEntry = { transport, direction, router, connected: false };
    peer.addTransport(entry);
    if (transport.type === 'webrtc') {
      const webrtc = transport as types.WebRtcTransport;
      closeWhenUnreachable(webrtc, this.#tuning.iceDisconnectGraceMs);
      if (direction === 'send') await transport.setMaxIncomingBitrate(this.#tuning.maxIncomingBitrate);
      else watchBandwidth(peer, webrtc, (err) => this.options.logger.warn({ err, roomId: this.options.roomId }, 'layer adaptation failed'));
    }
    return entry;
  }

  /** The routers are gone with a worker: every session starts again with nothing (roles kept). */
  #forgetMedia(): void {
    for (const [sessionId, peer] of this.#peers) {
      peer.close();
      this.#peers.set(sessionId, new Peer(sessionId, peer.userId, peer.role));
    }
    this.#producers.clear();
    this.#speaker = null;
  }

  #peer(sessionId: string): Peer {
    this.#alive();
    const peer = this.#peers.get(sessionId);
    if (!peer) throw new MediaNotFoundError('Participant', sessionId);
    return peer;
  }

  #alive(): void {
    if (this.#closed) throw new MediaUnavailableError('Room media is closed');
  }
}

/** A producer of the room, with who sends it and what its client said it is. */
interface RoomProducer {
  producer: types.Producer;
  userId: string;
  source?: MediaSource;
}

/** How a producer is announced (media.newProducer, room.join's producers); `source` only when given. */
function producerInfo({ producer, userId, source }: RoomProducer): ProducerInfo {
  return { producerId: producer.id, userId, kind: producer.kind, ...(source ? { source } : {}) };
}

/**
 * A client that is gone for good never says so: its transport closes when DTLS closes (the
 * client closed its connection) or fails, or when ICE stays disconnected (no consent checks for
 * the transport's iceConsentTimeout, or its TCP connection dropped) for `graceMs` (a network
 * switch comes back sooner, with media.restartIce). Closing it closes its producers, which the
 * others are told of (media.producerClosed), and its consumers.
 */
function closeWhenUnreachable(transport: types.WebRtcTransport, graceMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  transport.on('dtlsstatechange', (state) => {
    if (state === 'closed' || state === 'failed') transport.close();
  });
  transport.on('icestatechange', (state) => {
    clearTimeout(timer);
    timer = undefined;
    if (state !== 'disconnected') return;
    timer = setTimeout(() => transport.close(), graceMs);
    timer.unref();
  });
  transport.observer.once('close', () => clearTimeout(timer));
}
