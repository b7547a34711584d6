import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { Context } from 'moleculer';
import { signAccessToken } from '../infra/auth/jwt';
import type { RouteDef } from '../protocol/rest/route';
import { startTestNode, type TestNode } from '../test/support/node';
import { WsClient } from '../test/support/ws-client';

// An action on the gateway's own node that answers only when the test lets it, and a quick one.
const routes: RouteDef[] = [
  { method: 'GET', path: '/v1/slow/late', auth: 'public', action: 'slow.late', summary: 'late', tag: 'slow' },
  { method: 'GET', path: '/v1/slow/quick', auth: 'public', action: 'slow.quick', summary: 'quick', tag: 'slow' },
];
let release!: () => void;
const released = new Promise<void>((resolve) => (release = resolve));
let lateAnswered = false;
const slow = () => ({
  name: 'slow',
  actions: {
    late: async () => {
      await released;
      lateAnswered = true;
      return { late: true };
    },
    quick: () => ({ quick: true }),
  },
});

// Plays the dojo room: a chat message hangs until the test lets it go, anything else answers.
let releaseChat!: () => void;
const chatReleased = new Promise<void>((resolve) => (releaseChat = resolve));
let chatAnswered = false;
const room = () => ({
  name: 'dojo-room',
  actions: {
    signal: async (ctx: Context<{ method: string }>) => {
      if (ctx.params.method === 'chat.send') {
        await chatReleased;
        chatAnswered = true;
      }
      return { data: { echoed: ctx.params.method } };
    },
  },
});

let app: TestNode;

test.before(async () => {
  app = await startTestNode({ services: ['gateway'], routes, extraServices: [slow, room], env: { REQUEST_TIMEOUT_MS: '300' } });
});

test.after.always(async () => {
  release();
  releaseChat();
  await app?.stop();
});

test('a local action past the request timeout gets 504 with the error body; its late answer is dropped', async (t) => {
  const res = await fetch(`${app.url}/v1/slow/late`);
  t.is(res.status, 504);
  t.like(await res.json(), { error: { code: 'TIMEOUT', message: 'The service did not answer in time' } });
  t.false(lateAnswered, 'answered before the action did');
  // The gateway goes on serving; the action runs to its end, and its answer goes nowhere.
  t.deepEqual(await (await fetch(`${app.url}/v1/slow/quick`)).json(), { quick: true });
  release();
  await released;
  await new Promise((resolve) => setImmediate(resolve));
  t.true(lateAnswered);
  t.deepEqual(await (await fetch(`${app.url}/v1/slow/quick`)).json(), { quick: true }, 'and nothing broke when it came');
});

test('a socket request to a local action past the timeout gets a TIMEOUT reply; the socket lives on and the late result is dropped', async (t) => {
  const token = signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid: randomUUID() }, app.node.infra.jwtSecret, 900);
  const client = await WsClient.connect(app.wsUrl, token);
  try {
    const reply = await client.request('chat.send', { text: 'hello', clientMsgId: randomUUID() });
    t.like(reply, { ok: false, error: { code: 'TIMEOUT', message: 'The service did not answer in time' } });
    t.false(chatAnswered);
    t.like(await client.request('awareness.update', { state: Buffer.from('cursor').toString('base64') }), { ok: true, data: { echoed: 'awareness.update' } });
    releaseChat();
    await chatReleased;
    t.like(await client.request('ping'), { ok: true }, 'the late chat result broke nothing');
    t.true(chatAnswered);
    t.is(client.closed, undefined);
  } finally {
    await client.close();
  }
});
