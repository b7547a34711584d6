import test from 'ava';
import type { TestNode } from '../../test/support/node';
import { isPush, type Frame } from '../../test/support/ws-client';
import { api, clientMsgId, createTenant, joined, liveDojo, startDojoNode } from './testing';
import type { TestTenant } from '../../test/support/accounts';

// A room that remembers two messages for room.join, closes soon when idle, and gives each user
// three messages and no refill: a replay that spent a token would show as RATE_LIMITED.
let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startDojoNode({ chatHistory: 2, emptyTimeoutMs: 300, departureTimeoutMs: 200, chatBurst: 3, chatPerSecond: 0.001 });
  tenant = await createTenant(app, { members: 1, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const value = await fn();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const chatPushes = (frames: Frame[], messageId: string) => frames.filter(isPush('chat.message', (d) => d.messageId === messageId)).length;

test('a retried chat.send is answered as the first, pushed once and free, in the same activation and after re-activation', async (t) => {
  const fac = tenant.facilitators[0]!;
  const member = tenant.members[0]!;
  const dojoId = await liveDojo(app, tenant, fac, [member]);
  const host = await joined(app, fac, dojoId);
  const author = await joined(app, member, dojoId);
  const ids = [clientMsgId(), clientMsgId(), clientMsgId()];
  const acks: Frame[] = [];
  for (const [i, id] of ids.entries()) acks.push(await author.client.request('chat.send', { text: `m${i}`, clientMsgId: id }));
  t.true(acks.every((a) => a.ok && a.data.duplicate === false));
  const first = acks[0]!.data as { messageId: string; createdAt: string };

  // Same activation, past the two recent messages: memory's time window answers.
  const replay = await author.client.request('chat.send', { text: 'm0', clientMsgId: ids[0] });
  t.like(replay, { ok: true, data: { messageId: first.messageId, createdAt: first.createdAt, duplicate: true } });

  // The room closes once idle; its next activation loads only the two newest messages.
  await until(async () => ((await api(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac.token)).body.messages.length === 3 ? true : undefined), 'the chat to be stored');
  await Promise.all([host.client.close(), author.client.close()]);
  const lease = `room:${tenant.tenantId}:${dojoId}`;
  await until(async () => ((await app.node.infra.leases.holder(lease)) === null ? true : undefined), 'the idle room to close');
  const watcher = await joined(app, fac, dojoId);
  const back = await joined(app, member, dojoId);
  t.deepEqual(
    back.reply.data.chat.map((m: { text: string }) => m.text),
    ['m1', 'm2'],
  );

  // Older than the new activation's memory: what was stored answers.
  const late = await back.client.request('chat.send', { text: 'm0', clientMsgId: ids[0] });
  t.like(late, { ok: true, data: { messageId: first.messageId, createdAt: first.createdAt, duplicate: true } });
  // The replay spent none of the three fresh tokens of this activation.
  const fresh: Frame[] = [];
  for (const i of [3, 4, 5]) fresh.push(await back.client.request('chat.send', { text: `m${i}`, clientMsgId: clientMsgId() }));
  t.true(
    fresh.every((f) => f.ok),
    JSON.stringify(fresh.map((f) => f.error)),
  );
  t.like(await back.client.request('chat.send', { text: 'one too many', clientMsgId: clientMsgId() }), { ok: false, error: { code: 'RATE_LIMITED' } });
  // Pushes arrive in order: once the last fresh message is seen, any replay push would have been too.
  await watcher.client.nextPushOf('chat.message', (d) => d.messageId === fresh[2]!.data.messageId);
  t.is(chatPushes(watcher.client.pushes, first.messageId), 0, 'the replay was not pushed again');
  t.is(chatPushes(host.client.pushes, first.messageId), 1, 'only the first send was pushed');
  const history = await api(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac.token);
  t.is(history.body.messages.filter((m: { id: string }) => m.id === first.messageId).length, 1);
  await Promise.all([watcher.client.close(), back.client.close()]);
});
