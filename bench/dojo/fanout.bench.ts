import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '../../test/support/database';
import { tempDataDir } from '../../test/support/dirs';
import type { Row } from '../lib/table';
import { BenchRoom } from './clients';
import { chatShape, CLUSTER, joinShape } from './crowd.bench';
import { startBenchProcess, type BenchProcess } from './spawn';
import { deleteQueueStreams } from '../../test/support/nats';

interface Seeded {
  port: number;
  dojoId?: string;
  tokens?: string[];
}

const MEMBERS = 100;
const RATE = 1_000;
const PROBES = 10;

/**
 * Chat fan-out: one sender, a 100-member room, 1,000 messages per second (issue 5 targets: p99
 * <= 3 ms on one node, <= 6 ms across two nodes over NATS), then the highest fan-out rate, each
 * against the same fan-out on the bare `ws` library measured in the same run.
 */
export async function run(options: { seconds?: number } = {}): Promise<Row[]> {
  const seconds = options.seconds ?? 5;
  // DOJO_FANOUT_SHAPES=sender,chat,joins (the default: all three) runs some of them only.
  const shapes = new Set((process.env.DOJO_FANOUT_SHAPES ?? 'sender,chat,joins').split(','));
  const rows: Row[] = [];
  if (shapes.has('sender')) rows.push(...(await oneSender(seconds)));
  if (shapes.has('chat')) rows.push(...(await manySenders(Number(process.env.DOJO_FANOUT_SECONDS ?? 15))));
  if (shapes.has('joins')) rows.push(...(await joinStorm()));
  return rows;
}

/** Issue 21: 100 senders x 5 msg/s in a 100-member room, against bare uWebSockets.js in the same run (and one node against two). */
async function manySenders(seconds: number): Promise<Row[]> {
  const first = await chatShape('bare', seconds);
  const runs = [await chatShape('one', seconds)];
  if (CLUSTER) runs.push(await chatShape('two', seconds));
  const bare = meanOf(first, await chatShape('bare', seconds), ['p50 ms', 'p99 ms', 'CPU ms / 1k deliveries']);
  const [one, two] = runs.map((row): Row => ({
    ...row,
    'p99 x bare': Number(row['p99 ms']) / Number(bare['p99 ms']),
    'CPU x bare': Number(row['CPU ms / 1k deliveries']) / Number(bare['CPU ms / 1k deliveries']),
  }));
  if (two && one) two['p99 x one node'] = Number(two['p99 ms']) / Number(one['p99 ms']);
  return [first, bare, ...(one ? [one] : []), ...(two ? [two] : [])];
}

/** Issue 21: 5,000 sockets join 50 rooms, against bare uWebSockets.js subscribing them in the same run; attendance rows counted. */
async function joinStorm(): Promise<Row[]> {
  const first = await joinShape('bare');
  const runs = [await joinShape('one')];
  if (CLUSTER) runs.push(await joinShape('two'));
  const bare = meanOf(first, await joinShape('bare'), ['joins/s', 'join p50 ms', 'join p99 ms']);
  const compared = runs.map((row) => ({ ...row, 'joins/s x bare': Number(row['joins/s']) / Number(bare['joins/s']), 'p99 x bare': Number(row['join p99 ms']) / Number(bare['join p99 ms']) }));
  return [first, bare, ...compared];
}

/**
 * The baseline is run before and after the pocdojo rows and the two are averaged: on a shared
 * machine one run of it may land in a quiet or a busy minute, the rows it is compared with in another.
 */
function meanOf(before: Row, after: Row, keys: string[]): Row {
  const row: Row = { ...after, scenario: `${String(after.scenario).replace(/ \(baseline\)/, '')} (baseline: mean of the runs before and after)` };
  for (const key of keys) row[key] = (Number(before[key]) + Number(after[key])) / 2;
  return row;
}

/** Issue 5's shape: one sender at 1,000 msg/s to 100 members, vs the bare ws library. */
async function oneSender(seconds: number): Promise<Row[]> {
  const rows: Row[] = [];
  const baseline = await scenario('ws library, bare broadcast (baseline)', seconds, async () => {
    const server = await startBenchProcess<Seeded>('bench/dojo/ws-baseline.ts', {});
    return { servers: [server], url: `ws://127.0.0.1:${server.info.port}`, count: MEMBERS };
  });
  rows.push(baseline);
  rows.push(compare(await scenario('pocdojo, one node (gateway + room)', seconds, () => pocdojo(false)), baseline));
  if (process.env.TRANSPORTER && process.env.REDIS_URL) {
    rows.push(compare(await scenario('pocdojo, gateway node + room node over NATS', seconds, () => pocdojo(true)), baseline));
  }
  return rows;
}

