import type { Context, ServiceSchema } from 'moleculer';
import type { Infrastructure } from '../../infra/infrastructure';
import { RoomKit, type LocalParams } from '../../infra/rooms';
import type { SessionEvent, SignalParams, SignalResult } from '../../protocol/signal';
import { caller, type CallMeta } from '../auth';
import { DatabaseChatSink, QueueChatSink, type ChatSink } from './ChatSink';
import { DojoRepository } from './DojoRepository';
import { Dojos, type CreateParams } from './Dojos';
import { BadRequestError } from './errors';
import { noMedia, type MediaSessionFactory } from '../../media/MediaSession';
import { RoomMetrics } from './metrics';
import { roomOptions, type RoomOptions } from './options';
import { PARAMS } from './params';
import { Presence } from './Presence';
import { Room } from './Room';
import { handleSignal } from './RoomSignals';
import { RoomStore } from './RoomStore';
import { DOJO_ROOMS, type DojoStatus, type RoomCall, type RoomKey } from './types';

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
    case 'chat-removed':
      return room.run(() => ({ value: room.onChatRemoved(call.messageIds, call.by) }));
    case 'recording':
      return room.run(() => room.record(call.on));
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

  return {
    name: 'dojo-room',
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
          // A session is in one dojo at a time: joining another leaves the ones it is in (the
          // gateway names them in `rooms`; a gateway of the previous build sends its room as dojoId).
          const previous = new Set(joining ? (p.rooms ?? []) : []);
          if (joining && p.dojoId) previous.add(p.dojoId);
          previous.delete(dojoId);
          for (const other of previous) {
            const leave: RoomCall = { kind: 'signal', auth, params: { ...p, method: 'room.leave', data: {}, dojoId: other } };
            await toRoom({ tenantId: auth.tenantId, dojoId: other }, leave, true).catch((err: unknown) => this.logger.warn({ err }, 'leaving the previous room failed'));
          }
          const result = (await toRoom({ tenantId: auth.tenantId, dojoId }, { kind: 'signal', auth, params: p }, false)) as SignalResult;
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
        handler: (ctx: Context<CreateParams, CallMeta>) => ready().dojos.create(caller(ctx), ctx.params),
      },
      start: {
        params: PARAMS.dojoRef,
        handler: (ctx: Context<{ tenant_id: string; dojo_id: string }, CallMeta>) => ready().dojos.start(caller(ctx), ctx.params.tenant_id, ctx.params.dojo_id),
      },
      stop: {
        params: PARAMS.dojoRef,
        handler: (ctx: Context<{ tenant_id: string; dojo_id: string }, CallMeta>) => ready().dojos.stop(caller(ctx), ctx.params.tenant_id, ctx.params.dojo_id),
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
      dojos = new Dojos({
        db,
        repo: new DojoRepository(db),
        presence,
        notify: (request) => void this.broker.emit('notification.requested', request),
        toLiveRoom: (key, call) => toRoom(key, call, true),
        toRoom: (key, call) => toRoom(key, call, false),
        objectStore: infra.objectStore,
        logger,
      });
    },
    async stopped() {
      // Rooms keep their state (and members' presence) for whichever node takes them next.
      await rooms?.closeAll();
      await chatSink?.close();
      rooms = undefined;
      dojos = undefined;
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
