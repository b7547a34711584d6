import { z } from 'zod';
import type { ErrorCode } from './errors';
import { uuid } from './rest/common';
import { freeText, validatedLater } from './text';

/** Client -> server request frame. `id` echoes back on the reply. */
export const RequestFrame = z.object({
  id: z.union([z.string().max(64), z.number().int()]),
  method: z.string().min(1).max(64),
  data: validatedLater(z.unknown()).optional(),
});
export type RequestFrame = z.infer<typeof RequestFrame>;

export type ReplyFrame =
  | { id: string | number | null; ok: true; data: unknown }
  | { id: string | number | null; ok: false; error: { code: ErrorCode; message: string; fields?: { field: string; message: string }[] } };

/** Server push. `seq` orders the pushes of a session's stream (see session.resume). */
export interface PushFrame<M extends PushMethod = PushMethod> {
  method: M;
  data: unknown;
  seq?: number;
}

const base64 = z.string().max(1_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const rtpObject = z.record(z.string(), z.unknown());

/**
 * Which room a room method is for. Optional: without it the call goes to the session's only
 * room; a session in several rooms (a facilitator watching breakout rooms) names one.
 */
const inRoom = { dojoId: uuid.optional() };

/** Every request method with the schema of its `data`. Handled by the gateway or the dojo room. */
export const WS_METHODS = {
  ping: z.object({}).passthrough().optional(),
  // lastSeq covers a session in one room; a session in several sends each room's in lastSeqs.
  'session.resume': z.object({
    sessionId: z.string().min(1).max(64),
    lastSeq: z.number().int().min(0),
    lastSeqs: z.record(uuid, z.number().int().min(0)).optional(),
  }),
  // A fresh access token of the same login session, sent before the socket's one expires
  // (otherwise the socket closes with CloseCode.TOKEN_EXPIRED). Its claims replace the socket's.
  'session.refresh': z.object({ token: z.string().min(1).max(4096) }),
  'room.join': z.object({ dojoId: uuid }),
  'room.leave': z.object(inRoom).passthrough().optional(),
  'room.kick': z.object({ ...inRoom, userId: uuid }),
  'room.mute': z.object({ ...inRoom, userId: uuid }),
  'chat.send': z.object({ ...inRoom, text: freeText(z.string().min(1).max(2000)), clientMsgId: z.string().min(1).max(64) }),
  'chat.delete': z.object({ ...inRoom, messageId: uuid }),
  'code.update': z.object({ ...inRoom, update: base64 }),
  'awareness.update': z.object({ ...inRoom, state: base64 }),
  'media.createTransport': z.object({ ...inRoom, direction: z.enum(['send', 'recv']) }),
  'media.connectTransport': z.object({ ...inRoom, transportId: z.string().min(1), dtlsParameters: rtpObject }),
  'media.produce': z.object({ ...inRoom, transportId: z.string().min(1), kind: z.enum(['audio', 'video']), rtpParameters: rtpObject, appData: rtpObject.optional() }),
  'media.consume': z.object({ ...inRoom, transportId: z.string().min(1), producerId: z.string().min(1), rtpCapabilities: rtpObject }),
  'media.resumeConsumer': z.object({ ...inRoom, consumerId: z.string().min(1) }),
  'media.pauseProducer': z.object({ ...inRoom, producerId: z.string().min(1) }),
  'media.resumeProducer': z.object({ ...inRoom, producerId: z.string().min(1) }),
  'media.closeProducer': z.object({ ...inRoom, producerId: z.string().min(1) }),
  'media.setPreferredLayers': z.object({ ...inRoom, consumerId: z.string().min(1), spatialLayer: z.number().int().min(0).max(3), temporalLayer: z.number().int().min(0).max(3).optional() }),
  'recording.start': z.object(inRoom).passthrough().optional(),
  'recording.stop': z.object(inRoom).passthrough().optional(),
} as const;
export type WsMethod = keyof typeof WS_METHODS;
export type WsData<M extends WsMethod> = z.infer<(typeof WS_METHODS)[M]>;

export const PUSH_METHODS = [
  'session.welcome',
  'participant.joined',
  'participant.left',
  'chat.message',
  'chat.deleted',
  'code.update',
  'awareness.update',
  'media.newProducer',
  'media.producerClosed',
  'media.consumerClosed',
  'media.activeSpeaker',
  'media.layersChanged',
  'recording.started',
  'recording.stopped',
  'room.closed',
  'room.kicked',
  'room.muted',
  // The room's mode changed (classroom), or it moved to another node (clients re-send their code state).
  'room.updated',
] as const;
export type PushMethod = (typeof PUSH_METHODS)[number];

export function isWsMethod(method: string): method is WsMethod {
  return Object.prototype.hasOwnProperty.call(WS_METHODS, method);
}

/** Methods the gateway answers itself; everything else goes to the actor that owns the prefix. */
export const GATEWAY_METHODS: readonly WsMethod[] = ['ping', 'session.resume', 'session.refresh'];
