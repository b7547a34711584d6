import { Device, type types } from 'mediasoup-client';
import type { JoinReply, MediaClient, PushFrame, RoomMediaContext } from '../../../sdk/src';
import type { MediaPush } from '../../../sdk/src/media';
import { Emitter } from '../../../sdk/src';

/** A video or audio tile: someone's track (or this user's own camera, `local`). */
export interface Tile {
  key: string;
  userId: string;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  local: boolean;
  consumer?: types.Consumer;
}

export type MediaEvents = { changed: [] };

/**
 * The console's media on mediasoup-client, as the SDK's `MediaClient` seam wants it: after each
 * (re)join it loads the device, publishes camera and microphone (not for observers), and consumes
 * everyone else's producers; `media.*` pushes add and remove tiles. The UI reads `tiles`,
 * `activeSpeaker`, `micOn`/`camOn` and listens to `changed`.
 */
export class ConsoleMedia extends Emitter<MediaEvents> implements MediaClient {
  tiles: Tile[] = [];
  activeSpeaker: string | undefined;
  micOn = true;
  camOn = true;
  error: unknown;
  #device: Device | undefined;
  #context: RoomMediaContext | undefined;
  #send: types.Transport | undefined;
  #recv: types.Transport | undefined;
  #producers: { audio?: types.Producer; video?: types.Producer } = {};
  #stream: MediaStream | undefined;
  #generation = 0;
  #canProduce = true;

  async joined(context: RoomMediaContext, reply: JoinReply): Promise<void> {
    this.#context = context;
    this.#canProduce = reply.role !== 'observer';
    this.activeSpeaker = reply.activeSpeaker?.userId;
    await this.#start(reply.routerRtpCapabilities as types.RtpCapabilities, reply.producers);
  }

  async restart(routerRtpCapabilities: Record<string, unknown>): Promise<void> {
    await this.#start(routerRtpCapabilities as types.RtpCapabilities, []);
  }

