import type { PushData, PushMethod } from '../protocol/push';
import type { MediaMethod, WsData } from '../protocol/ws';
import { MediaUnavailableError } from './errors';
import type { ActiveSpeaker, MediaMember } from './types';

export type { ActiveSpeaker, MediaMember };

/** The room a media session serves; rooms are addressed inside their tenant. */
export interface MediaRoomKey {
  tenantId: string;
  dojoId: string;
}

/** A finished recording, as the media session reports it. */
export interface RecordingOutcome {
  recordingId: string;
  objectKey: string | null;
  mimeType: string | null;
  sizeBytes: number;
  durationMs: number;
  endedAt: Date;
  error?: string;
}

/** What the room lends its media session. */
export interface MediaHooks {
  /** A push to everyone in the room, or only to the session `toSessionId` (a subscriber's own news). */
  push<M extends PushMethod>(method: M, data: PushData<M>, toSessionId?: string): void;
  /** A recording began: its `recordings` row is written (fenced by the room's epoch). */
  recordingStarted(recordingId: string, startedAt: Date): Promise<void>;
  /** A recording stopped and its file is being joined and uploaded: its row says UPLOADING. */
  recordingStopped(recordingId: string): Promise<void>;
  /** A recording's file is uploaded, or it failed: its row says so. */
  recordingFinished(outcome: RecordingOutcome): Promise<void>;
}

/**
 * The seam between a room and its media, offered by media/ and used by room actors (which
 * import it from here; media never imports an actor): one media session (a mediasoup Router on the room's node)
 * per active room. The data of `handle` was parsed by the gateway against protocol/ws.ts and the
 * room applied the method's role rule (observers cannot produce): media trusts both.
 */
export interface MediaSession {
  /** Resolves once the session can answer (the room waits for it when it activates). */
  ready?(): Promise<void>;
  /** One request of a member's session: the media it creates belongs to that session. */
  handle<M extends MediaMethod>(method: M, member: MediaMember, data: WsData<M>): Promise<unknown>;
  /** Starts recording the room; idempotent (a running recording's id is returned). */
  startRecording(): Promise<{ recordingId: string }>;
  /** Stops the running recording (its file is finished in the background); idempotent. */
  stopRecording(): Promise<{ recordingId: string | null }>;
  /** What room.join returns; null when this node has no media. */
  routerRtpCapabilities(): unknown;
  producers(): Array<{ producerId: string; userId: string; kind: string }>;
  /** The running recording (room.join tells a joiner it is being recorded); null when none. */
  recordingId(): string | null;
  /** The current dominant speaker (room.join tells a late joiner); null when none. */
  activeSpeaker(): ActiveSpeaker | null;
  /** The facilitator muted this user: pause the audio of all their sessions. */
  mute(userId: string): Promise<void>;
  /** The user is away in a kata's breakout room: pause what they send and receive here (resume on return). */
  away(userId: string, away: boolean): Promise<void>;
  /**
   * The session left the room (by itself, kicked, ended, or past the departure timeout): close
   * its transports; the others are told its producers closed. A resumed session is not removed.
   */
  removeSession(sessionId: string): Promise<void>;
  /**
   * Safe to call twice. A running recording is stopped (recordingStopped) before it resolves;
   * its file may still be joined and uploaded afterwards (recordingFinished says when).
   */
  close(): Promise<void>;
}

export type MediaSessionFactory = (key: MediaRoomKey, hooks: MediaHooks) => MediaSession;

/** A node without media (SERVICES lacks `media`): every media method is refused with a clear answer. */
export class UnavailableMedia implements MediaSession {
  async handle(): Promise<unknown> {
    throw new MediaUnavailableError('Media is not available on this node');
  }

  async startRecording(): Promise<{ recordingId: string }> {
    throw new MediaUnavailableError('Media is not available on this node');
  }

  async stopRecording(): Promise<{ recordingId: string | null }> {
    return { recordingId: null };
  }

  routerRtpCapabilities(): unknown {
    return null;
  }

  producers(): Array<{ producerId: string; userId: string; kind: string }> {
    return [];
  }

  recordingId(): string | null {
    return null;
  }

  activeSpeaker(): ActiveSpeaker | null {
    return null;
  }

  async mute(): Promise<void> {}

  async away(): Promise<void> {}

  async removeSession(): Promise<void> {}

  async close(): Promise<void> {}
}

export const noMedia: MediaSessionFactory = () => new UnavailableMedia();
