// The media module's own vocabulary, kept free of DOM types: the SDK typechecks without the DOM
// library (it runs in React Native and Node too), so a track is described by what the module
// uses of it. A browser's MediaStreamTrack and react-native-webrtc's both fit.

/** What the media module uses of a MediaStreamTrack. */
export interface MediaTrack {
  readonly id: string;
  readonly kind: string;
  readonly readyState: string;
  enabled: boolean;
  stop(): void;
}

/** What getUserMedia / getDisplayMedia resolve to, as far as the module reads it. */
export interface MediaStreamLike {
  getTracks(): MediaTrack[];
}

/** What the app publishes: each source is one producer at a time (the protocol's list). */
export type { MediaSource } from '../../../protocol/media';

/** getUserMedia's or getDisplayMedia's signature, injected where the runtime differs. */
export type Capture = (constraints: Record<string, unknown>) => Promise<MediaStreamLike>;

/** A remote producer this client receives: bind `track` to a tile (`new MediaStream([track])`). */
export interface RemoteTrack {
  readonly producerId: string;
  readonly consumerId: string;
  readonly userId: string;
  readonly kind: 'audio' | 'video';
  readonly track: MediaTrack;
  /** Whether nothing is forwarded to it now (its tile is hidden: see `setVisible`). */
  readonly paused: boolean;
}

export type MediaEvents = {
  /** A remote producer is being received (after a rejoin or a media restart, again with a new consumer). */
  remote: [RemoteTrack];
  /** A remote producer is no longer received (it closed, or this client left, rejoined or restarted). */
  remoteClosed: [RemoteTrack];
  /** The loudest speaker changed. */
  activeSpeaker: [{ userId: string; producerId: string }];
  /** The simulcast layers a video consumer receives changed (null: nothing is sent to it). */
  layers: [{ producerId: string; consumerId: string; spatialLayer: number | null; temporalLayer: number | null }];
  /** ICE was restarted on a transport (a network change, a resumed socket, a failed or lingering disconnected state). */
  iceRestart: [{ direction: 'send' | 'recv'; reason: string }];
  /** A transport's connection state (`new`, `connecting`, `connected`, `disconnected`, `failed`, `closed`). */
  connectionState: [{ direction: 'send' | 'recv'; state: string }];
  /** Something failed in the background (a consume, a re-publish, an ICE restart): media goes on without it. */
  error: [unknown];
};
