import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { Context } from 'moleculer';
import { z } from 'zod';
import { signAccessToken } from '../infra/auth/jwt';
import { PUSH_SCHEMAS } from '../protocol/push';
import type { RouteDef } from '../protocol/rest/route';
import { WS_METHODS } from '../protocol/ws';
import { startTestNode, type TestNode } from '../test/support/node';
import { WsClient } from '../test/support/ws-client';

// A probe actor with routes of each kind, so the gateway core is exercised without any product actor.
const routes: RouteDef[] = [
  {
    method: 'POST',
    path: '/v1/probe/echo',
    auth: 'public',
    action: 'probe.echo',
    summary: 'echo',
    tag: 'probe',
    body: z.object({ name: z.string().min(1).max(10), count: z.number().int().min(0) }),
  },
  { method: 'GET', path: '/v1/probe/whoami', auth: 'user', action: 'probe.whoami', summary: 'who am I', tag: 'probe' },
  { method: 'GET', path: '/v1/probe/items/{id}', auth: 'user', action: 'probe.item', summary: 'item', tag: 'probe', params: z.object({ id: z.uuid() }) },
  { method: 'GET', path: '/v1/probe/ip', auth: 'public', action: 'probe.ip', summary: 'client address', tag: 'probe' },
  { method: 'GET', path: '/v1/probe/crash', auth: 'public', action: 'probe.crash', summary: 'crash', tag: 'probe' },
];

const probe = () => ({
  name: 'probe',
  actions: {
    echo: (ctx: Context<unknown>) => ctx.params,
    whoami: (ctx: Context<unknown, { auth: unknown }>) => ctx.meta.auth,
    item: (ctx: Context<{ id: string }>) => ({ id: ctx.params.id }),
    ip: (ctx: Context<unknown, { ip: string }>) => ({ ip: ctx.meta.ip }),
    crash: () => {
      throw new Error('secret internal detail');
    },
  },
});

const BUSY_DOJO = randomUUID();
// The room played here pushes made-up frames (the gateway relays frames without reading them).
const OPAQUE = { checkPushes: false };

// Plays the dojo room for signaling: joins put the session on a topic, pushes come through gateway.publish.
const room = () => ({
  name: 'dojo-room',
  actions: {
    signal: async (ctx: Context<{ method: string; data: { dojoId?: string } }>) => {
      if (ctx.params.method === 'room.join') {
        const dojoId = ctx.params.data.dojoId as string;
        const topic = `room/${dojoId}`;
        if (dojoId === BUSY_DOJO) {
          // Someone speaks between the join and the gateway subscribing the joiner.
          await ctx.call('gateway.publish', { topic, seq: 11, frame: JSON.stringify({ method: 'chat.message', data: { n: 11 }, seq: 11 }) });
          return { data: { role: 'participant', seq: 10 }, join: { dojoId, topic, seq: 10 } };
        }
        return { data: { role: 'participant' }, join: { dojoId, topic } };
      }
      return { data: { echoed: ctx.params.method } };
    },
  },
});

let app: TestNode;
let token: string;

test.before(async () => {
  app = await startTestNode({ services: ['gateway'], routes, extraServices: [probe, room], env: { WS_MESSAGES_PER_SECOND: '20' } });
  token = signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid: randomUUID() }, app.node.infra.jwtSecret, 900);
});

test.after.always(async () => {
  await app?.stop();
});

const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => fetch(`${app.url}${path}`, { method: 'POST', body, headers });

test('a valid JSON body reaches the action and comes back', async (t) => {
  const res = await post('/v1/probe/echo', JSON.stringify({ name: 'ada', count: 2 }));
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { name: 'ada', count: 2 });
  t.truthy(res.headers.get('x-request-id'));
  t.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  t.is(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  t.is(res.headers.get('cache-control'), 'no-store');
});

test('malformed JSON gets 400 with the error body', async (t) => {
  const res = await post('/v1/probe/echo', '{"name": "ada",');
  t.is(res.status, 400);
  t.like(await res.json(), { error: { code: 'MALFORMED_JSON' } });
});

