import { randomUUID } from 'node:crypto';
import test from 'ava';
import { Errors, type Context } from 'moleculer';
import { signAccessToken } from '../infra/auth/jwt';
import type { RouteDef } from '../protocol/rest/route';
import { startTestNode, type TestNode } from '../test/support/node';
import { WsClient } from '../test/support/ws-client';

// Actions that fail once with an error the broker's retry policy would retry (as when the node
// holding the room died), then succeed: a retry would show as a second call and a success.
const calls = { signal: 0, create: 0 };
const nodeGone = () => new Errors.MoleculerRetryableError('the node went away', 503, 'REQUEST_REJECTED');
const room = () => ({
  name: 'dojo-room',
  actions: {
    signal: (ctx: Context<{ method: string }>) => {
      if (ctx.params.method !== 'chat.send') return { data: {} };
      if (calls.signal++ === 0) throw nodeGone();
      return { data: { replayed: true } };
    },
  },
});
const routes: RouteDef[] = [{ method: 'POST', path: '/v1/flaky', auth: 'public', action: 'flaky.create', summary: 'flaky', tag: 'flaky' }];
const flaky = () => ({
  name: 'flaky',
  actions: {
    create: () => {
      if (calls.create++ === 0) throw nodeGone();
      return { created: true };
    },
  },
});

let app: TestNode;

test.before(async () => {
  app = await startTestNode({ services: ['gateway'], routes, extraServices: [room, flaky] });
});

test.after.always(async () => {
  await app?.stop();
});

test('a socket signal that failed is not re-sent by the broker: the client retries with its own id', async (t) => {
  const token = signAccessToken({ sub: randomUUID(), tid: randomUUID(), role: 'member', sid: randomUUID() }, app.node.infra.jwtSecret, 900);
  const client = await WsClient.connect(app.wsUrl, token);
  t.teardown(() => client.close());
  const reply = await client.request('chat.send', { text: 'once', clientMsgId: randomUUID() });
  t.like(reply, { ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
  t.is(calls.signal, 1);
});

test('a REST call that failed is answered, not re-sent by the broker', async (t) => {
  const res = await fetch(`${app.url}/v1/flaky`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  t.is(res.status, 503);
  t.is(calls.create, 1);
});
