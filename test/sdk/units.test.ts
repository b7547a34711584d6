import net from 'node:net';
import test from 'ava';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Auth } from '../../clients/sdk/src/auth';
import { fromBase64, toBase64 } from '../../clients/sdk/src/base64';
import { ChatOutbox, type OutgoingMessage } from '../../clients/sdk/src/chat';
import { backoffDelay, Connection, PocdojoError, SharedCode, type WebSocketConstructor } from '../../clients/sdk/src/index';
import type { TokenPair } from '../../clients/sdk/src/routes';

// The SDK's parts without a server: what each promises on its own.

test('backoff: full jitter under a ceiling that doubles up to the cap', (t) => {
  t.is(backoffDelay(0, { random: () => 0 }), 0);
  t.is(backoffDelay(0, { random: () => 0.999, baseMs: 100 }), 99);
  t.is(backoffDelay(3, { random: () => 0.5, baseMs: 100 }), 400);
  t.is(backoffDelay(40, { random: () => 0.999, baseMs: 100, maxMs: 5_000 }), 4995);
});

test('base64 without Buffer matches Buffer for every length', (t) => {
  for (let length = 0; length < 70; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) % 256);
    const text = toBase64(bytes);
    t.is(text, Buffer.from(bytes).toString('base64'));
    t.deepEqual([...fromBase64(text)], [...bytes]);
  }
});

function pair(n: number): TokenPair {
  return { userId: '00000000-0000-4000-8000-000000000001', token: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn: 900, tokenType: 'Bearer' };
}

test('auth: concurrent refreshes share one exchange; a caller whose token was already replaced gets the new one', async (t) => {
  let exchanges = 0;
  let release: () => void = () => {};
  const auth = new Auth(
    async () => {
      exchanges++;
      await new Promise<void>((resolve) => (release = resolve));
      return pair(exchanges + 1);
    },
    Date.now,
    { userId: 'u', accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: Date.now() + 1_000 },
  );
  const all = Promise.all(Array.from({ length: 5 }, () => auth.refresh('access-1')));
  await new Promise((resolve) => setImmediate(resolve));
  release();
  const results = await all;
  t.is(exchanges, 1);
  t.true(results.every((c) => c.accessToken === 'access-2'));
  // A request that failed with the old token after the refresh: no second exchange.
  t.is((await auth.refresh('access-1')).accessToken, 'access-2');
  t.is(exchanges, 1);
});

test('auth: a refused exchange ends the session; a network error keeps the credentials for a retry', async (t) => {
  let failure: unknown = new PocdojoError('NETWORK_ERROR', 'offline');
  const auth = new Auth(() => Promise.reject(failure), Date.now, { userId: 'u', accessToken: 'a', refreshToken: 'r', expiresAt: 0 });
  await t.throwsAsync(auth.accessToken(), { instanceOf: PocdojoError, code: 'NETWORK_ERROR' });
  t.truthy(auth.credentials);
  failure = new PocdojoError('UNAUTHORIZED', 'Invalid or expired refresh token', [], 401);
  const ended = auth.next('ended');
  await t.throwsAsync(auth.refresh(), { code: 'UNAUTHORIZED' });
  await ended;
  t.is(auth.credentials, undefined);
});

test('shared code: edits made offline reach a server that was rebuilt, once, and a resend duplicates nothing', async (t) => {
  const server = new Y.Doc();
  server.getText('code').insert(0, 'server line\n');
  const sent: string[] = [];
  let online = false;
  const code = new SharedCode({
    sendUpdate: async (update) => {
      if (!online) throw new PocdojoError('CONNECTION_LOST', 'down');
      sent.push(update);
      Y.applyUpdate(server, fromBase64(update));
    },
    sendAwareness: async () => {},
    refused: () => t.fail('nothing is refused here'),
  });
  code.text.insert(0, 'mine\n');
  await new Promise((resolve) => setImmediate(resolve));
  t.true(code.pending, 'the edit waits while offline');

  online = true;
  code.sync(toBase64(Y.encodeStateAsUpdate(server)), null);
  await new Promise((resolve) => setImmediate(resolve));
  t.false(code.pending);
  t.is(sent.length, 1, 'one update: what the server lacked');
  t.is(server.getText('code').toString(), code.text.toString());
  t.is(server.getText('code').toString().split('mine\n').length - 1, 1);

  code.resend();
  await new Promise((resolve) => setImmediate(resolve));
  t.is(server.getText('code').toString(), code.text.toString(), 'the whole state again changes nothing');
  code.close();
});

