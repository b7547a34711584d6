import { z } from 'zod';
import type { RoomRole } from './auth';
import { codeOutput, codeRunStarted, executionResult } from './codeExec';
import { mediaSource } from './media';
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
  // A kata's breakout room: its time is up (read-only: code.update is refused) or was extended.
  z.object({ reason: z.literal('readOnly'), readOnly: z.boolean() }),
]);

/** A breakout room's outcome, as kata.ended reports it. */
const kataResult = z.object({
  roomId: uuid,
  name: z.string(),
  members: z.array(uuid),
  completed: z.boolean(),
  secondsToComplete: z.number().int().min(0).nullable(),
  testRuns: z.number().int().min(0),
  tests: z.object({ passed: z.number().int(), failed: z.number().int(), total: z.number().int() }).nullable(),
});

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
  // The code's document was compacted into a new generation (`code`: its whole state, base64): to
  // everyone. Load it as a fresh document and edit that, naming `generation` in code.update; edits
  // not yet acknowledged are made again on it (the old generation's are refused with CONFLICT).
  'code.reset': z.object({ generation: z.number().int().min(1), code: z.base64() }),
  // Cursors and selections (Yjs awareness, base64), also cleared when a session leaves: to everyone, no seq.
  'awareness.update': z.object({ state: z.base64(), userId: uuid }),
  // Someone started sending audio or video: to everyone (consume it with media.consume). `source`
  // when its client gave one in media.produce's appData (camera, microphone, screen).
  'media.newProducer': z.object({ producerId: mediaId, userId: uuid, kind: z.enum(['audio', 'video']), source: mediaSource.optional() }),
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
  // The dojo was stopped (a breakout room: its kata ended), the user was moved out of this
  // breakout room ('moved'), or removed from the dojo's members ('removed', DELETE
  // /v1/dojos/{id}/members/{userId}): to those sessions, no seq; they leave its topic.
  'room.closed': z.object({ dojoId: uuid, reason: z.enum(['stopped', 'moved', 'removed']) }),
  // A facilitator removed `userId` from the dojo: only to that user's sessions, no seq; they leave its topic.
  'room.kicked': z.object({ dojoId: uuid, userId: uuid, by: uuid }),
  // A facilitator muted `userId` (their audio is paused): to everyone.
  'room.muted': z.object({ userId: uuid, muted: z.literal(true), by: uuid }),
  // A member pressed run (code.run, or POST /v1/dojos/{id}/executions) and the sandbox started it: to everyone.
  'code.runStarted': codeRunStarted,
  // A bounded chunk (<= 8 KiB) of a running program's stdout or stderr, at most 64 KiB per stream and run: to everyone.
  'code.output': codeOutput,
  // The run ended (ExecutionResult; with the kata's test counts when the room has tests): to everyone.
  'code.result': executionResult,
  // The room changed (see roomUpdated): to everyone; 'reactivated' to each session taken over, no seq.
  'room.updated': roomUpdated,
  // Kata pushes travel on the dojo's main room (its seq, so session.resume replays them in order), to everyone in it.
  // A kata started in the dojo; `deadline` is the server's (ISO), clients count down to it themselves.
  'kata.started': z.object({
    kataId: uuid,
    dojoId: uuid,
    title: z.string(),
    statement: z.string(),
    language: z.string(),
    deadline: z.iso.datetime(),
    roomSize: z.number().int(),
    hasTests: z.boolean(),
  }),
  // Users assigned to a breakout room (join it with room.join {dojoId: roomId}); roomId null: back to the main room.
  'kata.roomAssigned': z.object({ kataId: uuid, roomId: uuid.nullable(), name: z.string().nullable(), userIds: z.array(uuid) }),
  // The timer changed: extended by the facilitator, or expired (the rooms are read-only; the kata ends at `endsAt` unless extended).
  'kata.timer': z.object({ kataId: uuid, deadline: z.iso.datetime(), extended: z.boolean().optional(), expired: z.boolean().optional(), endsAt: z.iso.datetime().optional() }),
  // The facilitator's message to every room.
  'kata.broadcast': z.object({ kataId: uuid, text: z.string().min(1).max(2000), from: uuid }),
  // A breakout room marked itself done.
  'kata.roomCompleted': z.object({ kataId: uuid, roomId: uuid, secondsToComplete: z.number().int().min(0) }),
  // The kata ended (by the facilitator, or its time ran out): every breakout room closed, everyone is back in the main room.
  'kata.ended': z.object({ kataId: uuid, reason: z.enum(['ended', 'timeout']), results: z.array(kataResult) }),
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
/** Pushes of the user channel (userTopic): to every authenticated socket of the user, not to a room. */
export const USER_CHANNEL_PUSHES: readonly PushMethod[] = ['notification.new'];
/** Every push method (the keys of PUSH_SCHEMAS). */
export const PUSH_METHODS = Object.keys(PUSH_SCHEMAS) as readonly PushMethod[];
/** Each push's data by method (what a room's fan-out sends). */
export type PushPayloads = { [M in PushMethod]: z.output<(typeof PUSH_SCHEMAS)[M]> };
/** The data of push `M` (an index into PushPayloads, so generic senders and the fan-out agree). */
export type PushData<M extends PushMethod> = PushPayloads[M];

/** A push frame as it travels; without `M`, the union of all (switch on `method` to narrow `data`). */
/** `room`: the room a room's push comes from (a session may be in several: a breakout room and its dojo). */
export type PushFrame<M extends PushMethod = PushMethod> = { [K in M]: { method: K; data: PushData<K>; seq?: number; room?: string } }[M];

export function isPushMethod(method: string): method is PushMethod {
  return Object.prototype.hasOwnProperty.call(PUSH_SCHEMAS, method);
}
