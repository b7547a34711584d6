import type { SignalParams, SignalResult } from '../../protocol/signal';
import type { TurnResult } from '../../infra/rooms';
import { allowedRole, WS_METHODS, type MediaMethod, type WsData, type WsMethodOf } from '../../protocol/ws';
import type { AuthContext } from '../auth';
import type { Accepted } from './Chat';
import { fromBase64, toBase64 } from './CodeDocument';
import { BadRequestError, ForbiddenError, NotFoundError } from './errors';
import { byNode, type MemberSession } from './Members';
import type { Room } from './Room';
import { runRoomCode } from './RoomRuns';
import type { ChatRecord, RoomRole } from './types';

type Turn = TurnResult<SignalResult>;

/** Who is calling, resolved against the room. */
interface Caller {
  auth: AuthContext;
  params: SignalParams;
  session: MemberSession;
  role: RoomRole;
}

type RoomMethod = WsMethodOf<'dojo-room'>;
type Handler<M extends RoomMethod> = (room: Room, caller: Caller, data: WsData<M>) => Turn | Promise<Turn>;

const reply = (data: unknown = {}): Turn => ({ value: { data } });

function chatView(r: ChatRecord) {
  return { messageId: r.messageId, clientMsgId: r.clientMsgId, userId: r.userId, text: r.text, createdAt: r.createdAt };
}

/** A fresh message goes to everyone; a retried one only back to its sender, as first answered. */
function chatSent(room: Room, accepted: Accepted): Turn {
  if (accepted.fresh) {
    room.deps.metrics.message('chat');
    room.fanout.push('chat.message', chatView(accepted.record), room.members.gatewayNodes());
  }
  const { messageId, createdAt } = accepted.record;
  return { value: { data: { messageId, createdAt, duplicate: !accepted.fresh } }, durable: accepted.durable };
}

/** The room's answer to room.join: everything a client needs to render the room. */
function joinReply(room: Room, caller: Caller): SignalResult {
  const awareness = room.code.doc.awarenessState();
  return {
    data: {
      role: caller.role,
      canEdit: room.canEdit(caller.auth.userId, caller.role),
      classroom: room.dojo.classroom,
      // A kata's breakout room: the dojo it belongs to, and whether its time is up.
      parentDojoId: room.dojo.parentDojoId,
      readOnly: room.dojo.readOnly,
      participants: room.members.participants().map(({ userId, role, muted }) => ({ userId, role, muted, canEdit: room.canEdit(userId, role) })),
      chat: room.chat.recent().map(chatView),
      code: toBase64(room.code.doc.state()),
      // What code.update names as its `generation` (0 until the document is first compacted).
      codeGeneration: room.code.generation,
      awareness: awareness ? toBase64(awareness) : null,
      // The client's lastSeq for session.resume until it sees a push.
      seq: room.fanout.seq,
      routerRtpCapabilities: room.media.routerRtpCapabilities(),
      producers: room.media.producers(),
      recording: room.media.recordingId(),
      activeSpeaker: room.media.activeSpeaker(),
    },
    join: { dojoId: room.key.dojoId, topic: room.topic, seq: room.fanout.seq },
  };
}

/** A media method goes to the room's media session as it is (media/ answers it); what it creates is the caller's session's. */
const toMedia =
  <M extends MediaMethod>(method: M): Handler<M> =>
  async (room, caller, data) =>
    reply(await room.media.handle(method, { sessionId: caller.session.sessionId, userId: caller.auth.userId, role: caller.role }, data));

const MEDIA_METHODS = (Object.keys(WS_METHODS) as Array<keyof typeof WS_METHODS>).filter((m): m is MediaMethod => m.startsWith('media.'));

