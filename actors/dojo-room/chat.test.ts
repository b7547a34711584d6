import test from 'ava';
import { RoomChat, type ChatStorage } from './Chat';
import { ChatWindow } from './ChatWindow';
import { chatMessageId } from './messageId';
import type { ChatRecord } from './types';

const key = { tenantId: '00000000-0000-4000-8000-000000000001', dojoId: '00000000-0000-4000-8000-000000000002' };
const MINUTE = 60_000;

function stored(userId: string, clientMsgId: string, at: number): ChatRecord {
  return { ...key, messageId: chatMessageId(key.dojoId, userId, clientMsgId), userId, clientMsgId, text: clientMsgId, createdAt: new Date(at).toISOString(), status: 'A' };
}

/** Storage holding `records`, counting what the room asks of it. */
function storage(records: ChatRecord[] = []): ChatStorage & { writes: ChatRecord[]; finds: number } {
  const s = {
    writes: [] as ChatRecord[],
    finds: 0,
    persist: async (r: ChatRecord) => void s.writes.push(r),
    find: async (messageId: string) => {
      s.finds++;
      return records.find((r) => r.messageId === messageId);
    },
  };
  return s;
}

test('a retry is answered as the first within the time window, however many messages came between', async (t) => {
  const chat = new RoomChat(key, [], { perSecond: 1_000, burst: 1_000, keep: 2, windowMs: 10 * MINUTE });
  const io = storage();
  const first = (await chat.accept('u1', 'c0', 'hello', io, 1_000)) as { record: ChatRecord; fresh: boolean };
  for (let i = 1; i <= 300; i++) await chat.accept('u2', `c${i}`, 'chatter', io, 1_000 + i);
  const retry = await chat.accept('u1', 'c0', 'hello', io, 5 * MINUTE);
  t.false(retry.fresh);
  t.deepEqual(retry.record, first.record, 'same id and createdAt');
  t.is(io.finds, 0, 'memory covered the whole window: storage was not asked');
  t.is(io.writes.length, 301);
});

test('a re-activated room asks storage about a retry older than its memory; the replay spends no token', async (t) => {
  const original = stored('u1', 'old', 1_000);
  // The newest `keep` messages came back with the activation; the original is older than them.
  const history = [stored('u2', 'h1', 2_000), stored('u2', 'h2', 3_000)];
  const io = storage([original, ...history]);
  const chat = new RoomChat(key, history, { perSecond: 0.001, burst: 1, keep: 2, windowMs: 10 * MINUTE });
  const replay = await chat.accept('u1', 'old', 'old', io, 4_000);
  t.false(replay.fresh);
  t.deepEqual(replay.record, original);
  await replay.durable;
  t.is(io.writes.length, 0, 'nothing written again');
  const fresh = await chat.accept('u1', 'new', 'new', io, 4_001);
  t.true(fresh.fresh, 'the one token was still there');
  await t.throwsAsync(async () => chat.accept('u1', 'newer', 'newer', io, 4_002), { message: /Too many/ });
  const again = await chat.accept('u1', 'old', 'old', io, 4_003);
  t.false(again.fresh);
  t.is(io.finds, 3, 'the replay is remembered: asked once for it, once per new message');
});

test('storage that cannot answer does not stop chat: the message is taken as new', async (t) => {
  const history = [stored('u2', 'h1', 2_000)];
  const chat = new RoomChat(key, history, { perSecond: 10, burst: 10, keep: 1, windowMs: MINUTE });
  const down: ChatStorage = { persist: async () => undefined, find: () => Promise.reject(new Error('database down')) };
  const accepted = await chat.accept('u1', 'c1', 'hi', down, 3_000);
  t.true(accepted.fresh);
});

test('a room whose history is all there is never asks storage', async (t) => {
  const chat = new RoomChat(key, [stored('u2', 'h1', 2_000)], { perSecond: 10, burst: 10, keep: 5, windowMs: MINUTE });
  const io = storage();
  t.false(chat.accept('u1', 'c1', 'hi', io, 3_000) instanceof Promise);
  t.is(io.finds, 0);
});

test('memory is bounded within the window: past 20,000 messages the oldest are left to storage, the recent ones kept', async (t) => {
  const chat = new RoomChat(key, [], { perSecond: 1e9, burst: 1e9, keep: 100, windowMs: 10 * MINUTE });
  const io = storage();
  const total = 25_000;
  for (let i = 0; i < total; i++) chat.send('u1', `m${i}`, 'chatter', (r) => io.persist(r), 1_000 + i);
  const known = (i: number) => chat.has(chatMessageId(key.dojoId, 'u1', `m${i}`));
  t.false(known(0), 'the oldest, dropped for room, is forgotten');
  t.false(known(total - 20_001));
  t.true(known(total - 20_000), 'the last 20,000 are remembered');
  t.true(known(total - 1));
  t.is(chat.recent().length, 100);
  // A retry of a forgotten message goes to storage, since memory no longer vouches for its time.
  const old = io.writes[0]!;
  const retry = await chat.accept('u1', 'm0', 'chatter', storage([old]), 1_000 + total);
  t.false(retry.fresh);
  t.is(retry.record.messageId, old.messageId);
});

test('the window finds what it holds and nothing else, through growth, wrap-around and drops (against a plain queue)', (t) => {
  const window = new ChatWindow(1_000);
  const model: Array<[string, number]> = [];
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 20_000; i++) {
    // Ids that share their low bits too, so probe runs form and are shifted on deletion.
    const id = chatMessageId(key.dojoId, `u${i % 7}`, `m${i}`);
    if (random() < 0.3 && model.length > 0) {
      t.is(window.dropOldest(), model.shift()![1]);
    } else {
      window.add(id, i);
      model.push([id, i]);
      if (model.length > 1_000) model.shift();
    }
    if (i % 997 === 0) {
      t.is(window.size, model.length);
      for (const [held, at] of model) t.is(window.acceptedAt(held), at);
      t.is(window.acceptedAt(chatMessageId(key.dojoId, 'nobody', `m${i}`)), undefined);
    }
  }
  t.is(window.oldest(), model[0]?.[1]);
});

test('a retry of a message whose write failed writes it again, and is answered as the first', async (t) => {
  const chat = new RoomChat(key, [], { perSecond: 1_000, burst: 1_000, keep: 1, windowMs: 10 * MINUTE });
  const down: ChatStorage = { persist: () => Promise.reject(new Error('database down')), find: async () => undefined };
  const first = (await chat.accept('u1', 'c0', 'hello', down, 1_000)) as { record: ChatRecord; durable: Promise<void> };
  await t.throwsAsync(first.durable);
  for (let i = 1; i <= 10; i++) await chat.accept('u2', `c${i}`, 'chatter', storage(), 1_000 + i);
  const io = storage();
  const retry = await chat.accept('u1', 'c0', 'hello', io, 2_000);
  t.false(retry.fresh);
  await retry.durable;
  t.deepEqual(io.writes, [first.record], 'written by the retry');
});
