import type { ServiceBroker, LoggerInstance } from 'moleculer';
import type { TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import type { Config } from '../config';
import { CloseCode } from '../protocol/closeCodes';
import type { RouteDef } from '../protocol/rest/route';
import type { Authenticator } from './auth';
import { mountDocsSite } from './http/docsSite';
import { mountFallback } from './http/fallback';
import { guardApp } from './http/guard';
import { mountOps, type ReadinessCheck } from './http/ops';
import { mountRoutes, type RateLimiterLike } from './http/router';
import { mountStaticSite, type StaticSite } from './http/staticSite';
import { Deadlines } from '../infra/broker/deadlines';
import { addMetricsText } from '../infra/metrics';
import { HttpMetrics } from './http-metrics';
import { GatewayMetrics } from './metrics';
import { loadNativeUws } from './native';
import { buildAsyncApi } from './asyncapi';
import { buildOpenApi } from './openapi';
import { mountWebSocket } from './ws/endpoint';
import { Fanout } from './ws/fanout';
import { SessionRegistry, type SessionEvents } from './ws/sessions';

export interface GatewayDeps {
  config: Config;
  broker: ServiceBroker;
  logger: LoggerInstance;
  authenticator: Authenticator;
  routes: readonly RouteDef[];
  checks: readonly ReadinessCheck[];
  rateLimiter?: RateLimiterLike;
  sessionEvents: SessionEvents;
  version: string;
  /** Built web apps served beside the API (the console at /console/, the docs page). */
  sites?: readonly StaticSite[];
}

/** The uWebSockets.js server: REST routes, operations endpoints and the signaling socket. */
export class GatewayServer {
  readonly app: TemplatedApp;
  readonly sessions: SessionRegistry;
  readonly fanout: Fanout;
  readonly metrics: GatewayMetrics;
  readonly httpMetrics = new HttpMetrics();
  /** Deadlines of REST calls answered on this node (see router.ts callAction). */
  readonly deadlines = new Deadlines();
  #uws = loadNativeUws();
  #listenSocket: us_listen_socket | undefined;
  #port = 0;
  readonly #removeMetrics: () => void;

  constructor(readonly deps: GatewayDeps) {
    const { config, broker, logger } = deps;
    this.metrics = new GatewayMetrics();
    // Every handler below is mounted through the guard: a throw answers 500 and is logged, never fatal.
    this.app = guardApp(this.#uws.App(), (error, where) => logger.error({ err: error, where }, 'uncaught error in a uWS callback'));
    const idleTimeoutSeconds = 30;
    this.sessions = new SessionRegistry(60_000, {
      opened: (s) => {
        this.metrics.sessionOpened();
        deps.sessionEvents.opened(s);
      },
      detached: (s) => {
        this.metrics.sessionDetached();
        deps.sessionEvents.detached(s);
      },
      resumed: (s) => deps.sessionEvents.resumed(s),
      ended: (s) => deps.sessionEvents.ended(s),
    });
    this.fanout = new Fanout(this.app, 512, 60_000);
    // The request counters join the node's exposition, served on its operations port.
    this.#removeMetrics = addMetricsText(() => this.httpMetrics.text());
    mountOps(this.app, {
      checks: deps.checks,
      openApi: () => buildOpenApi(deps.routes, deps.version),
      asyncApi: () => buildAsyncApi(deps.version),
      nodeId: config.nodeId,
      version: deps.version,
    });
    mountWebSocket(this.app, '/v1/ws', {
      broker,
      deadlines: this.deadlines,
      authenticator: deps.authenticator,
      sessions: this.sessions,
      fanout: this.fanout,
      maxPayloadBytes: config.limits.maxWsPayloadBytes,
      messagesPerSecond: config.limits.wsMessagesPerSecond,
      idleTimeoutSeconds,
      requestTimeoutMs: config.requestTimeoutMs,
      observer: {
        frame: (method, ok) => this.metrics.frame(method, ok),
        failed: (error, method) => logger.error({ err: error, method }, 'websocket method failed'),
      },
    });
    mountRoutes(this.app, deps.routes, {
      broker,
      deadlines: this.deadlines,
      authenticator: deps.authenticator,
      maxBodyBytes: config.limits.maxBodyBytes,
      requestTimeoutMs: config.requestTimeoutMs,
      rateLimiter: deps.rateLimiter,
      trustProxy: config.trustProxy,
      observer: {
        route: (route, method) => {
          const record = this.httpMetrics.series(route, method);
          return (status, seconds, info) => {
            record(status, seconds);
            logger.debug({ requestId: info.requestId, method, route, status, ms: Math.round(seconds * 1000) }, 'request');
          };
        },
        failed: (error, info) => logger.error({ err: error, requestId: info.requestId, url: info.url }, 'request failed'),
      },
    });
    for (const site of deps.sites ?? []) mountStaticSite(this.app, site);
    mountDocsSite(this.app);
    mountFallback(this.app, deps.routes);
  }

  listen(): Promise<number> {
    const { host, port } = this.deps.config;
    return new Promise((resolve, reject) => {
      this.app.listen(host, port, (socket) => {
        if (!socket) {
          reject(new Error(`PORT: cannot listen on ${host}:${port} (in use or not permitted)`));
          return;
        }
        this.#listenSocket = socket;
        this.#port = this.#uws.us_socket_local_port(socket);
        resolve(this.#port);
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  close(): void {
    if (this.#listenSocket) {
      this.#uws.us_listen_socket_close(this.#listenSocket);
      this.#listenSocket = undefined;
    }
    // Drop open sockets too, so a stopping node frees its clients to resume elsewhere.
    this.sessions.closeSockets(CloseCode.GOING_AWAY);
    this.sessions.close();
    this.fanout.close();
    this.deadlines.close();
    this.#removeMetrics();
    // Present at run time in this uWS build, missing from its typings.
    (this.app as unknown as { close?(): void }).close?.();
  }
}