test("shared code: a reset to the next generation loads it and makes the unacknowledged edit again on it; the old generation's refusal is not reported", async (t) => {
  // The server as the dojo room keeps it: one document per generation, older generations refused.
  let server = new Y.Doc();
  let generation = 0;
  server.getText('code').insert(0, 'base\n');
  let hold: (() => void) | undefined;
  let reloaded = 0;
  const code = new SharedCode({
    sendUpdate: async (update, made) => {
      if (hold) await new Promise<void>((resolve) => (hold = resolve));
      if (made !== generation) throw new PocdojoError('CONFLICT', 'compacted', [{ field: 'data.generation', message: 'compacted' }]);
      Y.applyUpdate(server, fromBase64(update));
    },
    sendAwareness: async () => {},
    refused: (error) => t.fail(`nothing is lost: ${String(error)}`),
    reloaded: () => reloaded++,
  });
  code.sync(toBase64(Y.encodeStateAsUpdate(server)), null, 0);
  // An edit goes out against generation 0 and is held in flight while the server compacts.
  hold = () => {};
  code.text.insert(code.text.length, 'typed during compaction\n');
  await new Promise((resolve) => setImmediate(resolve));
  const text = server.getText('code').toString();
  server = new Y.Doc();
  server.getText('code').insert(0, text);
  generation = 1;
  const release = hold;
  hold = undefined;
  release?.();
  await new Promise((resolve) => setImmediate(resolve));
  t.true(code.pending === false, 'the refusal dropped the stale copy');
  code.reset(1, toBase64(Y.encodeStateAsUpdate(server)));
  t.is(code.generation, 1);
  await new Promise((resolve) => setImmediate(resolve));
  t.false(code.pending);
  t.is(server.getText('code').toString(), 'base\ntyped during compaction\n', 'made again on the new generation, once');
  t.is(code.text.toString(), server.getText('code').toString());
  code.reset(1, toBase64(Y.encodeStateAsUpdate(server)));
  t.is(reloaded, 1, 'a repeated reset changes nothing');
  code.close();
});

test('chat outbox: in order, one at a time, the same clientMsgId again after a drop, rejected only for the message itself', async (t) => {
  const attempts: OutgoingMessage[] = [];
  let drop = true;
  const outbox = new ChatOutbox(
    async (message) => {
      attempts.push(message);
      if (message.text === 'bad') throw new PocdojoError('VALIDATION_ERROR', 'Some fields are invalid');
      if (drop) {
        drop = false;
        throw new PocdojoError('CONNECTION_LOST', 'lost');
      }
      return { messageId: `id-${message.clientMsgId}`, createdAt: new Date().toISOString() };
    },
    () => 'me',
  );
  outbox.resume();
  const first = outbox.enqueue('one', 'c1');
  const bad = outbox.enqueue('bad', 'c2');
  const third = outbox.enqueue('three', 'c3');
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(
    outbox.pending.map((m) => m.clientMsgId),
    ['c1', 'c2', 'c3'],
    'nothing lost with the socket',
  );
  outbox.resume();
  t.is((await first).messageId, 'id-c1');
  await t.throwsAsync(bad, { code: 'VALIDATION_ERROR' });
  t.is((await third).messageId, 'id-c3');
  t.deepEqual(
    attempts.map((m) => m.clientMsgId),
    ['c1', 'c1', 'c2', 'c3'],
  );
});

test('a connection closed while its handshake hangs ends quietly, and its waiters are told', async (t) => {
  // A server that accepts the TCP connection and never answers the upgrade.
  const held: net.Socket[] = [];
  const server = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    held.forEach((s) => s.destroy());
    server.close();
  });
  const auth = new Auth(() => Promise.reject(new Error('no refresh here')), Date.now, { userId: 'u', accessToken: 'a.b.c', refreshToken: 'r', expiresAt: Date.now() + 900_000 });
  const connection = new Connection({ url: `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1/ws`, auth, WebSocket: WebSocket as unknown as WebSocketConstructor });
  const connecting = connection.connect();
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.truthy(connection.socket, 'the handshake is under way');
  connection.close();
  await t.throwsAsync(connecting, { instanceOf: PocdojoError, code: 'CLOSED' });
  t.is(connection.state, 'closed');
  await new Promise((resolve) => setTimeout(resolve, 100));
});
