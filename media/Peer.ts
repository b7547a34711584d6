import type { types } from 'mediasoup';
import { MediaNotFoundError } from './errors';
import type { LayerLadder, Layers } from './LayerSelector';

export type PeerRole = 'facilitator' | 'participant' | 'observer';
export type Direction = 'send' | 'recv';

export interface TransportEntry {
  /** WebRTC for clients; plain RTP for server-side tools (RoomMedia.createPlainTransport). */
  transport: types.WebRtcTransport | types.PlainTransport;
  direction: Direction;
  router: types.Router;
  connected: boolean;
}

export interface ConsumerEntry {
  consumer: types.Consumer;
  /** The layers its producer offers, for the bandwidth-driven choice. */
  ladder: LayerLadder;
  /** The highest layers the subscriber asked for (media.setPreferredLayers). */
  cap: Layers | undefined;
  /** What was last asked of mediasoup. */
  chosen: Layers | undefined;
}

/**
 * One signaling session's media in a room (a user on two devices, or a reloaded page, is two
 * peers): its transports and what it sends and receives. Entries leave the maps when mediasoup
 * closes the object, whatever closed it (the client, the producer's owner, the transport, the
 * router), so the counts are of live objects. Ids of other sessions are not found here, so
 * nobody acts on media they did not create.
 */
export class Peer {
  readonly #transports = new Map<string, TransportEntry>();
  readonly #producers = new Map<string, types.Producer>();
  readonly #consumers = new Map<string, ConsumerEntry>();
  /** The recv transport's latest bandwidth estimate (bps). */
  availableBitrate: number | undefined;
  #closed = false;

  constructor(
    readonly sessionId: string,
    readonly userId: string,
    public role: PeerRole,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  get transportCount(): number {
    return this.#transports.size;
  }

  get producerCount(): number {
    return this.#producers.size;
  }

  get consumerCount(): number {
    return this.#consumers.size;
  }

  transport(id: string): TransportEntry {
    const entry = this.#transports.get(id);
    if (!entry) throw new MediaNotFoundError('Transport', id);
    return entry;
  }

  producer(id: string): types.Producer {
    const producer = this.#producers.get(id);
    if (!producer) throw new MediaNotFoundError('Producer', id);
    return producer;
  }

  consumer(id: string): ConsumerEntry {
    const entry = this.#consumers.get(id);
    if (!entry) throw new MediaNotFoundError('Consumer', id);
    return entry;
  }

  producers(): IterableIterator<types.Producer> {
    return this.#producers.values();
  }

  consumers(): IterableIterator<ConsumerEntry> {
    return this.#consumers.values();
  }

  addTransport(entry: TransportEntry): void {
    this.#transports.set(entry.transport.id, entry);
    (entry.transport as types.Transport).observer.once('close', () => this.#transports.delete(entry.transport.id));
  }

  addProducer(producer: types.Producer): void {
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
  }

  addConsumer(entry: ConsumerEntry): void {
    this.#consumers.set(entry.consumer.id, entry);
    entry.consumer.observer.once('close', () => this.#consumers.delete(entry.consumer.id));
  }

  /** Closes its transports, and with them its producers and consumers. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { transport } of [...this.#transports.values()]) transport.close();
  }
}
