import type { z } from 'zod';
import type { RoomRole } from '../../../protocol/auth';
import type { PushData } from '../../../protocol/push';
import type { WS_METHODS, WsMethod } from '../../../protocol/ws';

// The WebSocket contract as the SDK sees it: request data from protocol/ws.ts's WS_METHODS (as
// the caller writes it), pushes from protocol/push.ts's PUSH_SCHEMAS. Types only: a method or a
// push added to those tables is typed here without a change.

/** What `method` sends as `data`. */
export type WsRequestData<M extends WsMethod> = z.input<(typeof WS_METHODS)[M]['data']>;

/** A participant as the room reports it (room.join, participant.joined). */
export type Participant = PushData<'participant.joined'>;
/** A chat message as the room reports it (room.join, chat.message). */
export type ChatMessage = PushData<'chat.message'>;

/** The answer to room.join: everything a client needs to render the room. */
export interface JoinReply {
  role: RoomRole;
  canEdit: boolean;
  classroom: boolean;
  /** A kata's breakout room: the dojo it belongs to (null for a dojo's main room). */
  parentDojoId?: string | null;
  /** A breakout room whose time is up: nobody may edit the code (code.update is refused). */
  readOnly?: boolean;
  participants: Participant[];
  chat: ChatMessage[];
  /** The shared code: a Yjs update (base64) holding the whole document. */
  code: string;
  /** The code document's generation (code.update names it; code.reset moves it on). */
  codeGeneration: number;
  /** Everyone's cursors: a Yjs awareness update (base64), or null. */
  awareness: string | null;
  /** The room's last push seq: where session.resume starts. */
  seq: number;
  routerRtpCapabilities: unknown;
  producers: Array<{ producerId: string; userId: string; kind: string }>;
  recording: string | null;
  activeSpeaker: { userId: string; producerId: string } | null;
}

/**
 * Replies whose shape the SDK relies on. The contract declares request data only (protocol/ws.ts);
 * these follow the gateway (session.*, ping) and the dojo room (actors/dojo-room/RoomSignals.ts).
 * Every other method's reply is `unknown` until the contract declares it.
 */
interface KnownReplies {
  ping: { pong: true; serverTime: number };
  'session.resume': { sessionId: string; replayed: number };
  'session.refresh': { expiresAt: number };
  'room.join': JoinReply;
  'chat.send': { messageId: string; createdAt: string; duplicate: boolean };
  'chat.delete': { messageId: string };
  'room.kick': { kicked: string };
  'room.mute': { muted: string };
}

export type WsReply<M extends WsMethod> = M extends keyof KnownReplies ? KnownReplies[M] : unknown;
