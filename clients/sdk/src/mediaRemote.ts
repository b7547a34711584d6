import type { Device, types } from 'mediasoup-client';
import type { RoomMediaContext } from './media';
import type { MediaTrack, RemoteTrack } from './mediaTypes';

interface Entry {
  consumer: types.Consumer;
  userId: string;
  paused: boolean;
}

export interface RemoteEvents {
  remote(track: RemoteTrack): void;
  remoteClosed(track: RemoteTrack): void;
}

/**
 * What this client receives: one consumer per remote producer, on the recv transport. Consumers
 * start paused on the server; each is resumed once its local twin exists, unless its tile is
 * hidden (`setVisible(false)`), which survives a re-consume after a rejoin or a media restart.
 */
export class RemoteMedia {
  readonly #entries = new Map<string, Entry>();
  /** Producers being consumed (the request in flight), so a push and the join reply do not consume one twice. */
  readonly #pending = new Set<string>();
  readonly #hidden = new Set<string>();

  constructor(private readonly events: RemoteEvents) {}

  get tracks(): RemoteTrack[] {
    return [...this.#entries.keys()].map((producerId) => this.#view(producerId)!);
  }

  has(producerId: string): boolean {
    return this.#entries.has(producerId) || this.#pending.has(producerId);
  }

  consumerOf(producerId: string): string | undefined {
    return this.#entries.get(producerId)?.consumer.id;
  }

  /** Consumes `producerId` on `recv`; `current()` says whether the media epoch that asked is still the live one. */
  async consume(context: RoomMediaContext, device: Device, recv: types.Transport, producer: { producerId: string; userId: string }, current: () => boolean): Promise<void> {
    if (this.has(producer.producerId)) return;
    this.#pending.add(producer.producerId);
    try {
      const options = (await context.request('media.consume', {
        transportId: recv.id,
        producerId: producer.producerId,
        rtpCapabilities: device.recvRtpCapabilities as unknown as Record<string, unknown>,
      })) as types.ConsumerOptions;
      if (!current() || recv.closed) return;
      const consumer = await recv.consume({ id: options.id, producerId: options.producerId, kind: options.kind, rtpParameters: options.rtpParameters });
      if (!current()) {
        consumer.close();
        return;
      }
      const hidden = this.#hidden.has(producer.producerId);
      this.#entries.set(producer.producerId, { consumer, userId: producer.userId, paused: hidden });
      consumer.on('transportclose', () => this.close(producer.producerId));
      if (hidden) consumer.pause();
      else await context.request('media.resumeConsumer', { consumerId: consumer.id });
      this.events.remote(this.#view(producer.producerId)!);
    } finally {
      this.#pending.delete(producer.producerId);
    }
  }

  /** A hidden tile receives nothing (media.pauseConsumer); shown again, it resumes. */
  async setVisible(context: RoomMediaContext, producerId: string, visible: boolean): Promise<void> {
    if (visible) this.#hidden.delete(producerId);
    else this.#hidden.add(producerId);
    const entry = this.#entries.get(producerId);
    if (!entry || entry.paused === !visible) return;
    entry.paused = !visible;
    if (visible) {
      entry.consumer.resume();
      await context.request('media.resumeConsumer', { consumerId: entry.consumer.id });
    } else {
      entry.consumer.pause();
      await context.request('media.pauseConsumer', { consumerId: entry.consumer.id });
    }
  }

  async setPreferredLayers(context: RoomMediaContext, producerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const entry = this.#entries.get(producerId);
    if (!entry) return;
    await context.request('media.setPreferredLayers', { consumerId: entry.consumer.id, spatialLayer, ...(temporalLayer === undefined ? {} : { temporalLayer }) });
  }

  /** The producer closed (or its consumer did): its track ends and the app removes the tile. */
  close(producerId: string): void {
    const view = this.#view(producerId);
    if (!view) return;
    const entry = this.#entries.get(producerId)!;
    this.#entries.delete(producerId);
    if (!entry.consumer.closed) entry.consumer.close();
    this.events.remoteClosed(view);
  }

  closeConsumer(consumerId: string): void {
    for (const [producerId, entry] of this.#entries) if (entry.consumer.id === consumerId) this.close(producerId);
  }

  /** Everything closes (leave, rejoin, media restart); hidden tiles stay hidden. */
  closeAll(): void {
    for (const producerId of [...this.#entries.keys()]) this.close(producerId);
  }

  #view(producerId: string): RemoteTrack | undefined {
    const entry = this.#entries.get(producerId);
    if (!entry) return undefined;
    const { consumer, userId, paused } = entry;
    return { producerId, consumerId: consumer.id, userId, kind: consumer.kind, track: consumer.track as unknown as MediaTrack, paused };
  }

  /** The consumer's own stats (inbound-rtp: frames decoded, bytes received): mediasoup-client's getStats. */
  stats(producerId: string): Promise<unknown> | undefined {
    return this.#entries.get(producerId)?.consumer.getStats();
  }
}