  push(frame: PushFrame<MediaPush>): void {
    switch (frame.method) {
      case 'media.newProducer': {
        const data = frame.data as { producerId: string; userId: string; kind: 'audio' | 'video' };
        if (data.userId !== this.#context?.userId) void this.#consume(data, this.#generation);
        break;
      }
      case 'media.producerClosed':
      case 'media.consumerClosed': {
        const { producerId } = frame.data as { producerId: string };
        this.#drop((t) => t.consumer?.producerId === producerId);
        break;
      }
      case 'media.activeSpeaker':
        this.activeSpeaker = (frame.data as { userId: string }).userId;
        this.emit('changed');
        break;
    }
  }

  close(): void {
    this.#generation++;
    this.#teardown();
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = undefined;
    this.tiles = [];
    this.emit('changed');
  }

  async setMic(on: boolean): Promise<void> {
    await this.#toggle('audio', on);
    this.micOn = on;
    this.emit('changed');
  }

  async setCam(on: boolean): Promise<void> {
    await this.#toggle('video', on);
    this.camOn = on;
    this.emit('changed');
  }

  /** What each remote video consumer decoded (getStats), for the browser test and a debugging eye. */
  async stats(): Promise<Array<{ userId: string; framesDecoded: number }>> {
    const out: Array<{ userId: string; framesDecoded: number }> = [];
    for (const tile of this.tiles) {
      if (!tile.consumer || tile.kind !== 'video') continue;
      let framesDecoded = 0;
      (await tile.consumer.getStats()).forEach((r: { type: string; framesDecoded?: number }) => {
        if (r.type === 'inbound-rtp') framesDecoded += r.framesDecoded ?? 0;
      });
      out.push({ userId: tile.userId, framesDecoded });
    }
    return out;
  }

  async #toggle(kind: 'audio' | 'video', on: boolean): Promise<void> {
    const producer = this.#producers[kind];
    if (!producer || !this.#context) return;
    if (on) producer.resume();
    else producer.pause();
    await this.#context.request(on ? 'media.resumeProducer' : 'media.pauseProducer', { producerId: producer.id });
  }

  async #start(caps: types.RtpCapabilities, producers: JoinReply['producers']): Promise<void> {
    const generation = ++this.#generation;
    this.#teardown();
    this.tiles = this.tiles.filter((t) => t.local);
    this.error = undefined;
    try {
      if (!this.#device) {
        this.#device = new Device();
        await this.#device.load({ routerRtpCapabilities: caps });
      }
      // Consuming first: the others' pictures matter more than ours reaching them a moment sooner.
      await Promise.all(producers.filter((p) => p.userId !== this.#context?.userId).map((p) => this.#consume(p, generation)));
      if (this.#canProduce && generation === this.#generation) await this.#publish(generation);
    } catch (error) {
      this.error = error;
    }
    this.emit('changed');
  }

  async #publish(generation: number): Promise<void> {
    this.#stream ??= await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360, frameRate: 15 } });
    const send = await this.#transport('send');
    if (generation !== this.#generation) return;
    const [video] = this.#stream.getVideoTracks();
    const [audio] = this.#stream.getAudioTracks();
    if (video) {
      this.#producers.video = await send.produce({
        track: video,
        encodings: [
          { rid: 'r0', scaleResolutionDownBy: 2, maxBitrate: 150_000 },
          { rid: 'r1', scaleResolutionDownBy: 1, maxBitrate: 500_000 },
        ],
        appData: { source: 'camera' },
      });
      if (!this.camOn) await this.#toggle('video', false);
      this.tiles = [...this.tiles.filter((t) => !(t.local && t.kind === 'video')), { key: 'local-video', userId: this.#context!.userId, kind: 'video', track: video, local: true }];
    }
    if (audio) {
      this.#producers.audio = await send.produce({ track: audio, appData: { source: 'microphone' } });
      if (!this.micOn) await this.#toggle('audio', false);
    }
  }

  async #consume(p: { producerId: string; userId: string }, generation: number): Promise<void> {
    const context = this.#context;
    if (!context || !this.#device) return;
    try {
      const recv = await this.#transport('recv');
      const options = (await context.request('media.consume', {
        transportId: recv.id,
        producerId: p.producerId,
        rtpCapabilities: this.#device.rtpCapabilities as Record<string, unknown>,
      })) as types.ConsumerOptions;
      if (generation !== this.#generation) return;
      const consumer = await recv.consume(options);
      this.tiles = [...this.tiles, { key: consumer.id, userId: p.userId, kind: consumer.kind, track: consumer.track, local: false, consumer }];
      this.emit('changed');
      await context.request('media.resumeConsumer', { consumerId: consumer.id });
    } catch (error) {
      this.error = error;
      this.emit('changed');
    }
  }

  #transports: Partial<Record<'send' | 'recv', Promise<types.Transport>>> = {};
  #transport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const existing = this.#transports[direction];
    if (existing) return existing;
    const context = this.#context!;
    const made = (async () => {
      const info = (await context.request('media.createTransport', { direction })) as types.TransportOptions;
      const t = direction === 'send' ? this.#device!.createSendTransport(info) : this.#device!.createRecvTransport(info);
      t.on('connect', ({ dtlsParameters }, done, fail) => {
        context.request('media.connectTransport', { transportId: t.id, dtlsParameters: dtlsParameters as unknown as Record<string, unknown> }).then(() => done(), fail);
      });
      t.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
        context
          .request('media.produce', { transportId: t.id, kind, rtpParameters: rtpParameters as unknown as Record<string, unknown>, appData })
          .then((reply) => done({ id: (reply as { producerId: string }).producerId }), fail);
      });
      if (direction === 'send') this.#send = t;
      else this.#recv = t;
      return t;
    })();
    this.#transports[direction] = made;
    made.catch(() => delete this.#transports[direction]);
    return made;
  }

  #drop(match: (t: Tile) => boolean): void {
    const before = this.tiles.length;
    this.tiles = this.tiles.filter((t) => {
      if (!match(t)) return true;
      t.consumer?.close();
      return false;
    });
    if (this.tiles.length !== before) this.emit('changed');
  }

  #teardown(): void {
    for (const tile of this.tiles) tile.consumer?.close();
    this.#send?.close();
    this.#recv?.close();
    this.#send = this.#recv = undefined;
    this.#transports = {};
    this.#producers = {};
  }
}
