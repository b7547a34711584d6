import { ServiceBroker, type ServiceSchema } from 'moleculer';
import { hosts, type Config } from '../config';
import { ACTORS, NEEDS } from '../actors';
import { createGatewayService } from '../gateway/gateway.service';
import type { ReadinessCheck } from '../gateway/http/ops';
import { BackendUnavailableMiddleware } from '../infra/broker/unavailable';
import { registry } from '../infra/metrics';
import { createBrokerOptions } from '../moleculer.config';
import { ROUTES } from '../protocol/rest';
import type { RouteDef } from '../protocol/rest/route';
import { featureChecks } from './features';
import { startInfrastructure, type Infrastructure } from './infrastructure';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require('../package.json').version;

export interface NodeExtras {
  /** More routes and services (benchmarks and tests mount their own actions this way). */
  routes?: readonly RouteDef[];
  services?: ReadonlyArray<(infra: Infrastructure) => ServiceSchema>;
}

export interface RunningNode {
  broker: ServiceBroker;
  infra: Infrastructure;
  /** The gateway's bound port, when this node hosts the gateway. */
  port: number | undefined;
  stop(): Promise<void>;
}

/** Brings up one node: its backing services, its broker and the services `SERVICES` names. */
export async function startNode(config: Config, extras: NodeExtras = {}): Promise<RunningNode> {
  const broker = new ServiceBroker({ ...createBrokerOptions(config), middlewares: [BackendUnavailableMiddleware] });
  const logger = broker.getLogger('node');
  const needs = config.services.reduce(
    (acc, name) => ({ database: acc.database || NEEDS[name].database, objectStore: acc.objectStore || NEEDS[name].objectStore }),
    { database: false, objectStore: false },
  );
  const infra = await startInfrastructure(config, needs, logger);
  // Media has no actor of its own: the rooms drive it in their process (actors/dojo-room/actor.ts).
  if (hosts(config, 'media') && !hosts(config, 'dojo-room')) logger.warn('SERVICES names media without dojo-room: no media runs on this node');
  const features = featureChecks(config, logger);
  let port: number | undefined;
  try {
    for (const name of config.services) {
      const factory = ACTORS[name];
      if (factory) broker.createService(factory(infra));
    }
    for (const factory of extras.services ?? []) broker.createService(factory(infra));
    if (hosts(config, 'gateway')) {
      broker.createService(
        createGatewayService({
          config,
          jwtSecret: infra.jwtSecret,
          routes: [...ROUTES, ...(extras.routes ?? [])],
          checks: [...readinessChecks(broker, infra), ...features],
          metricsText: () => registry.metrics(),
          rateLimiter: infra.rateLimiter,
          version: VERSION,
          onListening: (p) => {
            port = p;
          },
        }),
      );
    }
    await broker.start();
  } catch (error) {
    await broker.stop().catch(() => undefined);
    await infra.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    broker,
    infra,
    get port() {
      return port;
    },
    stop() {
      stopping ??= (async () => {
        await broker.stop();
        await infra.stop();
      })();
      return stopping;
    },
  };
}

function readinessChecks(broker: ServiceBroker, infra: Infrastructure): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    {
      name: 'broker',
      async check() {
        if (broker.transit && !broker.transit.connected) throw new Error('transporter disconnected');
      },
    },
    { name: 'kv', check: () => infra.kv.ping() },
    { name: 'queue', check: () => infra.queue.ping() },
  ];
  const { database, objectStore } = infra;
  if (database) checks.push({ name: 'database', check: () => database.ping() });
  if (objectStore) checks.push({ name: 'storage', check: () => objectStore.ping() });
  return checks;
}
