import { z } from 'zod';
import type { RoomRole } from './auth';
import { uuid } from './rest/common';

// What the server pushes on /v1/ws without being asked: frames `{ method, data, seq? }` with no
// `id`. The schemas describe `data` as the server sends it; the server does not parse its own
// pushes (types only: the fan-out is the hot path), the test client checks every push it gets.
// Objects are not strict, so a client built on these schemas keeps working when a push gains a field.

const roomRole = z.enum(['facilitator', 'participant', 'observer'] satisfies RoomRole[]);
/** mediasoup ids (producers, consumers): opaque strings, as in the requests of protocol/ws.ts. */
const mediaId = z.string().min(1);
/** An RTP object passed through from mediasoup, as in the requests of protocol/ws.ts. */
const rtpObject = z.record(z.string(), z.unknown());

/** room.updated: why the room changed, and what the client does about it. */
const roomUpdated = z.discriminatedUnion('reason', [
  // The room moved to another node (failover, restart): re-send the code state; seq is the new room's.
  z.object({ reason: z.literal('reactivated'), seq: z.number().int().min(0) }),
  // Classroom mode was switched: only `editors` (and facilitators) may edit while it is on.
  z.object({ reason: z.literal('classroom'), classroom: z.boolean(), editors: z.array(uuid) }),
  // The media worker under the room died: create transports again, re-produce, re-consume.
  z.object({ reason: z.literal('media'), routerRtpCapabilities: rtpObject }),
]);

/**
 * Every push, declared once: the schema of its `data`. "Everyone" is every session in the room;
 * pushes sent with `seq` are kept for session.resume, the others (noted) are not.
 */
export const PUSH_SCHEMAS = {
  // Sent by the gateway to each socket as it opens, no seq: the session to resume, and when to refresh the token (ms since epoch).
  'session.welcome': z.object({ sessionId: uuid, heartbeatMs: z.number().int().positive(), expiresAt: z.number().int() }),
  // A user's first session entered the room: to everyone.
  'participant.joined': z.object({ userId: uuid, role: roomRole, muted: z.boolean(), canEdit: z.boolean() }),
  // A user's last session left the room (by itself, timed out, logged out, kicked): to everyone.
  'participant.left': z.object({ userId: uuid, reason: z.enum(['left', 'timeout', 'ended', 'kicked']) }),
  // A new chat message (not a retried one): to everyone, its author included.
  'chat.message': z.object({
    messageId: uuid,
    clientMsgId: z.string().min(1).max(64),
    userId: uuid,
    text: z.string().min(1).max(2000),
    createdAt: z.iso.datetime(),
  }),
  // A message was deleted (chat.delete, or by its author over REST): to everyone.
  'chat.deleted': z.object({ messageId: uuid, by: uuid }),
  // A Yjs update of the shared code (base64), as its editor sent it: to everyone, the editor included.
  'code.update': z.object({ update: z.base64(), userId: uuid }),
  // Cursors and selections (Yjs awareness, base64), also cleared when a session leaves: to everyone, no seq.
  'awareness.update': z.object({ state: z.base64(), userId: uuid }),
  // Someone started sending audio or video: to everyone (consume it with media.consume).
  'media.newProducer': z.object({ producerId: mediaId, userId: uuid, kind: z.enum(['audio', 'video']) }),
  // A producer closed (its sender stopped, left, or the worker died): to everyone.
  'media.producerClosed': z.object({ producerId: mediaId, userId: uuid }),
  // A consumer closed because its producer did: only to the sessions of the user who consumed it, no seq.
  'media.consumerClosed': z.object({ consumerId: mediaId, producerId: mediaId }),
  // The loudest audio producer changed: to everyone.
  'media.activeSpeaker': z.object({ userId: uuid, producerId: mediaId }),
  // The layers a video consumer receives changed (null: nothing is sent): only to the consuming user's sessions, no seq.
  'media.layersChanged': z.object({ consumerId: mediaId, spatialLayer: z.number().int().min(0).nullable(), temporalLayer: z.number().int().min(0).nullable() }),
  // The room began recording: to everyone.
  'recording.started': z.object({ recordingId: uuid }),
  // The room stopped recording (its file is still being uploaded): to everyone.
  'recording.stopped': z.object({ recordingId: uuid }),
  // The dojo was stopped: to every session in the room, no seq; they leave its topic.
  'room.closed': z.object({ dojoId: uuid, reason: z.literal('stopped') }),
  // A facilitator removed `userId` from the dojo: only to that user's sessions, no seq; they leave its topic.
  'room.kicked': z.object({ dojoId: uuid, userId: uuid, by: uuid }),
  // A facilitator muted `userId` (their audio is paused): to everyone.
  'room.muted': z.object({ userId: uuid, muted: z.literal(true), by: uuid }),
  // The room changed (see roomUpdated): to everyone; 'reactivated' to each session taken over, no seq.
  'room.updated': roomUpdated,
  // A notification was stored for the user (the user channel, userTopic): to every socket of that user, in a room or not, no seq;
  // `unread` is the user's unread count after it. A client that was offline reads GET /v1/user/notification.
  'notification.new': z.object({
    notification: z.object({ id: uuid, type: z.string(), title: z.string(), body: z.string(), data: z.record(z.string(), z.unknown()), read: z.boolean(), created: z.iso.datetime() }),
    unread: z.number().int().min(0),
  }),
} as const;

/** The topic every authenticated socket of a user is subscribed to, whatever rooms it is in: the user channel. */
export function userTopic(tenantId: string, userId: string): string {
  return `user:${tenantId}:${userId}`;
}

/** The event the tenant actor broadcasts for the user channel; every gateway publishes it to its sockets of that user. */
export const USER_PUSH_EVENT = 'gateway.user.push';

export type PushMethod = keyof typeof PUSH_SCHEMAS;
/** Every push method (the keys of PUSH_SCHEMAS). */
export const PUSH_METHODS = Object.keys(PUSH_SCHEMAS) as readonly PushMethod[];
/** Each push's data by method (what a room's fan-out sends). */
export type PushPayloads = { [M in PushMethod]: z.output<(typeof PUSH_SCHEMAS)[M]> };
/** The data of push `M` (an index into PushPayloads, so generic senders and the fan-out agree). */
export type PushData<M extends PushMethod> = PushPayloads[M];

/** A push frame as it travels; without `M`, the union of all (switch on `method` to narrow `data`). */
export type PushFrame<M extends PushMethod = PushMethod> = { [K in M]: { method: K; data: PushData<K>; seq?: number } }[M];

export function isPushMethod(method: string): method is PushMethod {
  return Object.prototype.hasOwnProperty.call(PUSH_SCHEMAS, method);
}
