import { Device, type types } from 'mediasoup-client';
import type { PushFrame } from '../../../protocol/push';
import { PocdojoError } from './errors';
import { Emitter } from './events';
import type { MediaClient, MediaPush, RoomMediaContext } from './media';
import { SEND_SETTINGS } from './mediaEncodings';
import { RemoteMedia } from './mediaRemote';
import { MediaTransport, type Direction, type TransportSettings } from './mediaTransports';
import type { Capture, MediaEvents, MediaSource, MediaTrack, RemoteTrack } from './mediaTypes';
import type { JoinReply } from './wire';

export interface MediasoupClientOptions {
  /**
   * Makes the mediasoup-client Device. Default: `Device.factory()`, which detects the browser's
   * handler. React Native: `() => Device.factory({ handlerName: 'ReactNative106' })` after
   * react-native-webrtc's `registerGlobals()`. Tests: a Device on mediasoup-client's FakeHandler.
   */
  createDevice?: () => Device | Promise<Device>;
  /** Captures camera and microphone. Default: `navigator.mediaDevices.getUserMedia` where it exists (browsers; React Native after registerGlobals). */
  getUserMedia?: Capture;
  /** Captures the screen. Default: `navigator.mediaDevices.getDisplayMedia` where it exists. */
  getDisplayMedia?: Capture;
  /**
   * Subscribes to network changes (Wi-Fi to LTE): ICE is restarted on every transport when the
   * listener runs; returns the unsubscribe function. Default: the browser's `online` event and
   * `navigator.connection`'s `change` where they exist. React Native: wrap NetInfo.addEventListener.
   */
  networkChanges?: (changed: () => void) => () => void;
  /** Which remote producers to receive as they appear (default: everyone else's). */
  subscribe?: (producer: { producerId: string; userId: string; kind: string }) => boolean;
  iceServers?: TransportSettings['iceServers'];
  iceTransportPolicy?: TransportSettings['iceTransportPolicy'];
  /** How long a transport may stay disconnected before its ICE is restarted (ms; default 3000). */
  disconnectedGraceMs?: number;
}

interface Published {
  track: MediaTrack;
  /** The SDK captured it, so the SDK stops it. */
  owned: boolean;
  paused: boolean;
  producer?: types.Producer;
}

/**
 * Media through mediasoup-client, as a Room's MediaClient: `client.join(dojoId, { media })`.
 * After each (re)join it loads the device with the router's capabilities, opens a recv
 * transport and receives everyone else's producers, and sends again what the app published;
 * remote producers are received as they appear (media.newProducer) and dropped as they close.
 * Nothing here needs the DOM: tracks come from the injected capture functions or the app.
 *
 * ```ts
 * const media = new MediasoupClient();
 * media.on('remote', (r) => attach(r.userId, r.track));
 * const room = await client.join(dojoId, { media });
 * await media.publishCamera();
 * ```
 */
export class MediasoupClient extends Emitter<MediaEvents> implements MediaClient {
  readonly #options: MediasoupClientOptions;
  readonly #remote: RemoteMedia;
  readonly #published = new Map<MediaSource, Published>();
  #context: RoomMediaContext | undefined;
  #device: Device | undefined;
  #capabilities = '';
  /** Bumped by every (re)join, restart and close: work of an older epoch drops its results. */
  #epoch = 0;
  #transports: Partial<Record<Direction, Promise<MediaTransport>>> = {};
  #ready: Promise<Device | undefined> = Promise.resolve(undefined);
  #unsubscribeNetwork: (() => void) | undefined;
  #closed = false;

