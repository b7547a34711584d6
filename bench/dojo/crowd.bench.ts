import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '../../test/support/database';
import { tempDataDir } from '../../test/support/dirs';
import { deleteQueueStreams } from '../../test/support/nats';
import type { Row } from '../lib/table';
import { Crowd, percentile } from './crowd';
import { startBenchProcess, type BenchProcess } from './spawn';

interface Seeded {
  port: number;
  pid: number;
  dojoId?: string;
  dojoIds?: string[];
  tokens?: string[];
}

interface Target {
  servers: BenchProcess<Seeded>[];
  url: string;
  tokens: Array<string | undefined>;
  dojoIds: string[];
  /** The node that holds the rooms (it writes attendance). */
  roomNode: BenchProcess<Seeded>;
  stop(): Promise<void>;
}

export type Kind = 'bare' | 'one' | 'two';

const NAMES: Record<Kind, string> = { bare: 'bare uWebSockets.js (baseline)', one: 'pocdojo, one node', two: 'pocdojo, gateway node + room node over NATS' };

// Messages a second per sender (issue 21: 5); DOJO_FANOUT_RATE lowers it where a loaded machine cannot carry 500 msg/s at all.
const PER_SENDER = Number(process.env.DOJO_FANOUT_RATE ?? 5);

/** Whether this run can start two nodes (NATS and Redis are configured). */
export const CLUSTER = Boolean(process.env.TRANSPORTER && process.env.REDIS_URL);

/**
 * Issue 21's chat shape: 100 members of one room, 100 of them sending 5 messages a second.
 * Server CPU counts the whole process tree (an embedded PostgreSQL included).
 */
export async function chatShape(kind: Kind, seconds: number): Promise<Row> {
  const members = 100;
  const target = await start(kind, members, 1);
  try {
    const crowd = await Crowd.connect(target.url, target.tokens);
    const joined = await crowd.joinAll(() => target.dojoIds[0] as string, 50);
    if (joined.joined < members) throw new Error(`only ${joined.joined} of ${members} joined`);
    const cpu = () => Promise.all(target.servers.map((s) => s.treeCpuSeconds())).then((all) => all.reduce((a, b) => a + b, 0));
    const commitsBefore = kind === 'bare' ? 0 : (await ask(target.roomNode)).benchCommits;
    const before = await cpu();
    const result = await crowd.chat({ senders: members, perSender: PER_SENDER, seconds, probes: 10, members });
    const cpuMs = ((await cpu()) - before) * 1000;
    // PostgreSQL publishes its counters within a second or so of the commits.
    if (kind !== 'bare') await new Promise((r) => setTimeout(r, 1_500));
    const commits = kind === 'bare' ? 0 : (await ask(target.roomNode)).benchCommits - commitsBefore;
    crowd.close();
    const row: Row = {
      scenario: `${NAMES[kind]}: 100 members, 100 senders x ${PER_SENDER} msg/s`,
      sent: result.sent,
      'p50 ms': percentile(result.latencies, 50),
      'p99 ms': percentile(result.latencies, 99),
      'delivered %': (100 * result.delivered) / result.expected,
      'out of order': result.disorder,
      refused: result.refused,
      'CPU ms / 1k deliveries': cpuMs / (result.delivered / 1000),
    };
    if (kind !== 'bare') row['DB commits / 100 msgs'] = (100 * commits) / result.sent;
    if (result.refused > 0)
      row.refusals = Object.entries(result.refusals)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ');
    return row;
  } finally {
    await target.stop();
  }
}

/**
 * Issue 21's join storm: 5,000 connected sockets join 50 rooms of 100 (250 joins in flight),
 * then the attendance rows are counted (pocdojo writes them behind the joins).
 */
export async function joinShape(kind: Kind, sockets = 5_000, rooms = 50): Promise<Row> {
  const target = await start(kind, sockets, rooms);
  try {
    const crowd = await Crowd.connect(target.url, target.tokens);
    const size = Math.ceil(sockets / rooms);
    const result = await crowd.joinAll((i) => target.dojoIds[Math.floor(i / size)] as string);
    const row: Row = {
      scenario: `${NAMES[kind]}: ${sockets} sockets join ${rooms} rooms`,
      joined: result.joined,
      'busy refusals': result.refused,
      'joins/s': result.perSecond,
      'join p50 ms': percentile(result.latencies, 50),
      'join p99 ms': percentile(result.latencies, 99),
    };
    if (kind !== 'bare') {
      row['attendance rows'] = await attended(target.roomNode, sockets);
      row['write failures logged'] = target.servers.reduce((n, s) => n + s.linesMatching(/write failed|sweep failed/), 0);
    }
    crowd.close();
    return row;
  } finally {
    await target.stop();
  }
}