test('field errors get 422 naming each field', async (t) => {
  const res = await post('/v1/probe/echo', JSON.stringify({ name: 'a-name-far-too-long', count: -1 }));
  t.is(res.status, 422);
  const body = (await res.json()) as { error: { code: string; fields: { field: string }[] } };
  t.is(body.error.code, 'VALIDATION_ERROR');
  t.deepEqual(body.error.fields.map((f) => f.field).sort(), ['count', 'name']);
});

test('a body past the limit gets 413', async (t) => {
  const big = JSON.stringify({ name: 'x', count: 1, pad: 'y'.repeat(5 * 1024 * 1024) });
  const res = await post('/v1/probe/echo', big);
  t.is(res.status, 413);
  t.like(await res.json(), { error: { code: 'PAYLOAD_TOO_LARGE' } });
});

test('a non-JSON content type gets 415', async (t) => {
  const res = await post('/v1/probe/echo', 'name=ada', { 'content-type': 'application/x-www-form-urlencoded' });
  t.is(res.status, 415);
});

test('unknown routes get 404 and a wrong method 405, both with the error body', async (t) => {
  const missing = await fetch(`${app.url}/v1/nothing-here`);
  t.is(missing.status, 404);
  t.like(await missing.json(), { error: { code: 'NOT_FOUND' } });
  const wrong = await fetch(`${app.url}/v1/probe/echo`);
  t.is(wrong.status, 405);
  t.is(wrong.headers.get('allow'), 'POST');
});

