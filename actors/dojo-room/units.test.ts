import test from 'ava';
import * as Y from 'yjs';
import { RoomChat } from './Chat';
import { CodeDocument, fromBase64, toBase64 } from './CodeDocument';
import { Batcher } from './Batcher';
import { loadConfig } from '../../config';
import { chatMessageId } from './messageId';
import { DEFAULT_ROOM_OPTIONS, roomOptions } from './options';
import type { ChatRecord } from './types';

const key = { tenantId: '00000000-0000-4000-8000-000000000001', dojoId: '00000000-0000-4000-8000-000000000002' };
const tick = () => new Promise((r) => setImmediate(r));

test('two clients editing concurrently converge through the room document', (t) => {
  const room = new CodeDocument();
  const alice = new Y.Doc();
  const bob = new Y.Doc();
  alice.getText('code').insert(0, 'function add(a, b) {}');
  bob.getText('code').insert(0, '// header\n');
  // Each sends its update; the room fans out what it accepted to the other.
  const fromAlice = Y.encodeStateAsUpdate(alice);
  const fromBob = Y.encodeStateAsUpdate(bob);
  room.apply(fromAlice);
  room.apply(fromBob);
  Y.applyUpdate(bob, fromAlice);
  Y.applyUpdate(alice, fromBob);
  t.is(alice.getText('code').toString(), bob.getText('code').toString());
  t.is(room.text(), alice.getText('code').toString());
  // A late joiner gets the same text from the room's state.
  const carol = new Y.Doc();
  Y.applyUpdate(carol, fromBase64(toBase64(room.state())));
  t.is(carol.getText('code').toString(), room.text());
  room.close();
});

test('a malformed update is refused whole, naming the field', (t) => {
  const room = new CodeDocument();
  const error = t.throws(() => room.apply(new Uint8Array([1, 2, 3])));
  t.like(error, { type: 'VALIDATION_ERROR', data: { fields: [{ field: 'data.update' }] } });
  t.is(room.text(), '');
  room.close();
});

test('a document is rebuilt from a snapshot plus later updates', (t) => {
  const client = new Y.Doc();
  client.getText('code').insert(0, 'v1');
  const snapshot = Y.encodeStateAsUpdate(client);
  const before = Y.encodeStateVector(client);
  client.getText('code').insert(2, ' then v2');
  const later = Y.encodeStateAsUpdate(client, before);
  const rebuilt = new CodeDocument(snapshot, [later, later]);
  t.is(rebuilt.text(), 'v1 then v2');
  rebuilt.close();
});

test('chat: a retried clientMsgId returns the first acceptance; ids are stable across rooms', async (t) => {
  const writes: ChatRecord[] = [];
  const chat = new RoomChat(key, [], { perSecond: 100, burst: 100, keep: 10, windowMs: 60_000 });
  const persist = async (r: ChatRecord) => void writes.push(r);
  const first = chat.send('u1', 'c1', 'hello', persist);
  const again = chat.send('u1', 'c1', 'hello', persist);
  await Promise.all([first.durable, again.durable]);
  t.true(first.fresh);
  t.false(again.fresh);
  t.is(again.record.messageId, first.record.messageId);
  t.is(writes.length, 1);
  t.is(first.record.messageId, chatMessageId(key.dojoId, 'u1', 'c1'));
  t.not(chatMessageId(key.dojoId, 'u2', 'c1'), first.record.messageId);
});

test('chat: a failed write is retried by the next send of the same message', async (t) => {
  const chat = new RoomChat(key, [], { perSecond: 100, burst: 100, keep: 10, windowMs: 60_000 });
  let fail = true;
  const persist = async () => {
    if (fail) throw new Error('down');
  };
  await t.throwsAsync(chat.send('u1', 'c1', 'x', persist).durable);
  fail = false;
  await t.notThrowsAsync(chat.send('u1', 'c1', 'x', persist).durable);
});

test('chat: each user is rate limited; authors and facilitators delete', (t) => {
  const chat = new RoomChat(key, [], { perSecond: 1, burst: 2, keep: 10, windowMs: 60_000 });
  const ok = async () => undefined;
  chat.send('u1', 'a', 'x', ok, 1000);
  chat.send('u1', 'b', 'x', ok, 1000);
  t.throws(() => chat.send('u1', 'c', 'x', ok, 1000), { message: /Too many/ });
  const other = chat.send('u2', 'a', 'x', ok, 1000);
  t.throws(() => chat.remove(other.record.messageId, 'u1', false), { message: /author or a facilitator/ });
  t.is(chat.remove(other.record.messageId, 'u1', true).status, 'R');
  t.deepEqual(
    chat.recent().map((r) => r.clientMsgId),
    ['a', 'b'],
  );
});

test('the batcher groups what arrives during a flush into the next one', async (t) => {
  const batches: number[][] = [];
  const batcher = new Batcher<number, number>(async (items) => {
    batches.push(items);
    await tick();
    return items.length;
  });
  const results = await Promise.all([1, 2, 3].map((n) => batcher.add(n)));
  const later = await Promise.all([batcher.add(4), batcher.add(5)]);
  t.deepEqual(batches, [
    [1, 2, 3],
    [4, 5],
  ]);
  t.deepEqual([...results, ...later], [3, 3, 3, 2, 2]);
});

test('an item its flush refuses fails alone: the rest of its batch is written, in order, in the same drain', async (t) => {
  const refused = new Error('refused');
  const written: string[] = [];
  let flushes = 0;
  const batcher = new Batcher<string>(
    async (items) => {
      flushes++;
      await tick();
      if (items.includes('bad')) throw refused;
      written.push(...items);
    },
    { failsAlone: (error) => error === refused },
  );
  const items = ['a', 'b', 'c', 'bad', 'd', 'e', 'f', 'g'];
  const results = await Promise.allSettled(items.map((item) => batcher.add(item)));
  t.deepEqual(
    results.map((r) => r.status),
    items.map((item) => (item === 'bad' ? 'rejected' : 'fulfilled')),
  );
  t.is((results[3] as PromiseRejectedResult).reason, refused);
  t.deepEqual(written, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  t.true(flushes <= 1 + 2 * Math.log2(items.length), `${flushes} flushes`);
});

test('a failure that is not down to one item fails the whole batch, written once', async (t) => {
  let flushes = 0;
  const batcher = new Batcher<number>(
    async () => {
      flushes++;
      throw new Error('database down');
    },
    { failsAlone: () => false },
  );
  const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
  t.true(results.every((r) => r.status === 'rejected'));
  t.is(flushes, 1);
});

test('the DOJO_* settings default to the room defaults and reach the room options', (t) => {
  const defaults = loadConfig({}).dojo;
  t.like(DEFAULT_ROOM_OPTIONS, defaults);
  const set = loadConfig({ DOJO_EMPTY_TIMEOUT_MS: '1000', DOJO_DEPARTURE_TIMEOUT_MS: '500', DOJO_CHAT_PER_SECOND: '7', DOJO_CHAT_BURST: '9' }).dojo;
  t.like(roomOptions(set), { emptyTimeoutMs: 1000, departureTimeoutMs: 500, chatPerSecond: 7, chatBurst: 9 });
});