/** The room node's attendance count and the transactions its database committed so far (bench/dojo/server.ts, on SIGUSR2). */
async function ask(node: BenchProcess<Seeded>): Promise<{ benchAttended: number; benchCommits: number }> {
  const answers = () => node.output().filter((l) => l.startsWith('{"benchAttended"'));
  const seen = answers().length;
  node.child.kill('SIGUSR2');
  for (let i = 0; i < 50 && answers().length === seen; i++) await new Promise((r) => setTimeout(r, 100));
  const line = answers().pop();
  return line ? (JSON.parse(line) as { benchAttended: number; benchCommits: number }) : { benchAttended: 0, benchCommits: 0 };
}

/** Asks the room node for its attendance count until it reaches `expected` or stops growing for 10 s. */
async function attended(node: BenchProcess<Seeded>, expected: number): Promise<number> {
  let count = -1;
  let since = Date.now();
  for (;;) {
    const now = (await ask(node)).benchAttended;
    if (now !== count) since = Date.now();
    count = now;
    if (count >= expected || Date.now() - since > 10_000) return count;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function start(kind: Kind, users: number, dojos: number): Promise<Target> {
  if (kind === 'bare') {
    const server = await startBenchProcess<Seeded>('bench/dojo/uws-baseline.ts', {});
    const dojoIds = Array.from({ length: dojos }, (_, i) => `room-${i}`);
    return { servers: [server], url: `ws://127.0.0.1:${server.info.port}`, tokens: new Array(users).fill(undefined), dojoIds, roomNode: server, stop: () => server.stop() };
  }
  const run = randomBytes(4).toString('hex');
  const database = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  const dirs = [await tempDataDir(), await tempDataDir()];
  const common = {
    NAMESPACE: `bench-${run}`,
    HOST: '127.0.0.1',
    JWT_SECRET: randomBytes(32).toString('hex'),
    WS_MESSAGES_PER_SECOND: '100000',
    // 5 msg/s per sender is the product's limit exactly: timer jitter must not refuse any.
    DOJO_CHAT_PER_SECOND: '1000',
    DOJO_CHAT_BURST: '1000',
    DATABASE_URL: database?.url,
  };
  const seed = { BENCH_USERS: String(users), BENCH_DOJOS: String(dojos) };
  const servers: BenchProcess<Seeded>[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(dirs.map((d) => d.remove()));
    await database?.drop();
    if (process.env.TRANSPORTER) await deleteQueueStreams(process.env.TRANSPORTER, `bench-${run}`).catch(() => undefined);
  };
  try {
    let roomNode: BenchProcess<Seeded>;
    let gateway: BenchProcess<Seeded>;
    if (kind === 'one') {
      roomNode = gateway = await startBenchProcess<Seeded>('bench/dojo/server.ts', { ...common, PORT: '0', SERVICES: 'gateway,dojo-room', DATA_DIR: dirs[0]!.path, ...seed });
      servers.push(roomNode);
    } else {
      const cluster = { TRANSPORTER: process.env.TRANSPORTER, REDIS_URL: process.env.REDIS_URL };
      roomNode = await startBenchProcess<Seeded>('bench/dojo/server.ts', { ...common, ...cluster, NODE_ID: `room-${run}`, SERVICES: 'dojo-room', DATA_DIR: dirs[0]!.path, ...seed });
      servers.push(roomNode);
      gateway = await startBenchProcess<Seeded>('bench/dojo/server.ts', { ...common, ...cluster, NODE_ID: `gw-${run}`, PORT: '0', SERVICES: 'gateway', DATA_DIR: dirs[1]!.path });
      servers.push(gateway);
      // Discovery: the gateway must know the room node's actions before the first join.
      await new Promise((r) => setTimeout(r, 2_500));
    }
    return { servers, url: `ws://127.0.0.1:${gateway.info.port}/v1/ws`, tokens: roomNode.info.tokens ?? [], dojoIds: roomNode.info.dojoIds ?? [], roomNode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
