import type { WsMethod } from '../../protocol/ws';
import { ServiceUnavailableError } from './errors';
import type { RoomKey } from './types';

/** The media and recording methods a room forwards to its media session. */
export type MediaMethod = Extract<WsMethod, `media.${string}` | `recording.${string}`>;

export function isMediaMethod(method: WsMethod): method is MediaMethod {
  return method.startsWith('media.') || method.startsWith('recording.');
}

/**
 * The seam the media issue fills: one media session (a mediasoup Router on the room's node)
 * per active room. The room has already checked the caller's role (observers cannot produce,
 * only facilitators record) before calling `handle`.
 */
export interface MediaSession {
  handle(method: MediaMethod, userId: string, data: unknown): Promise<unknown>;
  /** What room.join returns; null when this node has no media. */
  routerRtpCapabilities(): unknown;
  producers(): Array<{ producerId: string; userId: string; kind: string }>;
  /** The facilitator muted this user: pause their audio. */
  mute(userId: string): Promise<void>;
  /** The user left the room: close their transports. */
  removeUser(userId: string): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;
}

export type MediaSessionFactory = (key: RoomKey) => MediaSession;

/** Until the media issue lands: every media method is refused with a clear answer. */
export class UnavailableMedia implements MediaSession {
  async handle(): Promise<unknown> {
    throw new ServiceUnavailableError('Media is not available on this node');
  }

  routerRtpCapabilities(): unknown {
    return null;
  }

  producers(): Array<{ producerId: string; userId: string; kind: string }> {
    return [];
  }

  async mute(): Promise<void> {}

  async removeUser(): Promise<void> {}

  async close(): Promise<void> {}
}

export const noMedia: MediaSessionFactory = () => new UnavailableMedia();
