import type { Device, types } from 'mediasoup-client';
import type { RoomMediaContext } from './media';

export type Direction = 'send' | 'recv';

export interface TransportSettings {
  iceServers?: types.TransportOptions['iceServers'];
  iceTransportPolicy?: types.TransportOptions['iceTransportPolicy'];
  /** How long a transport may stay `disconnected` before ICE is restarted (ms). */
  disconnectedGraceMs: number;
}

export interface TransportEvents {
  iceRestart(direction: Direction, reason: string): void;
  connectionState(direction: Direction, state: string): void;
  error(error: unknown): void;
}

/** mediasoup's parameter objects travel as the contract's plain RTP objects (protocol/ws.ts `rtpObject`). */
const plain = (value: object): Record<string, unknown> => value as Record<string, unknown>;

/**
 * One WebRTC transport: the server's (media.createTransport) and its local twin, with DTLS
 * connect and produce signalled over the room's socket. It keeps its connection alive: ICE is
 * restarted (media.restartIce, keeping DTLS and the media) when the transport fails, when it
 * stays disconnected past the grace, and when the app reports a network change.
 */
export class MediaTransport {
  readonly #context: RoomMediaContext;
  readonly #events: TransportEvents;
  readonly #graceMs: number;
  #restarting: Promise<void> | undefined;
  #again: string | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    readonly direction: Direction,
    readonly transport: types.Transport,
    context: RoomMediaContext,
    settings: TransportSettings,
    events: TransportEvents,
  ) {
    this.#context = context;
    this.#events = events;
    this.#graceMs = settings.disconnectedGraceMs;
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      context.request('media.connectTransport', { transportId: transport.id, dtlsParameters: plain(dtlsParameters) }).then(() => done(), fail);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
      context
        .request('media.produce', { transportId: transport.id, kind, rtpParameters: plain(rtpParameters), appData: plain(appData) })
        .then((reply) => done({ id: (reply as { producerId: string }).producerId }), fail);
    });
    transport.on('connectionstatechange', (state) => this.#stateChanged(state));
  }

  static async open(device: Device, context: RoomMediaContext, direction: Direction, settings: TransportSettings, events: TransportEvents): Promise<MediaTransport> {
    const info = (await context.request('media.createTransport', { direction })) as types.TransportOptions;
    const options: types.TransportOptions = { ...info, iceServers: settings.iceServers, iceTransportPolicy: settings.iceTransportPolicy };
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    return new MediaTransport(direction, transport, context, settings, events);
  }

  get id(): string {
    return this.transport.id;
  }

  /**
   * Asks the server for new ICE parameters and restarts ICE with them. One restart at a time:
   * a request during one runs once more after it (the network may have changed again meanwhile).
   */
  restartIce(reason: string): Promise<void> {
    if (this.transport.closed) return Promise.resolve();
    if (this.#restarting) {
      this.#again = reason;
      return this.#restarting;
    }
    this.#restarting = this.#restart(reason).finally(() => {
      this.#restarting = undefined;
      const again = this.#again;
      this.#again = undefined;
      if (again !== undefined) void this.restartIce(again);
    });
    return this.#restarting;
  }

  /** Closes the local side only: the server closes its side when the session leaves, or already did. */
  close(): void {
    clearTimeout(this.#graceTimer);
    if (!this.transport.closed) this.transport.close();
  }

  async #restart(reason: string): Promise<void> {
    try {
      const { iceParameters } = (await this.#context.request('media.restartIce', { transportId: this.transport.id })) as { iceParameters: types.IceParameters };
      if (this.transport.closed) return;
      await this.transport.restartIce({ iceParameters });
      this.#events.iceRestart(this.direction, reason);
    } catch (error) {
      // The socket is down (the resume will restart ICE again) or the transport is gone server-side.
      if (!this.transport.closed) this.#events.error(error);
    }
  }

  #stateChanged(state: types.ConnectionState): void {
    this.#events.connectionState(this.direction, state);
    clearTimeout(this.#graceTimer);
    if (state === 'failed') void this.restartIce('failed');
    // A short disconnection (a lost packet burst) heals by itself; a long one is a path that died.
    else if (state === 'disconnected') this.#graceTimer = setTimeout(() => void this.restartIce('disconnected'), this.#graceMs);
  }
}
