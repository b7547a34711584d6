import { ServiceBroker, type ServiceSchema } from 'moleculer';
import { hosts, type Config, type ServiceName } from '../config';
import { ACTORS, NEEDS, type ActorFactory } from '../actors';
import { RevocationLog } from '../actors/tenant/RevocationLog';
import { createGatewayService } from '../gateway/gateway.service';
import { createJobsService } from '../jobs/jobs.service';
import { metricsText } from '../infra/metrics';
import type { ReadinessCheck } from '../infra/readiness';
import { BackendUnavailableMiddleware } from '../infra/broker/unavailable';
import { createBrokerOptions } from '../moleculer.config';
import { ROUTES } from '../protocol/rest';
import type { RouteDef } from '../protocol/rest/route';
import { featureChecks } from './features';
import { webSites } from './sites';
import { startInfrastructure, type Infrastructure } from '../infra/infrastructure';
import { startOpsListener, type OpsListener } from './ops';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require('../package.json').version;

/** Every service `SERVICES` may name but the gateway: the actors, and the jobs that drive them from above. */
const SERVICES: Partial<Record<ServiceName, ActorFactory>> = { ...ACTORS, jobs: createJobsService };

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
  /** The operations listener's bound port (/metrics, /health, /ready), unless OPS_PORT=off. */
  opsPort: number | undefined;
  stop(): Promise<void>;
}

/** Brings up one node: its backing services, its broker and the services `SERVICES` names. */
export async function startNode(config: Config, extras: NodeExtras = {}): Promise<RunningNode> {
  const broker = new ServiceBroker({ ...createBrokerOptions(config), middlewares: [BackendUnavailableMiddleware] });
  const logger = broker.getLogger('node');
  const needs = config.services.reduce((acc, name) => ({ database: acc.database || NEEDS[name].database, objectStore: acc.objectStore || NEEDS[name].objectStore }), {
    database: false,
    objectStore: false,
  });
  const infra = await startInfrastructure(config, needs, logger);
  // Media has no actor of its own: the rooms drive it in their process (actors/dojo-room/actor.ts).
  if (hosts(config, 'media') && !hosts(config, 'dojo-room')) logger.warn('SERVICES names media without dojo-room: no media runs on this node');
  const features = featureChecks(config, logger);
  let port: number | undefined;
  let ops: OpsListener | undefined;
  const checks = [...readinessChecks(broker, infra), ...features];
  try {
    for (const name of config.services) {
      const factory = SERVICES[name];
      if (factory) broker.createService(factory(infra));
    }
    for (const factory of extras.services ?? []) broker.createService(factory(infra));
    if (hosts(config, 'gateway')) {
      broker.createService(
        createGatewayService({
          config,
          jwtSecret: infra.jwtSecret,
          routes: [...ROUTES, ...(extras.routes ?? [])],
          checks,
          rateLimiter: infra.rateLimiter,
          revokedSessions: () => new RevocationLog(infra.securityState).live(),
          version: VERSION,
          sites: await webSites(logger),
          onListening: (p) => {
            port = p;
          },
        }),
      );
    }
    await broker.start();
    if (config.ops.port !== undefined) {
      ops = await startOpsListener({
        ...config.ops,
        port: config.ops.port,
        checks,
        metricsText,
        nodeId: config.nodeId,
        version: VERSION,
        onError: (err, url) => logger.error({ err, url }, 'operations request failed'),
      });
    }
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
    opsPort: ops?.port,
    stop() {
      stopping ??= (async () => {
        // Probes see the node gone first, then its services stop.
        await ops?.close();
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
