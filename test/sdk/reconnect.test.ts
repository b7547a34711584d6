import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import test from 'ava';
import type WebSocket from 'ws';
import type { ChatMessage, PocdojoClient, Room } from '../../clients/sdk/src/index';
import { api, liveDojo, startDojoNode } from '../../actors/dojo-room/testing';
import { createTenant, type TestTenant } from '../support/accounts';
import type { TestNode } from '../support/node';
import { eventually, interceptingWebSocket, percentile, sdkClient, TcpProxy } from './support';

// Reconnects as a phone lives them: the network cut under a live socket mid-chat, the SDK back
// in the room on its own. What must hold: every message the server acknowledged is there exactly
// once for everyone, and the shared code holds each edit exactly once.

let app: TestNode;
let tenant: TestTenant;
const clients: PocdojoClient[] = [];

test.before(async () => {
  app = await startDojoNode();
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  for (const client of clients) client.close();
  await app?.stop();
});

/** A proxy of the test's own in front of the node (tests of a file run side by side). */
async function proxyFor(t: import('ava').ExecutionContext): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(Number(new URL(app.url).port));
  t.teardown(() => proxy.close());
  return proxy;
}

async function join(baseUrl: string, user: TestTenant['members'][number], dojoId: string, options: Parameters<typeof sdkClient>[3] = {}): Promise<{ client: PocdojoClient; room: Room }> {
  const client = await sdkClient(baseUrl, tenant, user, options);
  clients.push(client);
  return { client, room: await client.join(dojoId) };
}

/** The room is back and has nothing left to send: no chat waiting, no code edit unacknowledged. */
function settled(room: Room, client: PocdojoClient): boolean {
  return client.connection.state === 'open' && room.state === 'joined' && room.pendingMessages.length === 0 && !room.code.pending;
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

function assertOnceEach(t: import('ava').ExecutionContext, messages: ChatMessage[], acked: ChatMessage[], who: string): void {
  const ids = messages.map((m) => m.messageId);
  t.is(new Set(ids).size, ids.length, `${who}: no message twice`);
  t.is(new Set(messages.map((m) => m.clientMsgId)).size, messages.length, `${who}: no clientMsgId twice`);
  for (const m of acked) t.true(ids.includes(m.messageId), `${who} has "${m.text}"`);
}

test('the network cut mid-chat ten times: nothing acknowledged lost, nothing doubled (reconnect time measured)', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea]);
  // Ana goes through the proxy (her network is cut); Bea watches from a direct connection.
  const proxy = await proxyFor(t);
  const a = await join(proxy.url, ana, dojoId);
  const b = await join(app.url, bea, dojoId);
  let resumes = 0;
  a.client.connection.on('resumed', () => resumes++);

  const acked: Array<Promise<ChatMessage>> = [];
  const times: number[] = [];
  for (let cut = 0; cut < 10; cut++) {
    acked.push(a.room.sendChat(`before cut ${cut}`));
    a.room.code.text.insert(a.room.code.text.length, `line ${cut}\n`);
    // A message in flight as the socket dies: the server may or may not have it; the SDK must not care.
    const inFlight = a.room.sendChat(`during cut ${cut}`);
    acked.push(inFlight);
    // Listened for before the cut: the reconnect can be over before a poll would look.
    const noticed = a.client.connection.next('state', (state) => state === 'reconnecting');
    const cutAt = performance.now();
    if (cut % 2 === 0) proxy.cut();
    else (a.client.connection.socket as unknown as WebSocket).terminate();
    await noticed;
    await inFlight;
    await eventually(() => settled(a.room, a.client), `back in the room after cut ${cut}`);
    times.push(performance.now() - cutAt);
    acked.push(a.room.sendChat(`after cut ${cut}`));
  }
  const messages = await Promise.all(acked);
  t.is(resumes, 10, 'each cut was resumed, not rejoined');

  await eventually(() => b.room.messages.length === messages.length, 'every message on the watcher');
  assertOnceEach(t, b.room.messages, messages, 'watcher');
  assertOnceEach(t, a.room.messages, messages, 'sender');
  t.deepEqual(
    b.room.messages.map((m) => m.text),
    messages.map((m) => m.text),
    'in the order sent',
  );

  // What the dojo kept: each clientMsgId once.
  await eventually(async () => (await api(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac.token)).body.messages.length === messages.length, 'the stored chat');
  const stored = (await api<{ messages: Array<{ client_msg_id: string }> }>(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac.token)).body.messages;
  t.is(new Set(stored.map((m) => m.client_msg_id)).size, messages.length);

  await eventually(() => b.room.code.text.toString() === a.room.code.text.toString(), 'the same code on both');
  for (let cut = 0; cut < 10; cut++) t.is(occurrences(b.room.code.text.toString(), `line ${cut}\n`), 1, `line ${cut} once`);

  const p50 = percentile(times, 50);
  const p95 = percentile(times, 95);
  t.log(
    `reconnect (cut -> back in the room, nothing pending) over ${times.length} cuts on loopback: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms; all: ${times.map((ms) => ms.toFixed(0)).join(', ')}`,
  );
});

test('a session the server no longer has: the room is joined again, offline edits sync once, the outbox goes out', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea]);
  // The server-side forgetting (its resume window passed, its gateway restarted) is played by
  // resuming a session id it never issued: it answers RESUME_EXPIRED as it would then.
  let forget = false;
  const WebSocketClass = interceptingWebSocket((frame) => {
    if (forget && frame.method === 'session.resume') frame.data.sessionId = randomUUID();
  });
  const a = await join(app.url, ana, dojoId, { WebSocket: WebSocketClass });
  const b = await join(app.url, bea, dojoId);
  a.room.code.text.insert(0, 'shared start\n');
  await eventually(() => b.room.code.text.toString() === 'shared start\n', 'the first line on b');

  const states: string[] = [];
  a.room.on('state', (state) => states.push(state));
  forget = true;
  (a.client.connection.socket as unknown as WebSocket).terminate();
  // Typed and sent while the socket is gone.
  a.room.code.text.insert(a.room.code.text.length, 'typed offline\n');
  const away = a.room.sendChat('written while away');
  await eventually(() => states.includes('rejoining') && a.room.state === 'joined', 'the room joined again');
  const message = await away;
  await eventually(() => settled(a.room, a.client), 'nothing left to send');

  await eventually(() => b.room.code.text.toString() === a.room.code.text.toString(), 'the same code on both');
  t.is(b.room.code.text.toString(), 'shared start\ntyped offline\n', 'each line once: the rejoin sent only what the server lacked');
  await eventually(() => b.room.messages.some((m) => m.messageId === message.messageId), 'the message on b');
  t.is(b.room.messages.filter((m) => m.clientMsgId === message.clientMsgId).length, 1);
  t.is(a.room.messages.filter((m) => m.clientMsgId === message.clientMsgId).length, 1);
});

test('a path that dies silently is noticed by the heartbeat, and the SDK resumes with nothing lost', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea]);
  const proxy = await proxyFor(t);
  const a = await join(proxy.url, ana, dojoId, { heartbeatMs: 300 });
  const b = await join(app.url, bea, dojoId);
  const resumed = a.client.connection.next('resumed');
  // No close, no reset: the bytes just stop (the proxy keeps both TCP connections open).
  proxy.freeze();
  const message = await a.room.sendChat('sent into the void');
  await resumed;
  await eventually(() => b.room.messages.some((m) => m.messageId === message.messageId), 'the message on b');
  t.is(b.room.messages.filter((m) => m.clientMsgId === message.clientMsgId).length, 1);
  t.is(a.client.connection.state, 'open');
});
