import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { WebSocketServer } from 'ws';
import { pushContractError, WsClient } from './ws-client';

// The test client is what proves the server's pushes keep the contract (protocol/push.ts), so
// its check must be able to fail: these feed it pushes that break it.

const welcome = { method: 'session.welcome', data: { sessionId: randomUUID(), heartbeatMs: 15_000, expiresAt: Date.now() + 900_000 } };

test('a push is checked against protocol/push.ts: method, data, undeclared fields, frame keys', (t) => {
  t.is(pushContractError(welcome), undefined);
  t.is(pushContractError({ method: 'chat.deleted', data: { messageId: randomUUID(), by: randomUUID() }, seq: 4 }), undefined);
  t.is(pushContractError({ method: 'room.updated', data: { reason: 'reactivated', seq: 2 ** 33 } }), undefined);
  t.regex(pushContractError({ method: 'chat.typing', data: {} }) ?? '', /"chat.typing" is not a push method/);
  t.regex(pushContractError({ ...welcome, data: { ...welcome.data, heartbeatMs: 'soon' } }) ?? '', /session\.welcome: .*heartbeatMs/);
  t.regex(pushContractError({ ...welcome, data: { ...welcome.data, secret: 1 } }) ?? '', /data\.secret not declared/);
  t.regex(pushContractError({ method: 'room.updated', data: { reason: 'classroom', classroom: true, editors: [], seq: 1 } }) ?? '', /data\.seq not declared/);
  t.regex(pushContractError({ ...welcome, id: 3 }) ?? '', /the frame carries id/);
  t.regex(pushContractError({ ...welcome, seq: -1 }) ?? '', /seq -1 is not a count/);
});

test('a push that breaks the contract fails the waiting nextPushOf, every later read, and close', async (t) => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  t.teardown(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.send(JSON.stringify(welcome));
    socket.on('message', () => socket.send(JSON.stringify({ method: 'participant.left', data: { userId: randomUUID(), reason: 'vanished' }, seq: 1 })));
  });
  const client = await WsClient.connect(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  t.is(typeof (await client.nextPushOf('session.welcome')).heartbeatMs, 'number');
  const waiting = client.nextPushOf('chat.message');
  client.socket.send('anything');
  await t.throwsAsync(waiting, { message: /participant\.left: .*reason/ });
  t.is(client.contractErrors.length, 1);
  await t.throwsAsync(
    client.nextPush(() => true),
    { message: /break the contract/ },
  );
  await t.throwsAsync(client.close(), { message: /participant\.left/ });
});

test('a client that opts out (made-up frames of a played room) records nothing', async (t) => {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  t.teardown(() => server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => socket.send(JSON.stringify({ method: 'chat.message', data: { n: 1 }, seq: 1 })));
  const client = await WsClient.connect(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, undefined, 'protocol', { checkPushes: false });
  t.like(await client.nextPush((f) => f.method === 'chat.message'), { data: { n: 1 } });
  t.deepEqual(client.contractErrors, []);
  await client.close();
});
