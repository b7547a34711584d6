import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase } from '../test/support/database';
import { tempDataDir } from '../test/support/dirs';
import { deleteQueueStreams } from '../test/support/nats';
import { WsClient, type Frame } from '../test/support/ws-client';
import type { Row } from './lib/table';
import { startBenchProcess } from './dojo/spawn';

interface Seeded {
  port: number;
  tenantId: string;
  dojoId: string;
  tokens: string[];
}

const MEMBERS = 100;
const ROOM_SIZE = 4;
const MESSAGES = 200;
const PER_SECOND = 50;

/**
 * Katas on one node (gateway, dojo-room, kata in one process; the clients in this one):
 * 1. `rooms/auto` splits 100 present participants into 25 rooms of 4: the time until every
 *    member has its kata.roomAssigned and has joined its breakout room (goal <= 2 s);
 * 2. the facilitator's kata.broadcast reaching every member, against a chat message in the same
 *    100-member main room in the same run (the baseline): a broadcast travels gateway -> kata ->
 *    dojo-room's main room -> gateway, a chat message gateway -> dojo-room -> gateway.
 */
export async function run(): Promise<Row[]> {
  const runId = randomBytes(4).toString('hex');
  const database = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  const dir = await tempDataDir();
  const server = await startBenchProcess<Seeded>('bench/dojo/server.ts', {
    NAMESPACE: `bench-${runId}`,
    HOST: '127.0.0.1',
    PORT: '0',
    SERVICES: 'gateway,dojo-room,kata',
    DATA_DIR: dir.path,
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: database?.url,
    WS_MESSAGES_PER_SECOND: '100000',
    DOJO_CHAT_PER_SECOND: '1000000',
    DOJO_CHAT_BURST: '1000000',
    BENCH_USERS: String(MEMBERS + 1),
  });
  const clients: WsClient[] = [];
  try {
    const { port, dojoId, tokens } = server.info;
    const url = `ws://127.0.0.1:${port}/v1/ws`;
    const http = `http://127.0.0.1:${port}`;
    const [facToken, ...memberTokens] = tokens as [string, ...string[]];
    const connect = async (token: string) => {
      const client = await WsClient.connect(url, token, 'protocol', { checkPushes: false });
      clients.push(client);
      const welcome = await client.nextPush((f) => f.method === 'session.welcome');
      const joined = await client.request('room.join', { dojoId }, 30_000);
      if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined.error)}`);
      return { client, userId: JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).sub as string, sessionId: welcome.data.sessionId as string };
    };
    const fac = await connect(facToken);
    const members: Array<Awaited<ReturnType<typeof connect>>> = [];
    for (let i = 0; i < memberTokens.length; i += 20) members.push(...(await Promise.all(memberTokens.slice(i, i + 20).map(connect))));
    const rest = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${http}${path}`, {
        method,
        headers: { authorization: `Bearer ${facToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const kata = await rest('POST', '/v1/katas', {
      dojo_id: dojoId,
      title: 'Bench',
      statement: 'Split and talk.',
      language: 'javascript',
      starter_code: '// go\n',
      duration_minutes: 60,
      room_size: ROOM_SIZE,
    });
    const kataId = kata.id as string;

    // 1. The split: every member waits for its assignment and joins its room.
    const started = performance.now();
    const assignedAt: number[] = [];
    const joinedAt: number[] = [];
    const seated = Promise.all(
      members.map(async (m) => {
        const push = await m.client.nextPush((f: Frame) => f.method === 'kata.roomAssigned' && (f.data.userIds as string[]).includes(m.userId), 30_000);
        assignedAt.push(performance.now() - started);
        const joined = await m.client.request('room.join', { dojoId: push.data.roomId }, 30_000);
        if (!joined.ok) throw new Error(`breakout join failed: ${JSON.stringify(joined.error)}`);
        joinedAt.push(performance.now() - started);
      }),
    );
    const auto = await rest('POST', `/v1/katas/${kataId}/rooms/auto`, { size: ROOM_SIZE });
    const replied = performance.now() - started;
    await seated;
    const rooms = (auto.rooms as unknown[]).length;

    // 2. Delivery to every member: the facilitator's broadcast vs a chat message in the main room.
    const chat = await deliveries(
      members,
      (f) => f.method === 'chat.message' && f.room === dojoId,
      (i) => fac.client.request('chat.send', { dojoId, text: `t${now()}|${i}`, clientMsgId: randomUUID() }),
    );
    const broadcast = await deliveries(
      members,
      (f) => f.method === 'kata.broadcast',
      (i) => fac.client.request('kata.broadcast', { kataId, text: `t${now()}|${i}` }),
    );
    await rest('PUT', `/v1/katas/${kataId}/end`);

    return [
      {
        scenario: `rooms/auto: ${MEMBERS} present participants into ${rooms} rooms of ${ROOM_SIZE}`,
        'REST reply ms': replied,
        'all assigned ms': Math.max(...assignedAt),
        'all joined ms': Math.max(...joinedAt),
        'goal ms': 2000,
      },
      deliveryRow(`chat message in the ${MEMBERS}-member main room (baseline)`, chat),
      { ...deliveryRow(`facilitator kata.broadcast to ${rooms} rooms`, broadcast), 'p99 / baseline p99': percentile(broadcast, 99) / percentile(chat, 99) },
    ];
  } finally {
    for (const c of clients) c.socket.terminate();
    await server.stop();
    await dir.remove();
    await database?.drop();
    if (process.env.TRANSPORTER) await deleteQueueStreams(process.env.TRANSPORTER, `bench-${runId}`).catch(() => undefined);
  }
}

/**
 * Sends MESSAGES at PER_SECOND with `send(i)` (its text starts with the send time); returns each
 * member's delivery latency of each message (ms), read from the member sockets as they arrive.
 */
async function deliveries(members: ReadonlyArray<{ client: WsClient }>, match: (f: Frame) => boolean, send: (i: number) => Promise<Frame>): Promise<number[]> {
  const latencies: number[] = [];
  const listeners = members.map(({ client }) => {
    const listener = (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as Frame;
      if (frame.id !== undefined || !match(frame)) return;
      const sentAt = Number(/^t([\d.]+)\|/.exec(String(frame.data.text))?.[1]);
      latencies.push(now() - sentAt);
    };
    client.socket.on('message', listener);
    return () => client.socket.off('message', listener);
  });
  const replies: Array<Promise<Frame>> = [];
  for (let i = 0; i < MESSAGES; i++) {
    replies.push(send(i));
    await new Promise((r) => setTimeout(r, 1000 / PER_SECOND));
  }
  const answered = await Promise.all(replies);
  const refused = answered.filter((r) => !r.ok);
  if (refused.length > 0) throw new Error(`refused: ${JSON.stringify(refused[0]?.error)}`);
  await new Promise((r) => setTimeout(r, 500));
  for (const off of listeners) off();
  for (const { client } of members) client.pushes.length = 0;
  return latencies;
}

/** Milliseconds, sub-millisecond: the clients and the clock are in this one process. */
const now = () => performance.timeOrigin + performance.now();

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function deliveryRow(scenario: string, latencies: readonly number[]): Row {
  return {
    scenario,
    messages: MESSAGES,
    'delivered %': (100 * latencies.length) / (MESSAGES * MEMBERS),
    'p50 ms': percentile(latencies, 50),
    'p99 ms': percentile(latencies, 99),
    'max ms': percentile(latencies, 100),
  };
}