  constructor(options: MediasoupClientOptions = {}) {
    super((event, error) => queueMicrotask(() => this.emit('error', Object.assign(new Error(`listener for ${event} threw`), { cause: error }))));
    this.#options = options;
    this.#remote = new RemoteMedia({
      remote: (track) => this.emit('remote', track),
      remoteClosed: (track) => this.emit('remoteClosed', track),
    });
  }

  /** The remote producers received now. */
  get remotes(): RemoteTrack[] {
    return this.#remote.tracks;
  }

  /** The producer id of a published source, once the server has it. */
  producerId(source: MediaSource): string | undefined {
    return this.#published.get(source)?.producer?.id;
  }

  // --- MediaClient: what the Room calls ---

  async joined(context: RoomMediaContext, reply: JoinReply): Promise<void> {
    this.#context = context;
    this.#watchNetwork();
    // A join or a rejoin is a new session on the server: nothing of an earlier one is ours any more.
    await this.#start(reply.routerRtpCapabilities as Record<string, unknown> | null, reply.producers);
  }

  push(frame: PushFrame<MediaPush>): void {
    const context = this.#context;
    if (!context || this.#closed) return;
    switch (frame.method) {
      case 'media.newProducer': {
        const data = (frame as PushFrame<'media.newProducer'>).data;
        this.#receive(data);
        break;
      }
      case 'media.producerClosed':
        this.#remote.close((frame as PushFrame<'media.producerClosed'>).data.producerId);
        break;
      case 'media.consumerClosed':
        this.#remote.closeConsumer((frame as PushFrame<'media.consumerClosed'>).data.consumerId);
        break;
      case 'media.activeSpeaker':
        this.emit('activeSpeaker', (frame as PushFrame<'media.activeSpeaker'>).data);
        break;
      case 'media.layersChanged': {
        const data = (frame as PushFrame<'media.layersChanged'>).data;
        const producerId = this.#remote.tracks.find((t) => t.consumerId === data.consumerId)?.producerId;
        if (producerId) this.emit('layers', { producerId, ...data });
        break;
      }
    }
  }

  async restart(routerRtpCapabilities: Record<string, unknown>): Promise<void> {
    // The server's worker died with every transport: build everything again. The others send
    // again too, and their new producers arrive as media.newProducer.
    await this.#start(routerRtpCapabilities, []);
  }

  /** A facilitator muted this user: the server paused the microphone's producer; pause it here too, so `setPaused('microphone', false)` unmutes. */
  muted(): void {
    const published = this.#published.get('microphone');
    if (!published) return;
    published.paused = true;
    if (published.producer && !published.producer.closed) published.producer.pause();
  }

  /** Whether a published source is paused (by the user, or the microphone by a facilitator). */
  paused(source: MediaSource): boolean {
    return this.#published.get(source)?.paused ?? false;
  }

  /** The socket came back after a drop (often a network change): restart ICE rather than wait for a timeout. */
  resumed(): void {
    this.#restartIce('resumed');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop();
    this.#unsubscribeNetwork?.();
    for (const published of this.#published.values()) if (published.owned) published.track.stop();
    this.#published.clear();
  }

  // --- What the app calls ---

  /** Sends the camera as simulcast; captures it unless `track` is given. Resolves with the producer id (undefined before the room is joined: it is sent on join). */
  publishCamera(track?: MediaTrack): Promise<string | undefined> {
    return this.#publish('camera', track);
  }

  publishMicrophone(track?: MediaTrack): Promise<string | undefined> {
    return this.#publish('microphone', track);
  }

  publishScreen(track?: MediaTrack): Promise<string | undefined> {
    return this.#publish('screen', track);
  }

  /** Stops sending a source (media.closeProducer), and stops its track if the SDK captured it. */
  async unpublish(source: MediaSource): Promise<void> {
    const published = this.#published.get(source);
    if (!published) return;
    this.#published.delete(source);
    const producer = published.producer;
    if (producer && !producer.closed) {
      producer.close();
      await this.#context?.request('media.closeProducer', { producerId: producer.id }).catch(() => undefined);
    }
    if (published.owned) published.track.stop();
  }

  /** Mutes or unmutes a published source (the producer pauses on both sides; the track stays open). */
  async setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const published = this.#published.get(source);
    if (!published || published.paused === paused) return;
    published.paused = paused;
    const producer = published.producer;
    if (!producer || producer.closed) return;
    if (paused) producer.pause();
    else producer.resume();
    await this.#request(paused ? 'media.pauseProducer' : 'media.resumeProducer', { producerId: producer.id });
  }

  /** Call when a remote tile is hidden or shown: a hidden one receives nothing (media.pauseConsumer). */
  async setVisible(producerId: string, visible: boolean): Promise<void> {
    return this.#remote.setVisible(this.#live(), producerId, visible);
  }

  /** The simulcast layer a remote video should get (0: lowest); the server keeps to it within the viewer's bandwidth. */
  async setPreferredLayers(producerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    return this.#remote.setPreferredLayers(this.#live(), producerId, spatialLayer, temporalLayer);
  }

  /** Receives a remote producer the `subscribe` option left out. */
  async subscribe(producer: { producerId: string; userId: string }): Promise<void> {
    const epoch = this.#epoch;
    const [device, recv] = await Promise.all([this.#ready, this.#transport('recv')]);
    if (!device) throw new PocdojoError('CLOSED', 'Media is not available in this room');
    await this.#remote.consume(this.#live(), device, recv.transport, producer, () => epoch === this.#epoch);
  }

  /** A remote producer's inbound stats (RTCStatsReport): frames decoded, bytes received. */
  stats(producerId: string): Promise<unknown> | undefined {
    return this.#remote.stats(producerId);
  }

  /** Restarts ICE on every open transport now (the app learnt of a network change its own way). */
  networkChanged(): void {
    this.#restartIce('network');
  }

  // --- Inside ---

  async #start(capabilities: Record<string, unknown> | null, producers: JoinReply['producers']): Promise<void> {
    this.#stop();
    const epoch = this.#epoch;
    const current = () => epoch === this.#epoch && !this.#closed;
    this.#ready = capabilities ? this.#load(capabilities) : Promise.resolve(undefined);
    try {
      if (!(await this.#ready) || !current()) return;
      const work: Array<Promise<unknown>> = [];
      for (const producer of producers) if (this.#wanted(producer)) work.push(this.subscribe(producer));
      for (const source of this.#published.keys()) work.push(this.#produce(source, epoch));
      const failures = (await Promise.allSettled(work)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (current()) for (const failure of failures) this.emit('error', failure.reason);
    } catch (error) {
      // Media failing (no WebRTC, an old browser) must not fail the join: chat and code go on.
      if (current()) this.emit('error', error);
    }
  }

  /** Closes the current epoch's transports (and with them every producer and consumer). */
  #stop(): void {
    this.#epoch++;
    const transports = Object.values(this.#transports);
    this.#transports = {};
    for (const pending of transports)
      void pending.then(
        (t) => t.close(),
        () => undefined,
      );
    this.#remote.closeAll();
    for (const published of this.#published.values()) published.producer = undefined;
  }

  async #load(capabilities: Record<string, unknown>): Promise<Device> {
    const key = JSON.stringify(capabilities);
    if (this.#device?.loaded && key === this.#capabilities) return this.#device;
    // A new router (its worker restarted) may offer other codecs: a loaded Device cannot load again.
    const device = await (this.#options.createDevice ?? (() => Device.factory()))();
    await device.load({ routerRtpCapabilities: capabilities as unknown as types.RtpCapabilities });
    this.#device = device;
    this.#capabilities = key;
    return device;
  }

  #transport(direction: Direction): Promise<MediaTransport> {
    let pending = this.#transports[direction];
    if (!pending) {
      const context = this.#live();
      const epoch = this.#epoch;
      pending = this.#ready.then((device) => {
        if (!device) throw new PocdojoError('CLOSED', 'Media is not available in this room');
        return MediaTransport.open(device, context, direction, this.#settings(), {
          iceRestart: (d, reason) => this.emit('iceRestart', { direction: d, reason }),
          connectionState: (d, state) => this.emit('connectionState', { direction: d, state }),
          error: (error) => this.emit('error', error),
        });
      });
      pending.then(
        (t) => {
          if (epoch !== this.#epoch) t.close();
        },
        () => {
          if (this.#transports[direction] === pending) delete this.#transports[direction];
        },
      );
      this.#transports[direction] = pending;
    }
    return pending;
  }

  async #publish(source: MediaSource, track?: MediaTrack): Promise<string | undefined> {
    if (this.#closed) throw new PocdojoError('CLOSED', 'The media client was closed');
    if (this.#published.has(source)) await this.unpublish(source);
    const published: Published = { track: track ?? (await this.#capture(source)), owned: !track, paused: false };
    this.#published.set(source, published);
    if (!this.#context || !(await this.#ready)) return undefined;
    return this.#produce(source, this.#epoch);
  }

  async #produce(source: MediaSource, epoch: number): Promise<string | undefined> {
    const published = this.#published.get(source);
    if (!published || published.track.readyState === 'ended') return undefined;
    const send = await this.#transport('send');
    if (epoch !== this.#epoch || this.#published.get(source) !== published) return undefined;
    const settings = SEND_SETTINGS[source];
    const producer = await send.transport.produce({
      track: published.track as unknown as types.ProducerOptions['track'],
      encodings: settings.encodings,
      codecOptions: settings.codecOptions,
      // The app's track: re-sent after a rejoin, so mediasoup-client must not stop it on close.
      stopTracks: false,
      disableTrackOnPause: true,
      appData: { source },
    });
    if (epoch !== this.#epoch || this.#published.get(source) !== published) {
      producer.close();
      return undefined;
    }
    published.producer = producer;
    if (published.paused) {
      producer.pause();
      await this.#request('media.pauseProducer', { producerId: producer.id });
    }
    return producer.id;
  }

  async #capture(source: MediaSource): Promise<MediaTrack> {
    const capture = source === 'screen' ? (this.#options.getDisplayMedia ?? globalCapture('getDisplayMedia')) : (this.#options.getUserMedia ?? globalCapture('getUserMedia'));
    if (!capture) throw new PocdojoError('CLOSED', `No way to capture the ${source} here: pass the track, or getUserMedia/getDisplayMedia in the options`);
    const kind = source === 'microphone' ? 'audio' : 'video';
    const tracks = (await capture(SEND_SETTINGS[source].constraints)).getTracks();
    const track = tracks.find((t) => t.kind === kind);
    for (const other of tracks) if (other !== track) other.stop();
    if (!track) throw new PocdojoError('CLOSED', `The ${source} gave no ${kind} track`);
    return track;
  }

  #receive(producer: { producerId: string; userId: string; kind: string }): void {
    if (!this.#wanted(producer)) return;
    this.subscribe(producer).catch((error: unknown) => this.emit('error', error));
  }

  #wanted(producer: { producerId: string; userId: string; kind: string }): boolean {
    const self = this.#context?.userId;
    return this.#options.subscribe ? this.#options.subscribe(producer) : producer.userId !== self;
  }

  #restartIce(reason: string): void {
    if (this.#closed) return;
    for (const pending of Object.values(this.#transports))
      void pending.then(
        (t) => t.restartIce(reason),
        () => undefined,
      );
  }

  #watchNetwork(): void {
    if (this.#unsubscribeNetwork) return;
    const subscribe = this.#options.networkChanges ?? browserNetworkChanges;
    this.#unsubscribeNetwork = subscribe(() => this.#restartIce('network'));
  }

  #settings(): TransportSettings {
    return { iceServers: this.#options.iceServers, iceTransportPolicy: this.#options.iceTransportPolicy, disconnectedGraceMs: this.#options.disconnectedGraceMs ?? 3_000 };
  }

  #live(): RoomMediaContext {
    if (!this.#context || this.#closed) throw new PocdojoError('CLOSED', 'The media client is not in a room');
    return this.#context;
  }

  #request(method: 'media.pauseProducer' | 'media.resumeProducer', data: { producerId: string }): Promise<unknown> {
    return this.#live().request(method, data);
  }
}

interface MediaDevicesLike {
  getUserMedia?: Capture;
  getDisplayMedia?: Capture;
}

interface EventSourceLike {
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/** The runtime's capture function, where it has one (browsers; React Native after registerGlobals). */
function globalCapture(name: 'getUserMedia' | 'getDisplayMedia'): Capture | undefined {
  const devices = (globalThis as { navigator?: { mediaDevices?: MediaDevicesLike } }).navigator?.mediaDevices;
  const capture = devices?.[name];
  return capture ? (constraints) => capture.call(devices, constraints) : undefined;
}

/** A browser's network changes: coming back online, and the Network Information API where it exists. Elsewhere nothing. */
function browserNetworkChanges(changed: () => void): () => void {
  const scope = globalThis as EventSourceLike & { navigator?: { connection?: EventSourceLike } };
  const sources: Array<[EventSourceLike, string]> = [];
  if (typeof scope.addEventListener === 'function') sources.push([scope, 'online']);
  const connection = scope.navigator?.connection;
  if (connection && typeof connection.addEventListener === 'function') sources.push([connection, 'change']);
  for (const [source, type] of sources) source.addEventListener?.(type, changed);
  return () => {
    for (const [source, type] of sources) source.removeEventListener?.(type, changed);
  };
}

export type { Capture, MediaEvents, MediaSource, MediaStreamLike, MediaTrack, RemoteTrack } from './mediaTypes';
export { SEND_SETTINGS, type SendSettings } from './mediaEncodings';
