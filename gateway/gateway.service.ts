import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import { z } from 'zod';
import type { Config } from '../config';
import { remoteOnly, zodParams } from '../infra/broker/zodValidator';
import { serveLocalPushes } from '../infra/rooms';
import { USER_PUSH_EVENT, userTopic, type PushMethod } from '../protocol/push';
import type { RouteDef } from '../protocol/rest/route';
import type { SessionEvent } from '../protocol/signal';
import { Authenticator, RevocationList } from './auth';
import type { ReadinessCheck } from './http/ops';
import type { RateLimiterLike } from './http/router';
import type { StaticSite } from './http/staticSite';
import { GatewayServer } from './server';
import type { Session } from './ws/sessions';

export interface GatewayServiceDeps {
  config: Config;
  jwtSecret: string;
  routes: readonly RouteDef[];
  checks: readonly ReadinessCheck[];
  rateLimiter?: RateLimiterLike;
  /** Sessions revoked before this gateway started (the durable log), loaded before it listens. */
  revokedSessions?(): Promise<ReadonlyArray<{ sessionId: string; untilMs: number }>>;
  version: string;
  /** Built web apps the gateway serves beside the API (deploy/sites.ts). */
  sites?: readonly StaticSite[];
  /** Called once listening, with the bound port (useful with PORT=0). */
  onListening?(port: number): void;
}

function sessionEvent(broker: ServiceBroker, session: Session): SessionEvent {
  const rooms = [...session.rooms.keys()];
  return { sessionId: session.id, userId: session.auth.userId, tenantId: session.auth.tenantId, dojoId: rooms[0], rooms, nodeId: broker.nodeID };
}

/**
 * The gateway as a Moleculer service: it owns the uWS server for its lifetime and takes
 * deliveries from rooms (one call per gateway node that holds members, addressed by nodeID).
 */
export function createGatewayService(deps: GatewayServiceDeps): ServiceSchema {
  const revocations = new RevocationList();
  let server: GatewayServer | undefined;
  return {
    name: 'gateway',
    actions: {
      // A room on this node built the frame itself: only a delivery from another node is parsed
      // (these two carry every push of every room; see infra/broker/zodValidator.ts remoteOnly).
      publish: {
        visibility: 'public',
        params: remoteOnly(z.object({ topic: z.string().max(200), frame: z.string(), seq: z.number().int().optional() })),
        handler(ctx: Context<{ topic: string; frame: string; seq?: number }>) {
          return { delivered: server?.fanout.publish(ctx.params.topic, ctx.params.seq, ctx.params.frame) ?? 0 };
        },
      },
      sendToSessions: {
        visibility: 'public',
        params: remoteOnly(
          z.object({
            sessionIds: z.array(z.string()).max(10_000),
            frame: z.string(),
            unsubscribe: z.boolean().optional(),
            // The room to leave with `unsubscribe`; without it (older rooms) every room is left.
            topic: z.string().max(200).optional(),
          }),
        ),
        handler(ctx: Context<{ sessionIds: string[]; frame: string; unsubscribe?: boolean; topic?: string }>) {
          let delivered = 0;
          for (const id of ctx.params.sessionIds) {
            const session = server?.sessions.get(id);
            const socket = session?.socket;
            if (!session || !socket || socket.getUserData().closed) continue;
            socket.cork(() => socket.send(ctx.params.frame));
            if (ctx.params.unsubscribe) session.leave(socket, ctx.params.topic);
            delivered++;
          }
          return { delivered };
        },
      },
    },
    events: {
      'auth.session.revoked': {
        params: zodParams(z.object({ sessionId: z.string(), untilMs: z.number() })),
        handler(ctx: Context<{ sessionId: string; untilMs: number }>) {
          revocations.revoke(ctx.params.sessionId, ctx.params.untilMs);
          // Every gateway gets the event: each closes the sockets it holds for that login.
          server?.sessions.revoke(ctx.params.sessionId);
        },
      },
      [USER_PUSH_EVENT]: {
        params: zodParams(z.object({ tenantId: z.string(), userId: z.string(), method: z.string(), data: z.unknown() })),
        handler(ctx: Context<{ tenantId: string; userId: string; method: PushMethod; data: unknown }>) {
          // Broadcast to every gateway: each publishes to the sockets of that user it holds (often none).
          server?.fanout.publish(userTopic(ctx.params.tenantId, ctx.params.userId), undefined, JSON.stringify({ method: ctx.params.method, data: ctx.params.data }));
        },
      },
      'dojo.room.closed': {
        params: zodParams(z.object({ topic: z.string() })),
        handler(ctx: Context<{ topic: string }>) {
          server?.fanout.forget(ctx.params.topic);
        },
      },
    },
    async started() {
      // A restarted gateway heard none of the earlier logouts: it must not accept a token first.
      for (const r of (await deps.revokedSessions?.()) ?? []) revocations.revoke(r.sessionId, r.untilMs);
      const broker = this.broker;
      const emit = (event: string) => (session: Session) => void broker.emit(event, sessionEvent(broker, session));
      server = new GatewayServer({
        config: deps.config,
        broker,
        logger: this.logger,
        authenticator: new Authenticator(deps.jwtSecret, revocations),
        routes: deps.routes,
        checks: deps.checks,
        rateLimiter: deps.rateLimiter,
        version: deps.version,
        sites: deps.sites,
        sessionEvents: {
          opened: emit('gateway.session.opened'),
          detached: emit('gateway.session.detached'),
          resumed: emit('gateway.session.resumed'),
          ended: emit('gateway.session.ended'),
        },
      });
      const port = await server.listen();
      // Rooms on this node push straight to this fanout (infra/rooms/localGateway.ts).
      serveLocalPushes(broker, server.fanout);
      this.logger.info({ port, host: deps.config.host }, 'gateway listening');
      deps.onListening?.(port);
    },
    stopped() {
      serveLocalPushes(this.broker, undefined);
      server?.close();
      server = undefined;
    },
  };
}
