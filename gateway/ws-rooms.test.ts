import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { Context } from 'moleculer';
import { signAccessToken } from '../infra/auth/jwt';
import { startTestNode, type TestNode } from '../test/support/node';
import { WsClient, type Frame } from '../test/support/ws-client';

// Plays a room actor whose sessions may be in several rooms at once (breakout rooms): a join
// never leaves the other rooms. It records the params of every call, to show which room each is for.
const calls: Array<{ method: string; dojoId?: string; rooms?: string[] }> = [];
const breakouts = () => ({
  name: 'dojo-room',
  actions: {
    signal: (ctx: Context<{ method: string; dojoId?: string; rooms?: string[] }>) => {
      const { method, dojoId, rooms } = ctx.params;
      calls.push({ method, dojoId, rooms });
      if (method === 'room.join') return { data: { joined: dojoId }, join: { dojoId, topic: `breakout/${dojoId}`, seq: 0 }, owner: ctx.nodeID };
      // A leave whose answer is slow: a join sent right after it is answered first.
      if (method === 'room.leave') return new Promise((resolve) => setTimeout(() => resolve({ data: {}, leave: true }), 300));
      return { data: {} };
    },
  },
});

let app: TestNode;
let token: string;

test.before(async () => {
  app = await startTestNode({ services: ['gateway'], extraServices: [breakouts] });
  token = signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid: randomUUID() }, app.node.infra.jwtSecret, 900);
});

test.after.always(async () => {
  await app?.stop();
});

const publish = (room: string, seq: number) => app.node.broker.call('gateway.publish', { topic: `breakout/${room}`, seq, frame: JSON.stringify({ method: 'chat.message', data: { room, seq }, seq }) });
const chats = (client: WsClient) => client.pushes.filter((f: Frame) => f.method === 'chat.message').map((f) => `${f.data.room}:${f.seq}`);
const lastCall = () => calls.at(-1);
// The room played here pushes made-up frames (the gateway relays frames without reading them).
const OPAQUE = { checkPushes: false };

async function inRooms(rooms: string[]): Promise<{ client: WsClient; sessionId: string }> {
  const client = await WsClient.connect(app.wsUrl, token, 'protocol', OPAQUE);
  const welcome = await client.nextPush((f) => f.method === 'session.welcome');
  for (const dojoId of rooms) {
    const reply = await client.request('room.join', { dojoId });
    if (!reply.ok) throw new Error(`join failed: ${JSON.stringify(reply.error)}`);
  }
  return { client, sessionId: welcome.data.sessionId as string };
}

test.serial('a session in two rooms gets the pushes of both, and each call says which room it is for', async (t) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const { client, sessionId } = await inRooms([a]);
  t.like(lastCall(), { method: 'room.join', dojoId: a, rooms: undefined });
  t.like(await client.request('chat.send', { text: 'one room', clientMsgId: 'c1' }), { ok: true });
  t.like(lastCall(), { method: 'chat.send', dojoId: a });
  // Joining a room the session is not in names the rooms it is in, for the actor's policy.
  t.like(await client.request('room.join', { dojoId: b }), { ok: true, data: { joined: b } });
  t.deepEqual(lastCall(), { method: 'room.join', dojoId: b, rooms: [a] });
  await publish(a, 1);
  await publish(b, 1);
  await client.nextPush((f) => f.method === 'chat.message' && f.data.room === b);
  t.deepEqual(chats(client), [`${a}:1`], "the first room's push came too (nextPush took the second's)");
  // In several rooms, a call that names none is for none: the actor answers it.
  t.like(await client.request('chat.send', { text: 'which?', clientMsgId: 'c2' }), { ok: true });
  t.like(lastCall(), { method: 'chat.send', dojoId: undefined });

  // A room removes the session (a kick): only that room's topic is left.
  const kicked = { method: 'room.kicked', data: { dojoId: a } };
  await app.node.broker.call('gateway.sendToSessions', { sessionIds: [sessionId], frame: JSON.stringify(kicked), unsubscribe: true, topic: `breakout/${a}` });
  await publish(a, 2);
  await publish(b, 2);
  await client.nextPush((f) => f.method === 'chat.message' && f.data.room === b && f.seq === 2);
  t.deepEqual(chats(client), [`${a}:1`], 'nothing more from the room that removed the session');
  // Back to one room: calls that name none are for it again.
  t.like(await client.request('chat.send', { text: 'one room again', clientMsgId: 'c3' }), { ok: true });
  t.like(lastCall(), { method: 'chat.send', dojoId: b });
  await client.close();
});

test.serial('a session in several rooms resumes each from its own position; without them it is told to rejoin', async (t) => {
  const [a, b] = [randomUUID(), randomUUID()];
  const first = await inRooms([a, b]);
  await publish(a, 1);
  await publish(b, 7);
  await first.client.nextPush((f) => f.method === 'chat.message' && f.data.room === b);
  first.client.socket.terminate();
  await new Promise((r) => setTimeout(r, 100));
  await publish(a, 2);
  await publish(b, 8);
  const second = await WsClient.connect(app.wsUrl, token, 'protocol', OPAQUE);
  // One lastSeq cannot say where the client was in two rooms (each room counts its own).
  t.like(await second.request('session.resume', { sessionId: first.sessionId, lastSeq: 7 }), { ok: false, error: { code: 'RESUME_EXPIRED' } });
  const resumed = await second.request('session.resume', { sessionId: first.sessionId, lastSeq: 0, lastSeqs: { [a]: 1, [b]: 7 } });
  t.like(resumed, { ok: true, data: { sessionId: first.sessionId, replayed: 2 } });
  t.deepEqual(chats(second).sort(), [`${a}:2`, `${b}:8`].sort());
  // Both rooms' live pushes reach the resumed socket.
  await publish(a, 3);
  await publish(b, 9);
  await second.nextPush((f) => f.method === 'chat.message' && f.data.room === b && f.seq === 9);
  t.true(chats(second).includes(`${a}:3`));
  await second.close();
});

test.serial('a join answered before the leave sent just before it keeps the session in the room', async (t) => {
  const room = randomUUID();
  const { client } = await inRooms([room]);
  // The client leaves and joins again without waiting for the leave's answer (a page quickly
  // closing and reopening a room): the leave's late answer must not undo the newer join.
  const [left, joined] = await Promise.all([client.request('room.leave', { dojoId: room }), client.request('room.join', { dojoId: room })]);
  t.like(left, { ok: true });
  t.like(joined, { ok: true });
  t.like(await client.request('chat.send', { dojoId: room, text: 'still here', clientMsgId: 'r1' }), { ok: true }, 'the gateway still has the session in the room');
  await publish(room, 1);
  const pushed = await client.nextPush((f) => f.method === 'chat.message' && f.data.room === room);
  t.is(pushed.seq, 1, "the room's pushes still come (the topic was not unsubscribed)");
  await client.close();
});