async function pocdojo(twoNodes: boolean) {
  const run = randomBytes(4).toString('hex');
  // A database of its own on the configured server (never the server's default one), else embedded.
  const database = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  const [first, second] = [await tempDataDir(), await tempDataDir()];
  const cleanup = async () => {
    await database?.drop();
    if (process.env.TRANSPORTER) await deleteQueueStreams(process.env.TRANSPORTER, `bench-${run}`).catch(() => undefined);
  };
  const dirs = [first, second, { remove: cleanup }];
  const common = {
    NAMESPACE: `bench-${run}`,
    HOST: '127.0.0.1',
    JWT_SECRET: randomBytes(32).toString('hex'),
    WS_MESSAGES_PER_SECOND: '100000',
    // One sender at 1,000 msg/s: the per-user chat limit is lifted.
    DOJO_CHAT_PER_SECOND: '1000000',
    DOJO_CHAT_BURST: '1000000',
    DATABASE_URL: database?.url,
  };
  const servers: BenchProcess<Seeded>[] = [];
  try {
    if (!twoNodes) {
      const node = await startBenchProcess<Seeded>('bench/dojo/server.ts', { ...common, PORT: '0', SERVICES: 'gateway,dojo-room', DATA_DIR: first.path, BENCH_USERS: String(MEMBERS) });
      servers.push(node);
      return { servers, url: `ws://127.0.0.1:${node.info.port}/v1/ws`, tokens: node.info.tokens, dojoId: node.info.dojoId, dirs };
    }
    const cluster = { TRANSPORTER: process.env.TRANSPORTER, REDIS_URL: process.env.REDIS_URL };
    const room = await startBenchProcess<Seeded>('bench/dojo/server.ts', { ...common, ...cluster, NODE_ID: `room-${run}`, SERVICES: 'dojo-room', DATA_DIR: first.path, BENCH_USERS: String(MEMBERS) });
    servers.push(room);
    const gateway = await startBenchProcess<Seeded>('bench/dojo/server.ts', { ...common, ...cluster, NODE_ID: `gw-${run}`, PORT: '0', SERVICES: 'gateway', DATA_DIR: second.path });
    servers.push(gateway);
    await new Promise((r) => setTimeout(r, 2_500));
    return { servers, url: `ws://127.0.0.1:${gateway.info.port}/v1/ws`, tokens: room.info.tokens, dojoId: room.info.dojoId, dirs };
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(dirs.map((d) => d.remove()));
    throw error;
  }
}

async function scenario(
  name: string,
  seconds: number,
  setup: () => Promise<{ servers: BenchProcess<Seeded>[]; url: string; tokens?: string[]; count?: number; dojoId?: string; dirs?: Array<{ remove(): Promise<void> }> }>,
): Promise<Row> {
  const env = await setup();
  try {
    const room = await BenchRoom.open(env.url, { tokens: env.tokens, count: env.count, dojoId: env.dojoId, probes: PROBES });
    const cpu = () => Promise.all(env.servers.map((s) => s.cpuSeconds())).then((all) => all.reduce((a, b) => a + b, 0));
    const cpuBefore = await cpu();
    const started = Date.now();
    await room.steady(RATE, seconds);
    const cpuPercent = (100 * ((await cpu()) - cpuBefore)) / ((Date.now() - started) / 1000);
    // The sender and the probes read every frame; the other sockets only count theirs.
    const expected = RATE * seconds * (PROBES + 1);
    const row: Row = {
      scenario: name,
      sockets: room.sockets.length,
      'msg/s': RATE,
      'p50 ms': room.percentile(50),
      'p99 ms': room.percentile(99),
      'max ms': room.percentile(100),
      'delivered %': (100 * room.latencies.length) / expected,
      refused: room.refused,
      'server CPU %': cpuPercent,
    };
    row['max fan-out/s'] = Math.round(await room.saturate(3));
    room.close();
    return row;
  } finally {
    await Promise.all(env.servers.map((s) => s.stop()));
    await Promise.all((env.dirs ?? []).map((d) => d.remove()));
  }
}

function compare(row: Row, baseline: Row): Row {
  return {
    ...row,
    'x baseline p99': Number(baseline['p99 ms']) / Number(row['p99 ms']),
    'x baseline fan-out': Number(row['max fan-out/s']) / Number(baseline['max fan-out/s']),
  };
}
