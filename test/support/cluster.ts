import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createKeyValueStore, createLeaseManager, type LeaseManager } from '../../infra/kv';
import { authed } from './accounts';
import type { SeededUser } from './seed';
import { WsClient } from './ws-client';
import { tempDataDir } from './dirs';
import { deleteQueueStreams } from './nats';

const ROOT = path.resolve(__dirname, '../..');

interface Proc {
  nodeId: string;
  opsPort?: number;
  child: ChildProcess;
  logs: string[];
  exited: Promise<void>;
  dataDir: { path: string; remove(): Promise<void> };
}

/**
 * Real pocdojo processes (`node --import tsx deploy/start.ts`) for multi-node tests and
 * benchmarks: one gateway-only node and `roomNodes` dojo-room nodes, over the NATS and Redis of
 * the environment, in a namespace of their own so parallel test files never meet.
 */
export class Cluster {
  readonly #procs = new Map<string, Proc>();
  url = '';
  wsUrl = '';

  private constructor(readonly run: string) {}

  /** `roomServices`: what the room nodes host (default `dojo-room`; say `dojo-room,tenant` to log in through them). */
  static async start(options: { databaseUrl: string; jwtSecret: string; roomNodes: number; roomServices?: string; env?: Record<string, string> }): Promise<Cluster> {
    const cluster = new Cluster(randomBytes(4).toString('hex'));
    try {
      const roomServices = options.roomServices ?? 'dojo-room';
      // Creating a dojo asks the tenant actor whether the plan is paid (actors/plan.ts): when the
      // room nodes do not host it, the gateway node does (one host keeps one mail outbox to read).
      const gatewayServices = roomServices.split(',').includes('tenant') ? 'gateway' : 'gateway,tenant';
      const nodes = [{ id: `gw-${cluster.run}`, services: gatewayServices }, ...Array.from({ length: options.roomNodes }, (_, i) => ({ id: `room${i + 1}-${cluster.run}`, services: roomServices }))];
      const ports = await Promise.all(nodes.map((n) => cluster.#spawn(n.id, n.services, options)));
      const port = ports[0];
      cluster.url = `http://127.0.0.1:${port}`;
      cluster.wsUrl = `ws://127.0.0.1:${port}/v1/ws`;
      // Discovery is quick but not instant: give the gateway a heartbeat to see every room node.
      await new Promise((r) => setTimeout(r, 2_500));
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** The Moleculer namespace of these nodes (it also prefixes their keys in Redis). */
  get namespace(): string {
    return `cluster-${this.run}`;
  }

  get nodeIds(): string[] {
    return [...this.#procs.keys()];
  }

  /** http://127.0.0.1:<ops port> of a node: its /metrics, /health, /ready. */
  opsUrl(nodeId: string): string {
    const port = this.#procs.get(nodeId)?.opsPort;
    if (!port) throw new Error(`no operations port for ${nodeId}`);
    return `http://127.0.0.1:${port}`;
  }

  /** A node's DATA_DIR (its mail outbox when it hosts tenant). */
  dataDir(nodeId: string): string {
    const proc = this.#procs.get(nodeId);
    if (!proc) throw new Error(`no node ${nodeId}`);
    return proc.dataDir.path;
  }

  logs(nodeId: string): string[] {
    return this.#procs.get(nodeId)?.logs ?? [];
  }

  /** SIGKILL: no shutdown hooks, no lease release, sockets cut. */
  kill(nodeId: string): void {
    const proc = this.#procs.get(nodeId);
    if (!proc) throw new Error(`no node ${nodeId}`);
    proc.child.kill('SIGKILL');
  }

  /** SIGTERM, as an orchestrator's rolling update does; resolves with the exit code once the node is gone. */
  async terminate(nodeId: string): Promise<number | null> {
    const proc = this.#procs.get(nodeId);
    if (!proc) throw new Error(`no node ${nodeId}`);
    proc.child.kill('SIGTERM');
    await proc.exited;
    return proc.child.exitCode;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.#procs.values()].map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) {
          p.child.kill('SIGTERM');
          const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
          await p.exited;
          clearTimeout(timer);
        }
        await p.dataDir.remove();
      }),
    );
    this.#procs.clear();
    // The nodes' JetStream streams would outlive the test on the shared NATS.
    if (process.env.TRANSPORTER) await deleteQueueStreams(process.env.TRANSPORTER, this.namespace).catch(() => undefined);
  }

  async #spawn(nodeId: string, services: string, options: { databaseUrl: string; jwtSecret: string; env?: Record<string, string> }): Promise<number | undefined> {
    const dataDir = await tempDataDir();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SERVICES: services,
      NODE_ID: nodeId,
      NAMESPACE: this.namespace,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir.path,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: process.env.REDIS_URL,
      TRANSPORTER: process.env.TRANSPORTER,
      JWT_SECRET: options.jwtSecret,
      // Several nodes on one machine: each takes a free operations port (logged as opsPort).
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: string[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.#procs.set(nodeId, { nodeId, child, logs, exited, dataDir });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${nodeId} did not start:\n${logs.slice(-20).join('\n')}`)), 60_000);
      let buffered = '';
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          logs.push(line);
          if (logs.length > 500) logs.shift();
          if (line.includes('pocdojo node ready')) {
            clearTimeout(timer);
            const ready = JSON.parse(line) as { port?: number; opsPort?: number };
            const proc = this.#procs.get(nodeId);
            if (proc) proc.opsPort = ready.opsPort;
            resolve(ready.port);
          }
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${nodeId} exited (${code ?? signal}):\n${logs.slice(-20).join('\n')}`));
      });
    });
  }
}

export interface ClusterRoom {
  dojoId: string;
  /** The host's and the guest's sockets, both joined. */
  a: WsClient;
  b: WsClient;
  leases: LeaseManager;
  /** The room's lease name, and the room nodes holding it and not. */
  lease: string;
  owner: string;
  other: string;
  close(): Promise<void>;
}

/** A started dojo on the cluster with its host and guest joined over the gateway, and who holds it. */
export async function openRoom(cluster: Cluster, seeded: { tenantId: string; host: SeededUser; guest: SeededUser }, subject: string): Promise<ClusterRoom> {
  const { tenantId, host, guest } = seeded;
  const post = (path: string, body: unknown) => fetch(`${cluster.url}${path}`, { method: 'POST', headers: authed(host.token), body: JSON.stringify(body) });
  const created = (await (await post('/v1/dojo/create', { tenant_id: tenantId, dojo_date: new Date().toISOString(), subject, members: [guest.userId] })).json()) as { dojo_id: string };
  const dojoId = created.dojo_id;
  const started = await post('/v1/dojo/start', { tenant_id: tenantId, dojo_id: dojoId });
  if (started.status !== 200) throw new Error(`dojo/start -> ${started.status}`);
  const a = await WsClient.connect(cluster.wsUrl, host.token);
  const b = await WsClient.connect(cluster.wsUrl, guest.token);
  for (const client of [a, b]) {
    const joined = await client.request('room.join', { dojoId });
    if (!joined.ok) throw new Error(`room.join: ${JSON.stringify(joined)}`);
  }
  const kv = createKeyValueStore({ redisUrl: process.env.REDIS_URL, keyPrefix: `${cluster.namespace}:` });
  const leases = createLeaseManager(kv);
  const lease = `room:${tenantId}:${dojoId}`;
  const owner = (await leases.holder(lease))?.owner as string;
  const other = cluster.nodeIds.find((id) => id.startsWith('room') && id !== owner) as string;
  return {
    dojoId,
    a,
    b,
    leases,
    lease,
    owner,
    other,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      await kv.close();
    },
  };
}
