import type { ServiceSchema } from 'moleculer';
import { loadConfig, type ServiceName } from '../../config';
import { quietDependencyWarnings } from '../../config/runtime';
import type { Infrastructure } from '../../infra/infrastructure';
import { startNode, type RunningNode } from '../../deploy/node';
import type { RouteDef } from '../../protocol/rest/route';
import { createTestDatabase } from './database';
import { tempDataDir } from './dirs';
import { deleteQueueStreams } from './nats';

export interface TestNode {
  node: RunningNode;
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port>/v1/ws */
  wsUrl: string;
  /** http://127.0.0.1:<ops port>: the node's /metrics, /health, /ready. */
  opsUrl: string;
  /** This node's DATA_DIR (the mail outbox is under it on embedded defaults). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A whole node in this process on a free port: the real gateway, actors and infrastructure.
 * Real services when their URLs are in the environment (CI), embedded defaults otherwise; a
 * fresh DATA_DIR each time, and a fresh database on a shared server.
 */
export async function startTestNode(
  options: { services?: ServiceName[]; env?: Record<string, string>; routes?: RouteDef[]; extraServices?: Array<(infra: Infrastructure) => ServiceSchema> } = {},
): Promise<TestNode> {
  quietDependencyWarnings();
  const dataDir = await tempDataDir();
  // A test that brings its own database (a private server) needs none made on the shared one.
  const db = process.env.DATABASE_URL && !options.env?.DATABASE_URL ? await createTestDatabase() : undefined;
  const env: Record<string, string | undefined> = {
    PORT: '0',
    HOST: '127.0.0.1',
    OPS_PORT: '0',
    DATA_DIR: dataDir.path,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db?.url,
    REDIS_URL: process.env.REDIS_URL,
    TRANSPORTER: process.env.TRANSPORTER,
    S3_ENDPOINT: process.env.S3_ENDPOINT,
    NODE_ID: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    // Test files run in parallel on one NATS: each node keeps to itself unless a test says otherwise.
    NAMESPACE: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    SERVICES: options.services?.join(','),
    ...options.env,
  };
  const node = await startNode(loadConfig(env), { routes: options.routes, services: options.extraServices });
  const port = node.port;
  if (!port && !node.opsPort) throw new Error('test node has neither a gateway nor an operations port');
  return {
    node,
    url: port ? `http://127.0.0.1:${port}` : '',
    wsUrl: port ? `ws://127.0.0.1:${port}/v1/ws` : '',
    opsUrl: node.opsPort ? `http://127.0.0.1:${node.opsPort}` : '',
    dataDir: dataDir.path,
    async stop() {
      await node.stop();
      if (env.TRANSPORTER && env.NAMESPACE) await deleteQueueStreams(env.TRANSPORTER, env.NAMESPACE);
      await db?.drop();
      await dataDir.remove();
    },
  };
}
