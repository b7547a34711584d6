import { PocdojoClient, type Room } from '../../../../clients/sdk/src/index';
import { MediasoupClient, type RemoteTrack } from '../../../../clients/sdk/src/mediaClient';

// A web app written on the SDK (clients/sdk with its media module), bundled for the page as a
// customer's bundler would: the test drives it through `window.sdk` and reads what it shows.
// Unlike page.ts it writes no signaling: joining, transports, publishing and receiving are the SDK's.

interface Tile {
  remote: RemoteTrack;
  element: HTMLMediaElement;
}

let client: PocdojoClient | undefined;
let room: Room | undefined;
let media: MediasoupClient | undefined;
const tiles = new Map<string, Tile>();
const errors: string[] = [];
let joinStartedAt = 0;
let firstFrameAt: number | undefined;

function attach(remote: RemoteTrack): void {
  const element = document.createElement(remote.kind === 'video' ? 'video' : 'audio');
  element.autoplay = true;
  element.muted = true;
  element.srcObject = new MediaStream([remote.track as unknown as MediaStreamTrack]);
  document.body.append(element);
  tiles.get(remote.producerId)?.element.remove();
  tiles.set(remote.producerId, { remote, element });
  if (element instanceof HTMLVideoElement) element.requestVideoFrameCallback(() => (firstFrameAt ??= performance.now()));
}

const sdk = {
  /** Joins as the user whose tokens are given, with media; resolves when the room is joined. */
  async join(baseUrl: string, credentials: { userId: string; accessToken: string; refreshToken: string }, dojoId: string): Promise<void> {
    joinStartedAt = performance.now();
    firstFrameAt = undefined;
    client = new PocdojoClient({ baseUrl, credentials: { ...credentials, expiresAt: Date.now() + 10 * 60_000 } });
    media = new MediasoupClient();
    media.on('remote', attach);
    media.on('remoteClosed', (remote) => {
      tiles.get(remote.producerId)?.element.remove();
      tiles.delete(remote.producerId);
    });
    media.on('error', (error) => errors.push(String(error)));
    room = await client.join(dojoId, { media });
  },

  /** Camera (simulcast) and microphone from Chromium's fake devices, captured by the SDK. */
  async publish(): Promise<{ video: string; audio: string }> {
    const video = await media!.publishCamera();
    const audio = await media!.publishMicrophone();
    return { video: video!, audio: audio! };
  },

  /** The remote tiles: who, what, and whether paused. */
  tiles(): Array<{ producerId: string; userId: string; kind: string; paused: boolean }> {
    return media!.remotes.map(({ producerId, userId, kind, paused }) => ({ producerId, userId, kind, paused }));
  },

  /** What a remote tile shows: picture size and its consumer's inbound-rtp counters. */
  async received(producerId: string): Promise<{ videoWidth: number; videoHeight: number; bytesReceived: number; framesDecoded: number }> {
    const tile = tiles.get(producerId);
    if (!tile) throw new Error(`no tile for ${producerId}`);
    let bytesReceived = 0;
    let framesDecoded = 0;
    ((await media!.stats(producerId)) as RTCStatsReport | undefined)?.forEach((report: { type: string; bytesReceived?: number; framesDecoded?: number }) => {
      if (report.type !== 'inbound-rtp') return;
      bytesReceived += report.bytesReceived ?? 0;
      framesDecoded += report.framesDecoded ?? 0;
    });
    const video = tile.element instanceof HTMLVideoElement ? tile.element : undefined;
    return { videoWidth: video?.videoWidth ?? 0, videoHeight: video?.videoHeight ?? 0, bytesReceived, framesDecoded };
  },

  /** Hides or shows a tile (the SDK pauses or resumes its consumer). */
  setVisible(producerId: string, visible: boolean): Promise<void> {
    return media!.setVisible(producerId, visible);
  },

  /** Milliseconds from the start of join to the first remote video frame shown, or null. */
  firstFrameMs(): number | null {
    return firstFrameAt === undefined ? null : Math.round(firstFrameAt - joinStartedAt);
  },

  /** Facilitators: recording on or off. */
  async recording(on: boolean): Promise<void> {
    await room!.setRecording(on);
  },

  errors(): string[] {
    return errors;
  },

  async leave(): Promise<void> {
    await room?.leave();
    client?.close();
    for (const tile of tiles.values()) tile.element.remove();
    tiles.clear();
  },
};

export type SdkPage = typeof sdk;
(window as unknown as { sdk: SdkPage }).sdk = sdk;
