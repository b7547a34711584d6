import type { Context, ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../../infra/infrastructure';
import { RoomKit, type LocalParams } from '../../infra/rooms';
import type { SessionEvent, SignalParams, SignalResult } from '../../protocol/signal';
import { caller, type CallMeta } from '../auth';
import { DatabaseChatSink, QueueChatSink, type ChatSink } from './ChatSink';
import { DojoRepository } from './DojoRepository';
import { DojoChanges } from './DojoChanges';
import { DojoChangeSql, type DojoFields } from './DojoChangeSql';
import { Dojos, type CreateParams, type NotificationRequest } from './Dojos';
import { requirePlan } from '../plan';
import { BadRequestError, ForbiddenError } from './errors';
import type { CodeEventParams, CodeLanguage } from '../../protocol/codeExec';
import { Breakouts } from './Breakouts';
import { runKataCall } from './KataCalls';
import type { BreakoutParams } from './params';
import type { BreakoutRosterParams, KataPushParams, OpenBreakoutParams } from '../../protocol/kata';
import { noMedia, type MediaSessionFactory } from '../../media/MediaSession';
import { RoomMetrics } from './metrics';
import { roomOptions, type RoomOptions } from './options';
import { PARAMS } from './params';
import { Presence } from './Presence';
import { Room } from './Room';
import { runRoomCode } from './RoomRuns';
import { handleSignal } from './RoomSignals';
import { RoomStore } from './RoomStore';
import { admitToRoster, dismissFromRoom } from './RosterChanges';
import { DOJO_ROOMS, type DojoStatus, type RoomCall, type RoomKey } from './types';
import { announcesDataChanges } from '../dataChanged';

export interface DojoRoomSettings {
  options?: Partial<RoomOptions>;
  media?: MediaSessionFactory;
  /** 'queue' (default when the node has a durable queue) or straight to the database. */
  chat?: 'queue' | 'database';
}

/** Delivers a call to a room active on this node (`nodeId`), inside its mailbox. */
function runLocal(room: Room, call: RoomCall, nodeId: string): Promise<unknown> {
  switch (call.kind) {
    case 'signal':
      // The reply names this node as the room's owner: the gateway calls it directly next time.
      return room.run(() => handleSignal(room, call.auth, call.params)).then((result): SignalResult => ({ ...result, owner: nodeId }));
    case 'session':
      return room.run(() => {
        const { sessionId } = call.session;
        if (call.event === 'detached') room.onDetached(sessionId);
        else if (call.event === 'ended') room.onLeave(sessionId, 'ended');
        else room.onResumed(call.session);
        return { value: null };
      });
    case 'close':
      return room.close(call.reason);
    case 'classroom':
      return room.run(() => ({ value: room.setClassroom(call.enabled, call.editors) }));
    case 'members':
      return room.run(() => {
        admitToRoster(room, call.add);
        dismissFromRoom(room, call.remove, 'removed');
        return { value: null };
      });
    case 'chat-removed':
      return room.run(() => ({ value: room.onChatRemoved(call.messageIds, call.by) }));
    case 'recording':
      return room.run(() => room.record(call.on));
    case 'run-code':
      return room.run(async () => ({ value: await runRoomCode(room, call.userId, call.language) }));
    case 'code-event':
      // Pushes of a run go to whoever is in the room now; they are kept for session.resume.
      return room.run(() => {
        room.fanout.push(call.event.method, call.event.data as never, room.members.gatewayNodes());
        return { value: null };
      });
    case 'roster':
    case 'read-only':
    case 'finish':
    case 'present':
    case 'kata-push':
    case 'away':
      return room.run(() => runKataCall(room, call));
  }
}

/**
 * The dojo-room actor: REST actions for dojos, and the live rooms behind `dojo-room.signal`.
 * Thin: placement, rooms and persistence live in their own classes.
 */
export function createDojoRoomService(infra: Infrastructure, settings: DojoRoomSettings = {}): ServiceSchema {
  const options = roomOptions(settings.options);
  let rooms: RoomKit<RoomKey, Room, RoomCall> | undefined;
  let dojos: Dojos | undefined;
  let chatSink: ChatSink | undefined;
  let metrics: RoomMetrics | undefined;
  const ready = () => {
    if (!rooms || !dojos) throw new Error('dojo-room is not started');
    return { rooms, dojos };
  };
  const toRoom = (key: RoomKey, call: RoomCall, ifActive: boolean) => ready().rooms.send(key, call, ifActive);
  let changesOf: DojoChanges | undefined;
  const changes = () => {
    if (!changesOf) throw new Error('dojo-room is not started');
    return changesOf;
  };
  let breakoutsOf: Breakouts | undefined;
  const breakouts = () => {
    if (!breakoutsOf) throw new Error('dojo-room is not started');
    return breakoutsOf;
  };

  return {
    name: 'dojo-room',
    // Dojos held, their minutes and who joined count in the usage and overview dashboards.
    hooks: announcesDataChanges({ 'create|start|stop': true, signal: (c) => (c.params as { method?: string }).method === 'room.join' }),
    actions: {
      signal: {
        visibility: 'public',
        params: PARAMS.signal,
        async handler(ctx: Context<SignalParams, CallMeta>) {
          const auth = caller(ctx);
          const p = ctx.params;
          // The data is parsed (protocol/ws.ts): by this node's gateway, or by PARAMS.signal when
          // it came from another node's.
          const joining = p.method === 'room.join' ? p.data.dojoId : undefined;
          const dojoId = joining ?? p.dojoId;
          if (!dojoId) throw new BadRequestError('Join a room first');
          const result = (await toRoom({ tenantId: auth.tenantId, dojoId }, { kind: 'signal', auth, params: p }, false)) as SignalResult;
          if (!joining) return result;
          // A session is in one dojo at a time: joining another leaves the ones it is in (the
          // gateway names them in `rooms`; a gateway of the previous build sends its room as dojoId).
          // A kata's breakout room is the exception: its dojo stays joined (kata pushes come on
          // it, and everyone returns to it), and only another breakout room is left. Decided
          // once the join succeeded, so a refused join leaves nothing.
          const previous = new Set(p.rooms ?? []);
          if (p.dojoId) previous.add(p.dojoId);
          previous.delete(dojoId);
          const parent = (result.data as { parentDojoId?: string | null }).parentDojoId;
          if (parent) previous.delete(parent);
          for (const other of previous) {
            const leave: RoomCall = { kind: 'signal', auth, params: { ...p, method: 'room.leave', data: {}, dojoId: other } };
            await toRoom({ tenantId: auth.tenantId, dojoId: other }, leave, true).catch((err: unknown) => this.logger.warn({ err }, 'leaving the previous room failed'));
          }
          // The gateway unsubscribes the rooms left.
          if (result.join && previous.size > 0) result.join.left = [...previous];
          return result;
        },
      },
      local: {
        visibility: 'public',
        params: PARAMS.local,
        handler(ctx: Context<LocalParams<RoomKey, RoomCall>>) {
          return ready().rooms.local(ctx.params);
        },
      },
      create: {
        params: PARAMS.create,
        async handler(ctx: Context<CreateParams, CallMeta>) {
          const auth = caller(ctx);
          // Read-only for new dojos once the plan expired; checked where it is cheap to refuse.
          if (auth.tenantId === ctx.params.tenant_id) await requirePlan(ctx, auth.tenantId, 'new dojos');
          return ready().dojos.create(auth, ctx.params);
        },
      },
      update: {
        params: PARAMS.update,
        handler: (ctx: Context<{ id: string } & DojoFields, CallMeta>) => {
          const { id, ...fields } = ctx.params;
          return changes().update(caller(ctx), id, fields);
        },
      },
      addMembers: {
        params: PARAMS.addMembers,
        handler: (ctx: Context<{ id: string; members?: string[]; observers?: string[] }, CallMeta>) =>
          changes().addMembers(caller(ctx), ctx.params.id, ctx.params.members ?? [], ctx.params.observers ?? []),
      },
      removeMember: {
        params: PARAMS.member,
        handler: (ctx: Context<{ id: string; userId: string }, CallMeta>) => changes().removeMember(caller(ctx), ctx.params.id, ctx.params.userId),
      },
      readmit: {
        params: PARAMS.member,
        handler: (ctx: Context<{ id: string; userId: string }, CallMeta>) => changes().readmit(caller(ctx), ctx.params.id, ctx.params.userId),
      },
      joinByCode: {
        params: PARAMS.joinByCode,
        handler: (ctx: Context<{ code: string }, CallMeta>) => changes().joinByCode(caller(ctx), ctx.params.code),
      },
      start: {
        params: PARAMS.dojoRef,
        handler: (ctx: Context<{ tenant_id: string; dojo_id: string }, CallMeta>) => ready().dojos.start(caller(ctx), ctx.params.tenant_id, ctx.params.dojo_id),
      },
      stop: {
        params: PARAMS.dojoRef,
        async handler(ctx: Context<{ tenant_id: string; dojo_id: string }, CallMeta>) {
          const result = await ready().dojos.stop(caller(ctx), ctx.params.tenant_id, ctx.params.dojo_id);
          // A kata running in it ends with it (the kata actor listens; protocol/kata.ts).
          void this.broker.emit('dojo.stopped', { tenantId: ctx.params.tenant_id, dojoId: ctx.params.dojo_id });
          return result;
        },
      },
      list: {
        params: PARAMS.list,
        handler: (ctx: Context<{ status?: DojoStatus; limit: number; offset: number }, CallMeta>) => ready().dojos.list(caller(ctx), ctx.params),
      },
      get: {
        params: PARAMS.byId,
        handler: (ctx: Context<{ id: string }, CallMeta>) => ready().dojos.get(caller(ctx), ctx.params.id),
      },
      chat: {
        params: PARAMS.chat,
        handler: (ctx: Context<{ id: string; limit: number; offset: number }, CallMeta>) => ready().dojos.chat(caller(ctx), ctx.params.id, ctx.params),
      },
      snapshots: {
        params: PARAMS.snapshots,
        handler: (ctx: Context<{ id: string; limit: number; offset: number; with_state?: boolean }, CallMeta>) =>
          ready().dojos.snapshots(caller(ctx), ctx.params.id, { ...ctx.params, withState: ctx.params.with_state === true }),
      },
      recording: {
        params: PARAMS.byId,
        handler: (ctx: Context<{ id: string }, CallMeta>) => ready().dojos.recording(caller(ctx), ctx.params.id),
      },
      /** code-exec's pushes about a run, for the room's live members (nothing when the room is not active). */
      codeEvent: {
        visibility: 'public',
        params: PARAMS.codeEvent,
        async handler(ctx: Context<CodeEventParams>) {
          const { tenantId, dojoId, event } = ctx.params;
          await toRoom({ tenantId, dojoId }, { kind: 'code-event', event }, true);
          return { delivered: true };
        },
      },
      /** POST /v1/dojos/{id}/executions: the room (activated if need be) reads its code and queues the run. */
      runCode: {
        params: PARAMS.runCode,
        async handler(ctx: Context<{ id: string; language?: CodeLanguage }, CallMeta>) {
          const auth = caller(ctx);
          const room = await ready().dojos.roleIn(auth, ctx.params.id);
          if (room === 'observer') throw new ForbiddenError('Observers cannot run code');
          return toRoom({ tenantId: auth.tenantId, dojoId: ctx.params.id }, { kind: 'run-code', userId: auth.userId, language: ctx.params.language }, false);
        },
      },
      executions: {
        params: PARAMS.executions,
        async handler(ctx: Context<{ id: string; limit: number; offset: number }, CallMeta>) {
          const auth = caller(ctx);
          await ready().dojos.checkVisible(auth, ctx.params.id);
          return ctx.call('code-exec.list', { tenantId: auth.tenantId, dojoId: ctx.params.id, limit: ctx.params.limit, offset: ctx.params.offset });
        },
      },
      execution: {
        params: PARAMS.execution,
        async handler(ctx: Context<{ id: string; executionId: string }, CallMeta>) {
          const auth = caller(ctx);
          await ready().dojos.checkVisible(auth, ctx.params.id);
          return ctx.call('code-exec.get', { tenantId: auth.tenantId, dojoId: ctx.params.id, executionId: ctx.params.executionId });
        },
      },
      // The kata actor's calls (protocol/kata.ts); not routed from clients.
      openBreakout: { visibility: 'public', params: PARAMS.openBreakout, handler: (ctx: Context<OpenBreakoutParams>) => breakouts().open(ctx.params) },
      breakoutRoster: { visibility: 'public', params: PARAMS.breakoutRoster, handler: (ctx: Context<BreakoutRosterParams>) => breakouts().roster(ctx.params) },
      breakoutReadOnly: { visibility: 'public', params: PARAMS.breakoutReadOnly, handler: (ctx: Context<BreakoutParams['readOnly']>) => breakouts().readOnly(ctx.params) },
      closeBreakout: { visibility: 'public', params: PARAMS.closeBreakout, handler: (ctx: Context<BreakoutParams['close']>) => breakouts().close(ctx.params) },
      present: { visibility: 'public', params: PARAMS.present, handler: (ctx: Context<BreakoutParams['present']>) => breakouts().present(ctx.params) },
      kataPush: { visibility: 'public', params: PARAMS.kataPush, handler: (ctx: Context<KataPushParams>) => breakouts().push(ctx.params) },
      away: { visibility: 'public', params: PARAMS.away, handler: (ctx: Context<BreakoutParams['away']>) => breakouts().away(ctx.params) },
      classroom: {
        params: PARAMS.classroom,
        handler: (ctx: Context<{ id: string; enabled: boolean; editors?: string[] }, CallMeta>) => ready().dojos.classroom(caller(ctx), ctx.params.id, ctx.params.enabled, ctx.params.editors ?? []),
      },
    },
    events: {
      // Internal event, on every node: drop the members whose gateway died with their sockets.
      '$node.disconnected': {
        handler(ctx: Context<{ node: { id: string } }>) {
          const nodeId = ctx.params.node.id;
          return rooms?.registry.forEachRoom((room) => room.run(() => ({ value: room.onGatewayGone(nodeId) })));
        },
      },
      // The tenant actor soft-deleted a user's messages: the live room (wherever it is) drops them.
      'chat.messages.deleted': {
        params: PARAMS.chatRemoved,
        async handler(ctx: Context<{ tenantId: string; userId: string; messages: Array<{ messageId: string; dojoId: string }> }>) {
          const byRoom = new Map<string, string[]>();
          for (const { messageId, dojoId } of ctx.params.messages) byRoom.set(dojoId, [...(byRoom.get(dojoId) ?? []), messageId]);
          await Promise.all(
            [...byRoom].map(([dojoId, messageIds]) =>
              toRoom({ tenantId: ctx.params.tenantId, dojoId }, { kind: 'chat-removed', messageIds, by: ctx.params.userId }, true).catch((err: unknown) =>
                this.logger.warn({ err, dojoId }, 'could not tell the live room about deleted messages'),
              ),
            ),
          );
        },
      },
      'gateway.session.detached': { params: PARAMS.sessionEvent, handler: sessionHandler('detached') },
      'gateway.session.resumed': { params: PARAMS.sessionEvent, handler: sessionHandler('resumed') },
      'gateway.session.ended': { params: PARAMS.sessionEvent, handler: sessionHandler('ended') },
    },
    async started() {
      const db = infra.database;
      if (!db) throw new Error('dojo-room needs a database');
      const logger = this.logger;
      metrics = new RoomMetrics();
      const presence = new Presence(infra.kv, logger);
      const useQueue = (settings.chat ?? 'queue') === 'queue';
      chatSink = useQueue ? await QueueChatSink.start(infra.queue, db, logger) : new DatabaseChatSink(db);
      const store = new RoomStore(db);
      const roomDeps = { broker: this.broker, store, chatSink, presence, media: settings.media ?? noMedia, options, metrics, logger };
      const nodeId = this.broker.nodeID;
      rooms = new RoomKit<RoomKey, Room, RoomCall>(
        {
          service: 'dojo-room',
          naming: DOJO_ROOMS,
          create: async (key) => {
            const persisted = await store.claim(key, options.chatHistory);
            if (persisted.takenOver) metrics?.failover();
            return new Room(key, persisted, await presence.load(key), roomDeps);
          },
          deliver: (room, call) => runLocal(room, call, nodeId),
        },
        { broker: this.broker, leases: infra.leases, options, metrics, logger },
      );
      breakoutsOf = new Breakouts({ db, toRoom, logger });
      const dojosDeps = {
        db,
        repo: new DojoRepository(db),
        presence,
        notify: (request: NotificationRequest) => void this.broker.emit('notification.requested', request),
        toLiveRoom: (key: RoomKey, call: RoomCall) => toRoom(key, call, true),
        toRoom: (key: RoomKey, call: RoomCall) => toRoom(key, call, false),
        objectStore: infra.objectStore,
        logger,
      };
      dojos = new Dojos(dojosDeps);
      changesOf = new DojoChanges({ ...dojosDeps, sql: new DojoChangeSql(db), kv: infra.securityState });
    },
    async stopped() {
      // Rooms keep their state (and members' presence) for whichever node takes them next.
      await rooms?.closeAll();
      await chatSink?.close();
      rooms = undefined;
      dojos = undefined;
      changesOf = undefined;
    },
  };

  function sessionHandler(event: 'detached' | 'resumed' | 'ended') {
    return async function (this: { logger: { warn(o: object, m: string): void } }, ctx: Context<SessionEvent>) {
      const session = ctx.params;
      const ids = session.rooms ?? (session.dojoId ? [session.dojoId] : []);
      if (ids.length === 0 || !rooms) return;
      // A resume that succeeded was served from the gateway's replay buffer.
      if (event === 'resumed') metrics?.replayHit();
      // Rooms of other actors (a kata's) are active nowhere here: the call costs one lease read.
      await Promise.all(
        ids.map((dojoId) =>
          toRoom({ tenantId: session.tenantId, dojoId }, { kind: 'session', event, session }, true).catch((err: unknown) =>
            this.logger.warn({ err, dojoId, event }, 'session event not delivered to its room'),
          ),
        ),
      );
    };
  }
}