test('a protected route without a token gets 401; a valid token passes its identity on', async (t) => {
  const anonymous = await fetch(`${app.url}/v1/probe/whoami`);
  t.is(anonymous.status, 401);
  t.like(await anonymous.json(), { error: { code: 'UNAUTHORIZED' } });
  const forged = await fetch(`${app.url}/v1/probe/whoami`, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
  t.is(forged.status, 401);
  const res = await fetch(`${app.url}/v1/probe/whoami`, { headers: { authorization: `Bearer ${token}` } });
  t.is(res.status, 200);
  t.truthy(((await res.json()) as { userId: string }).userId);
});

test('a malformed path id gets 422 naming it', async (t) => {
  const res = await fetch(`${app.url}/v1/probe/items/not-a-uuid`, { headers: { authorization: `Bearer ${token}` } });
  t.is(res.status, 422);
  t.like(await res.json(), { error: { fields: [{ field: 'id' }] } });
});

test('malformed percent-encoding in a path id gets 400 naming it, before authentication, and the node keeps serving', async (t) => {
  for (const bad of ['%', '%zz', '%E0%A4%A']) {
    const res = await fetch(`${app.url}/v1/probe/items/${bad}`);
    t.is(res.status, 400, bad);
    t.deepEqual(await res.json(), {
      error: { code: 'BAD_REQUEST', message: 'id in the path is not valid percent-encoding', fields: [{ field: 'id', message: 'is not valid percent-encoding' }] },
    });
  }
  const ok = await fetch(`${app.url}/v1/probe/items/${encodeURIComponent(randomUUID())}`, { headers: { authorization: `Bearer ${token}` } });
  t.is(ok.status, 200);
});

test('an action failure becomes a bare 500 without internals', async (t) => {
  const res = await fetch(`${app.url}/v1/probe/crash`);
  t.is(res.status, 500);
  const text = await res.text();
  t.false(text.includes('secret internal detail'));
  t.like(JSON.parse(text), { error: { code: 'INTERNAL' } });
});

test('CORS preflight lists the methods of the path', async (t) => {
  const res = await fetch(`${app.url}/v1/probe/echo`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
  t.is(res.status, 204);
  t.is(res.headers.get('access-control-allow-origin'), 'https://app.example');
  t.regex(res.headers.get('access-control-allow-methods') ?? '', /POST/);
});

test('operations endpoints answer', async (t) => {
  t.is((await fetch(`${app.url}/health`)).status, 200);
  const ready = await fetch(`${app.url}/ready`);
  t.is(ready.status, 200);
  t.like(await ready.json(), { status: 'ready', checks: { broker: 'ok', kv: 'ok' } });
  // Metrics are for the operator's scraper, on the operations port only; the public port has none.
  const hidden = await fetch(`${app.url}/metrics`);
  t.is(hidden.status, 404);
  t.like(await hidden.json(), { error: { code: 'NOT_FOUND' } });
  await post('/v1/probe/echo', JSON.stringify({ name: 'ada', count: 2 }));
  const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
  t.regex(metrics, /^pocdojo_http_requests_total\{route="\/v1\/probe\/echo",method="POST",status="\d+"\} [1-9]/m);
  t.regex(metrics, /^pocdojo_process_cpu_seconds_total /m);
  const openapi = (await (await fetch(`${app.url}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  t.truthy(openapi.paths['/v1/probe/echo']?.post);
  t.truthy(openapi.paths['/v1/probe/items/{id}']?.get);
  // The WebSocket contract, from the same tables the gateway serves: every method and push.
  const asyncapi = (await (await fetch(`${app.url}/v1/asyncapi.json`)).json()) as AsyncApi;
  t.is(asyncapi.asyncapi, '3.0.0');
  t.is(asyncapi.channels.signaling.address, '/v1/ws');
  t.deepEqual(Object.keys(asyncapi.operations).filter((k) => k.startsWith('request.')).length, Object.keys(WS_METHODS).length);
  t.deepEqual(Object.keys(asyncapi.operations).filter((k) => k.startsWith('push.')).length, Object.keys(PUSH_SCHEMAS).length);
  for (const [method, field] of [
    ['media.restartIce', 'transportId'],
    ['media.closeTransport', 'transportId'],
    ['media.pauseConsumer', 'consumerId'],
  ] as const) {
    t.like(asyncapi.operations[`request.${method}`], { action: 'send', reply: { messages: [{ $ref: '#/channels/signaling/messages/reply' }] } });
    const message = asyncapi.channels.signaling.messages[`request.${method}`];
    t.regex(message?.summary ?? '', /\w/, `${method} says what it does`);
    t.true(message?.payload.properties.data.required?.includes(field), `${method} requires ${field}`);
  }
  t.like(asyncapi.channels.signaling.messages['request.media.produce'], { 'x-roles': { allowed: ['facilitator', 'participant'] } });
  t.like(asyncapi.operations['push.media.layersChanged'], { action: 'receive' });
});

interface AsyncApi {
  asyncapi: string;
  channels: { signaling: { address: string; messages: Record<string, { summary?: string; payload: { properties: { data: { required?: string[] } } } }> } };
  operations: Record<string, unknown>;
}

test('the socket refuses a missing or bad token', async (t) => {
  const error = await t.throwsAsync(WsClient.connect(app.wsUrl));
  t.is((error as { status?: number }).status, 401);
  await t.throwsAsync(WsClient.connect(app.wsUrl, 'a.b.c'));
});

test('the socket welcomes, answers ping, and survives bad frames', async (t) => {
  const client = await WsClient.connect(app.wsUrl, token);
  const welcome = await client.nextPush((f) => f.method === 'session.welcome');
  t.truthy(welcome.data.sessionId);
  t.true(welcome.data.heartbeatMs > 0);
  t.like(await client.request('ping'), { ok: true, data: { pong: true } });
  t.like(await client.requestRaw('{not json', null as unknown as number), { ok: false, error: { code: 'BAD_FRAME' } });
  t.like(await client.request('no.such.method'), { ok: false, error: { code: 'UNKNOWN_METHOD' } });
  const invalid = await client.request('chat.send', { text: '' });
  t.like(invalid, { ok: false, error: { code: 'VALIDATION_ERROR' } });
  t.deepEqual(invalid.error?.fields?.map((f) => f.field).sort(), ['data.clientMsgId', 'data.text']);
  t.like(await client.request('ping'), { ok: true });
  t.is(client.closed, undefined);
  await client.close();
});

test('the token also works as a query parameter', async (t) => {
  const client = await WsClient.connect(app.wsUrl, token, 'query');
  t.like(await client.request('ping'), { ok: true });
  await client.close();
});

test('a flooding socket is told to slow down', async (t) => {
  const client = await WsClient.connect(app.wsUrl, token);
  const replies = await Promise.all(Array.from({ length: 60 }, () => client.request('ping')));
  t.true(replies.some((r) => r.error?.code === 'RATE_LIMITED'));
  t.true(replies.some((r) => r.ok));
  await client.close();
});

test('resume replays what a dropped client missed, in order', async (t) => {
  const dojoId = randomUUID();
  const first = await WsClient.connect(app.wsUrl, token, 'protocol', OPAQUE);
  const { data: welcome } = await first.nextPush((f) => f.method === 'session.welcome');
  t.like(await first.request('room.join', { dojoId }), { ok: true, data: { role: 'participant' } });
  const publish = (seq: number) => app.node.broker.call('gateway.publish', { topic: `room/${dojoId}`, seq, frame: JSON.stringify({ method: 'chat.message', data: { n: seq }, seq }) });
  await publish(1);
  t.like(await first.nextPush((f) => f.method === 'chat.message'), { seq: 1 });
  first.socket.terminate();
  await new Promise((r) => setTimeout(r, 100));
  await publish(2);
  await publish(3);
  const second = await WsClient.connect(app.wsUrl, token, 'protocol', OPAQUE);
  const resumed = await second.request('session.resume', { sessionId: welcome.sessionId, lastSeq: 1 });
  t.like(resumed, { ok: true, data: { sessionId: welcome.sessionId, replayed: 2 } });
  const missed = second.pushes.filter((f) => f.method === 'chat.message').map((f) => f.seq);
  t.deepEqual(missed, [2, 3]);
  // Live pushes reach the resumed session too.
  await publish(4);
  t.like(await second.nextPush((f) => f.method === 'chat.message' && f.seq === 4), { data: { n: 4 } });
  await second.close();
});

test('resume of an unknown session or a too-old position asks for a rejoin', async (t) => {
  const client = await WsClient.connect(app.wsUrl, token);
  t.like(await client.request('session.resume', { sessionId: 'nope', lastSeq: 0 }), { ok: false, error: { code: 'RESUME_EXPIRED' } });
  await client.close();
});

test('another user cannot take over a session', async (t) => {
  const first = await WsClient.connect(app.wsUrl, token);
  const { data: welcome } = await first.nextPush((f) => f.method === 'session.welcome');
  const other = signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid: randomUUID() }, app.node.infra.jwtSecret, 900);
  const intruder = await WsClient.connect(app.wsUrl, other);
  t.like(await intruder.request('session.resume', { sessionId: welcome.sessionId, lastSeq: 0 }), { ok: false, error: { code: 'FORBIDDEN' } });
  await Promise.all([first.close(), intruder.close()]);
});

test('a revoked session loses REST and socket access at once', async (t) => {
  const sid = randomUUID();
  const revoked = signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid }, app.node.infra.jwtSecret, 900);
  t.is((await fetch(`${app.url}/v1/probe/whoami`, { headers: { authorization: `Bearer ${revoked}` } })).status, 200);
  await app.node.broker.broadcast('auth.session.revoked', { sessionId: sid, untilMs: Date.now() + 900_000 });
  await new Promise((r) => setTimeout(r, 50));
  t.is((await fetch(`${app.url}/v1/probe/whoami`, { headers: { authorization: `Bearer ${revoked}` } })).status, 401);
  await t.throwsAsync(WsClient.connect(app.wsUrl, revoked));
});

test('a push made between a join and the subscription still reaches the joiner, after the reply', async (t) => {
  const client = await WsClient.connect(app.wsUrl, token, 'protocol', OPAQUE);
  t.like(await client.request('room.join', { dojoId: BUSY_DOJO }), { ok: true, data: { seq: 10 } });
  t.like(await client.nextPush((f) => f.method === 'chat.message'), { seq: 11, data: { n: 11 } });
  await client.close();
});

test('a client cannot choose its address with X-Forwarded-For (no trusted proxy configured)', async (t) => {
  const res = await fetch(`${app.url}/v1/probe/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  t.deepEqual(await res.json(), { ip: '127.0.0.1' });
});
