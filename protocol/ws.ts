import { z } from 'zod';
import type { RoomRole } from './auth';
import { codeLanguage } from './codeExec';
import type { ErrorCode } from './errors';
import { mediaSource } from './media';
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
  { id: string | number | null; ok: true; data: unknown } | { id: string | number | null; ok: false; error: { code: ErrorCode; message: string; fields?: { field: string; message: string }[] } };

const base64 = z
  .string()
  .max(1_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const rtpObject = z.record(z.string(), z.unknown());

/**
 * Which room a room method is for. Optional: without it the call goes to the session's only
 * room; a session in several rooms (a facilitator watching breakout rooms) names one.
 */
const inRoom = { dojoId: uuid.optional() };

/** Who serves a method: the gateway itself, or the actor whose `<actor>.signal` action does. */
export type WsServer = 'gateway' | 'dojo-room' | 'kata';

/** Who may call a room method, by role in that room, and what everyone else is told. */
export interface RoleRule {
  allowed: readonly RoomRole[];
  refusal: string;
}

/**
 * One WebSocket method: the schema of its `data`, who serves it, and who may call it. The gateway
 * parses `data` with `data` once and routes by `server`; the serving room applies `roles` (the
 * caller's role is known only there) before its handler runs.
 */
export interface WsMethodSpec<S extends z.ZodType = z.ZodType, V extends WsServer = WsServer> {
  data: S;
  server: V;
  roles?: RoleRule;
}

const spec = <V extends WsServer, S extends z.ZodType>(server: V, data: S, roles?: RoleRule): WsMethodSpec<S, V> => ({ data, server, ...(roles ? { roles } : {}) });
const room = <S extends z.ZodType>(data: S, roles?: RoleRule) => spec('dojo-room', data, roles);

const FACILITATOR = (what: string): RoleRule => ({ allowed: ['facilitator'], refusal: `Only a facilitator may ${what}` });
const NOT_OBSERVER = (what: string): RoleRule => ({ allowed: ['facilitator', 'participant'], refusal: `Observers cannot ${what}` });

/**
 * Every request method, declared once: this table is the WebSocket contract (DESIGN §6), the
 * gateway's router and validator, and the room's role policy. Adding a method is adding a line
 * here and its handler in the serving actor (CONTRIBUTING.md, "Adding a WebSocket method").
 */
export const WS_METHODS = {
  ping: spec('gateway', z.object({}).passthrough().optional()),
  // lastSeq covers a session in one room; a session in several sends each room's in lastSeqs.
  'session.resume': spec(
    'gateway',
    z.object({
      sessionId: z.string().min(1).max(64),
      lastSeq: z.number().int().min(0),
      lastSeqs: z.record(uuid, z.number().int().min(0)).optional(),
    }),
  ),
  // A fresh access token of the same login session, sent before the socket's one expires
  // (otherwise the socket closes with CloseCode.TOKEN_EXPIRED). Its claims replace the socket's.
  'session.refresh': spec('gateway', z.object({ token: z.string().min(1).max(4096) })),
  'room.join': room(z.object({ dojoId: uuid })),
  'room.leave': room(z.object(inRoom).passthrough().optional()),
  'room.kick': room(z.object({ ...inRoom, userId: uuid }), FACILITATOR('remove participants')),
  'room.mute': room(z.object({ ...inRoom, userId: uuid }), FACILITATOR('mute participants')),
  'chat.send': room(z.object({ ...inRoom, text: freeText(z.string().min(1).max(2000)), clientMsgId: z.string().min(1).max(64) })),
  'chat.delete': room(z.object({ ...inRoom, messageId: uuid })),
  // `generation`: the document generation the update was made against (room.join's codeGeneration,
  // then each code.reset's); an older one is refused with CONFLICT naming data.generation. Absent: 0.
  'code.update': room(z.object({ ...inRoom, update: base64, generation: z.number().int().min(0).optional() }), NOT_OBSERVER('edit the code')),
  // Runs the room's current code (and the room's kata tests) in the sandbox: -> { executionId };
  // code.runStarted, code.output and code.result follow as pushes. Defaults to the dojo's language.
  'code.run': room(z.object({ ...inRoom, language: codeLanguage.optional() }), NOT_OBSERVER('run code')),
  'awareness.update': room(z.object({ ...inRoom, state: base64 })),
  'media.createTransport': room(z.object({ ...inRoom, direction: z.enum(['send', 'recv']) })),
  'media.connectTransport': room(z.object({ ...inRoom, transportId: z.string().min(1), dtlsParameters: rtpObject })),
  // appData is the client's own (kept on the producer); its `source` is announced to the others.
  'media.produce': room(
    z.object({ ...inRoom, transportId: z.string().min(1), kind: z.enum(['audio', 'video']), rtpParameters: rtpObject, appData: z.looseObject({ source: mediaSource.optional() }).optional() }),
    NOT_OBSERVER('send media'),
  ),
  'media.consume': room(z.object({ ...inRoom, transportId: z.string().min(1), producerId: z.string().min(1), rtpCapabilities: rtpObject })),
  // The descriptions (.describe) below are also the method's summary in /v1/asyncapi.json.
  'media.pauseConsumer': room(
    z.object({ ...inRoom, consumerId: z.string().min(1) }).describe('Pauses one of your consumers: nothing is forwarded to it (a hidden tile, an app in the background) until media.resumeConsumer.'),
  ),
  'media.resumeConsumer': room(z.object({ ...inRoom, consumerId: z.string().min(1) }).describe('Resumes one of your consumers (they start paused after media.consume).')),
  'media.restartIce': room(
    z
      .object({ ...inRoom, transportId: z.string().min(1) })
      .describe("New ICE parameters for one of your transports after the client's network changed (Wi-Fi to LTE); replies { iceParameters }. DTLS and media are kept."),
  ),
  'media.closeTransport': room(
    z.object({ ...inRoom, transportId: z.string().min(1) }).describe('Closes one of your transports, and the producers and consumers it carries (the others get media.producerClosed).'),
  ),
  'media.pauseProducer': room(z.object({ ...inRoom, producerId: z.string().min(1) })),
  'media.resumeProducer': room(z.object({ ...inRoom, producerId: z.string().min(1) })),
  'media.closeProducer': room(z.object({ ...inRoom, producerId: z.string().min(1) })),
  'media.setPreferredLayers': room(z.object({ ...inRoom, consumerId: z.string().min(1), spatialLayer: z.number().int().min(0).max(3), temporalLayer: z.number().int().min(0).max(3).optional() })),
  'recording.start': room(z.object(inRoom).passthrough().optional(), FACILITATOR('record')),
  'recording.stop': room(z.object(inRoom).passthrough().optional(), FACILITATOR('record')),
  // A kata's facilitator methods (also REST: /v1/katas/{id}/broadcast|extend|move). Served by the
  // kata actor, which knows the kata's facilitator (no room role rule: a kata is not a room of the session).
  'kata.broadcast': spec('kata', z.object({ kataId: uuid, text: freeText(z.string().trim().min(1).max(2000)) })),
  'kata.extend': spec('kata', z.object({ kataId: uuid, minutes: z.number().int().min(1).max(240) })),
  // roomId null: back to the main room.
  'kata.move': spec('kata', z.object({ kataId: uuid, userId: uuid, roomId: uuid.nullable() })),
} as const;
export type WsMethod = keyof typeof WS_METHODS;
export type WsData<M extends WsMethod> = z.output<(typeof WS_METHODS)[M]['data']>;

/** The methods a given server handles (e.g. `WsMethodOf<'dojo-room'>`). */
export type WsMethodOf<S extends WsServer> = { [M in WsMethod]: (typeof WS_METHODS)[M]['server'] extends S ? M : never }[WsMethod];

/** The media methods: a room passes them to its media session (media/). */
export type MediaMethod = Extract<WsMethod, `media.${string}`>;

/** Whether `role` may call `method` (true for methods without a role rule). */
export function allowedRole(method: WsMethod, role: RoomRole): { ok: true } | { ok: false; refusal: string } {
  const rule: RoleRule | undefined = (WS_METHODS[method] as WsMethodSpec).roles;
  return !rule || rule.allowed.includes(role) ? { ok: true } : { ok: false, refusal: rule.refusal };
}

// The pushes (server -> client, no reply) are declared in push.ts, each with its data schema.
export { PUSH_METHODS, type PushMethod } from './push';

export function isWsMethod(method: string): method is WsMethod {
  return Object.prototype.hasOwnProperty.call(WS_METHODS, method);
}