/** The room's methods (their role rules are protocol/ws.ts's, applied before these run). */
const HANDLERS: { [M in RoomMethod]: Handler<M> } = {
  ...(Object.fromEntries(MEDIA_METHODS.map((m) => [m, toMedia(m)])) as { [M in MediaMethod]: Handler<M> }),

  'recording.start': async (room) => {
    const { value, durable } = await room.record(true);
    return { value: { data: value }, durable };
  },

  'recording.stop': async (room) => {
    const { value, durable } = await room.record(false);
    return { value: { data: value }, durable };
  },

  'room.join': (room, caller) => ({ value: joinReply(room, caller) }),

  'room.leave': (room, caller) => {
    room.onLeave(caller.session.sessionId, 'left');
    return { value: { data: {}, leave: true } };
  },

  'room.kick': async (room, caller, { userId }) => {
    const entry = room.roster.get(userId);
    if (!entry && !room.members.user(userId)) throw new NotFoundError('Participant');
    if (userId === room.dojo.facilitatorId || room.members.user(userId)?.role === 'facilitator') throw new ForbiddenError('A facilitator cannot be removed');
    await room.deps.store.kick(room.key, room.epoch, userId);
    if (entry) entry.kicked = true;
    const sessions = room.members.sessionsOf(userId);
    const told = room.fanout.toSessions('room.kicked', { dojoId: room.key.dojoId, userId, by: caller.auth.userId }, byNode(sessions), true);
    for (const s of sessions) room.onLeave(s.sessionId, 'kicked');
    return { value: { data: { kicked: userId } }, durable: told };
  },

  'room.mute': async (room, caller, { userId }) => {
    const target = room.members.user(userId);
    if (!target) throw new NotFoundError('Participant');
    target.muted = true;
    await room.media.mute(userId);
    room.fanout.push('room.muted', { userId, muted: true, by: caller.auth.userId }, room.members.gatewayNodes());
    return reply({ muted: userId });
  },

  'chat.send': (room, caller, { text, clientMsgId }) => {
    const accepted = room.chat.accept(caller.auth.userId, clientMsgId, text, {
      persist: (r) => room.deps.chatSink.write(r),
      find: (messageId) =>
        room.deps.store.findChat(room.key, messageId).catch((err: unknown) => {
          room.deps.logger.warn({ err, dojoId: room.key.dojoId, messageId }, 'stored chat unreadable: a retry may be taken as new');
          throw err;
        }),
    });
    return accepted instanceof Promise ? accepted.then((a) => chatSent(room, a)) : chatSent(room, accepted);
  },

  'chat.delete': async (room, caller, { messageId }) => {
    if (!room.chat.find(messageId)) {
      const old = await room.deps.store.findChat(room.key, messageId);
      if (!old) throw new NotFoundError('Message');
      room.chat.adopt(old);
    }
    const record = room.chat.remove(messageId, caller.auth.userId, caller.role === 'facilitator');
    room.fanout.push('chat.deleted', { messageId, by: caller.auth.userId }, room.members.gatewayNodes());
    return { value: { data: { messageId } }, durable: room.deps.chatSink.write({ ...record }) };
  },

  'code.update': (room, caller, { update, generation }) => {
    if (room.dojo.readOnly) throw new ForbiddenError("The kata's time is up: the code is read-only");
    if (!room.canEdit(caller.auth.userId, caller.role)) throw new ForbiddenError('Classroom mode: only chosen participants edit');
    const durable = room.code.apply(fromBase64(update), generation);
    room.deps.metrics.message('code');
    room.fanout.push('code.update', { update, userId: caller.auth.userId }, room.members.gatewayNodes());
    // After this update's push: a client has every update of the old generation before the reset.
    const reset = room.code.compactIfDue();
    if (reset) room.fanout.push('code.reset', { generation: reset.generation, code: toBase64(reset.state) }, room.members.gatewayNodes());
    return { value: { data: {} }, durable };
  },

  'code.run': async (room, caller, { language }) => reply({ executionId: (await runRoomCode(room, caller.auth.userId, language)).executionId }),

  'awareness.update': (room, caller, { state }) => {
    room.code.doc.applyAwareness(caller.session.sessionId, fromBase64(state));
    room.deps.metrics.message('awareness');
    room.fanout.ephemeral('awareness.update', { state, userId: caller.auth.userId }, room.members.gatewayNodes());
    return reply();
  },
};

/**
 * Handles one signaling call inside the room's turn. Its data was parsed once, by the gateway
 * (and again by the action only when it came from another node); the method's role rule from
 * protocol/ws.ts decides, here and nowhere else, whether the caller's role may call it.
 */
export async function handleSignal(room: Room, auth: AuthContext, params: SignalParams): Promise<Turn> {
  const { method } = params;
  const role = room.roleOf(auth);
  const session: MemberSession = { sessionId: params.sessionId, userId: auth.userId, role, gatewayNodeId: params.gatewayNodeId };
  if (method !== 'room.join' && !room.members.session(params.sessionId)) {
    // A session the room does not know (it moved to this node, or the member timed out while
    // the socket lived on): the gateway still has it in the room, so take it back in silently.
    if (params.dojoId !== room.key.dojoId) throw new BadRequestError('Join a room first');
    if (method === 'room.leave') return { value: { data: {}, leave: true } };
  }
  const allowed = allowedRole(method, role);
  if (!allowed.ok) throw new ForbiddenError(allowed.refusal);
  room.onJoin(session);
  const handler = HANDLERS[method] as Handler<RoomMethod>;
  return handler(room, { auth, params, session, role }, params.data as never);
}
