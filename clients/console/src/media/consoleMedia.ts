import type { JoinReply, MediaClient, MediaPush, PushFrame, RoomMediaContext } from '../../../sdk/src';
import { Emitter } from '../../../sdk/src';
import { MediasoupClient, SEND_SETTINGS, type RemoteTrack } from '../../../sdk/src/mediaClient';

/** A video or audio tile: someone's track (or this user's own camera, `local`). */
export interface Tile {
  key: string;
  userId: string;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  local: boolean;
  /** The remote producer it shows (for setVisible and stats); none on the local tile. */
  producerId?: string;
}

export type MediaEvents = { changed: [] };

/**
 * The console's view of the SDK's media client (`MediasoupClient`, which does the transports,
 * producers, consumers, rejoins and ICE restarts): it turns its events into the tiles the UI
 * draws, and publishes camera and microphone once after the first join (not for observers; the
 * SDK sends them again after a rejoin). The UI reads `tiles`, `activeSpeaker`, `micOn`/`camOn`
 * and `error`, and listens to `changed`.
 */
export class ConsoleMedia extends Emitter<MediaEvents> implements MediaClient {
  tiles: Tile[] = [];
  activeSpeaker: string | undefined;
  micOn = true;
  camOn = true;
  error: unknown;
  readonly #client = new MediasoupClient();
  #stream: MediaStream | undefined;

  constructor() {
    super();
    this.#client.on('remote', (r) => this.#set([...this.tiles, remoteTile(r)]));
    this.#client.on('remoteClosed', (r) => this.#set(this.tiles.filter((t) => t.key !== r.consumerId)));
    this.#client.on('activeSpeaker', ({ userId }) => {
      this.activeSpeaker = userId;
      this.emit('changed');
    });
    this.#client.on('error', (error) => {
      this.error = error;
      this.emit('changed');
    });
  }

  async joined(context: RoomMediaContext, reply: JoinReply): Promise<void> {
    this.activeSpeaker = reply.activeSpeaker?.userId;
    this.error = undefined;
    // The SDK consumes the others first: their pictures matter more than ours reaching them a moment sooner.
    await this.#client.joined(context, reply);
    if (reply.role !== 'observer' && !this.#stream) await this.#publish(context.userId);
    this.emit('changed');
  }

  push(frame: PushFrame<MediaPush>): void {
    this.#client.push(frame);
  }

  restart(routerRtpCapabilities: Record<string, unknown>): Promise<void> {
    return this.#client.restart(routerRtpCapabilities);
  }

  /** A facilitator muted this user: the SDK pauses the microphone, and the switch offers to unmute. */
  muted(): void {
    this.#client.muted();
    this.micOn = false;
    this.emit('changed');
  }

  resumed(): void {
    this.#client.resumed();
  }

  close(): void {
    this.#client.close();
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = undefined;
    this.#set([]);
  }

  async setMic(on: boolean): Promise<void> {
    await this.#client.setPaused('microphone', !on);
    this.micOn = on;
    this.emit('changed');
  }

  async setCam(on: boolean): Promise<void> {
    await this.#client.setPaused('camera', !on);
    this.camOn = on;
    this.emit('changed');
  }

  /** A remote tile scrolled out of view (or back): a hidden one receives nothing. */
  setVisible(tile: Tile, visible: boolean): void {
    if (tile.producerId) this.#client.setVisible(tile.producerId, visible).catch(() => undefined);
  }

  /** What each remote video consumer decoded (getStats), for the browser test and a debugging eye. */
  async stats(): Promise<Array<{ userId: string; framesDecoded: number }>> {
    const out: Array<{ userId: string; framesDecoded: number }> = [];
    for (const tile of this.tiles) {
      if (tile.local || tile.kind !== 'video' || !tile.producerId) continue;
      const report = (await this.#client.stats(tile.producerId)) as RTCStatsReport | undefined;
      let framesDecoded = 0;
      report?.forEach((r: { type: string; framesDecoded?: number }) => {
        if (r.type === 'inbound-rtp') framesDecoded += r.framesDecoded ?? 0;
      });
      out.push({ userId: tile.userId, framesDecoded });
    }
    return out;
  }

  /** Captures camera and microphone in one prompt and hands the SDK the tracks (so this adapter owns and stops them). */
  async #publish(userId: string): Promise<void> {
    try {
      this.#stream = await navigator.mediaDevices.getUserMedia({ ...SEND_SETTINGS.camera.constraints, ...SEND_SETTINGS.microphone.constraints });
      const [video] = this.#stream.getVideoTracks();
      const [audio] = this.#stream.getAudioTracks();
      if (video) {
        await this.#client.publishCamera(video);
        if (!this.camOn) await this.#client.setPaused('camera', true);
        this.#set([...this.tiles, { key: 'local-video', userId, kind: 'video', track: video, local: true }]);
      }
      if (audio) {
        await this.#client.publishMicrophone(audio);
        if (!this.micOn) await this.#client.setPaused('microphone', true);
      }
    } catch (error) {
      this.error = error;
    }
  }

  #set(tiles: Tile[]): void {
    this.tiles = tiles;
    this.emit('changed');
  }
}

function remoteTile(r: RemoteTrack): Tile {
  return { key: r.consumerId, userId: r.userId, kind: r.kind, track: r.track as unknown as MediaStreamTrack, local: false, producerId: r.producerId };
}
