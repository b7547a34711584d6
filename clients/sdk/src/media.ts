import type { PushFrame, PushMethod } from '../../../protocol/push';
import type { MediaMethod } from '../../../protocol/ws';
import type { JoinReply, WsRequestData } from './wire';

/** The pushes a media client handles: every `media.*` push (and room.updated's `media` reason, see MediaClient.restart). */
export type MediaPush = Extract<PushMethod, `media.${string}`>;

/** What a Room gives its media client: media requests, already addressed to the room. */
export interface RoomMediaContext {
  readonly dojoId: string;
  readonly userId: string;
  request<M extends MediaMethod>(method: M, data: Omit<WsRequestData<M>, 'dojoId'>): Promise<unknown>;
}

/**
 * The seam where media plugs into a Room (mediasoup-client in browsers, react-native-webrtc on
 * phones): the core SDK carries no WebRTC. A Room with a media client calls it after each
 * (re)join, hands it every media push, and closes it on leave. The mediasoup-client
 * implementation is `MediasoupClient` (mediaClient.ts, imported from `@pocdojo/sdk/media`), kept
 * out of the core entry so an app without media carries no WebRTC code.
 */
export interface MediaClient {
  /** The room was (re)joined: load the device from `routerRtpCapabilities`, create transports, consume `producers`. */
  joined(context: RoomMediaContext, reply: JoinReply): Promise<void>;
  /** A `media.*` push. */
  push(frame: PushFrame<MediaPush>): void;
  /** The server's media worker restarted (room.updated `media`): create transports again, re-produce, re-consume. */
  restart(routerRtpCapabilities: Record<string, unknown>): Promise<void>;
  /** A facilitator muted this user (room.muted): the server paused its audio; the client follows, so unmuting is the user's `resume`. */
  muted?(): void;
  /** The socket came back and the session was resumed (its media kept): often a network change, so a good time to restart ICE. */
  resumed?(): void;
  /** The room was left, closed, or this user was removed. */
  close(): void;
}
