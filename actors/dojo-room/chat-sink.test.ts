import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { Database } from '../../infra/db/database';
import { silentLogger } from '../../infra/logger';
import { waitFor } from '../../infra/queue/queueContract';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { DatabaseChatSink, QueueChatSink } from './ChatSink';
import { chatMessageId } from './messageId';
import { api, liveDojo, startDojoNode } from './testing';
import type { ChatRecord } from './types';

// The chat group commit with one record the database refuses (a NUL byte: PostgreSQL text cannot
// hold it) among innocent ones. The protocol refuses such text at the edge; this is the second
// wall, for whatever else the database may refuse.

let app: TestNode;
let tenant: TestTenant;
let dojoId: string;
let db: Database;

test.before(async () => {
  app = await startDojoNode();
  tenant = await createTenant(app, { members: 1 });
  dojoId = await liveDojo(app, tenant, tenant.admin, tenant.members);
  db = app.node.infra.database as Database;
});

test.after.always(async () => {
  await app?.stop();
});

function records(texts: string[]): ChatRecord[] {
  const userId = tenant.members[0]!.userId;
  return texts.map((text) => {
    const clientMsgId = randomUUID();
    return { messageId: chatMessageId(dojoId, userId, clientMsgId), tenantId: tenant.tenantId, dojoId, userId, clientMsgId, text, createdAt: new Date().toISOString(), status: 'A' };
  });
}

async function storedTexts(): Promise<string[]> {
  const res = await api<{ messages: Array<{ text: string }> }>(app, 'GET', `/v1/dojos/${dojoId}/chat`, tenant.admin.token);
  return res.body.messages.map((m) => m.text);
}

test.serial('in one group commit, the refused record fails alone and the others are stored', async (t) => {
  const sink = new DatabaseChatSink(db);
  const batch = records(['one', 'two', 'poison\u0000', 'three', 'four']);
  // Written in one turn: the batcher takes them as one batch.
  const results = await Promise.allSettled(batch.map((record) => sink.write(record)));
  t.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  t.deepEqual((await storedTexts()).filter((text) => ['one', 'two', 'three', 'four'].includes(text)).sort(), ['four', 'one', 'three', 'two']);
  t.false((await storedTexts()).some((text) => text.startsWith('poison')));
  await sink.close();
});

test.serial('through the queue, the refused record is dead-lettered after one attempt and the others are stored', async (t) => {
  const queue = app.node.infra.queue;
  const subject = `dojo.chattest${randomUUID().slice(0, 8)}`;
  const sink = await QueueChatSink.start(queue, db, silentLogger, subject);
  t.teardown(() => sink.close());
  const texts = ['q-one', 'q-two', 'q-poison\u0000', 'q-three'];
  const batch = records(texts);
  await Promise.all(batch.map((record) => sink.write(record)));
  await waitFor(async () => (await queue.deadLetters(subject)).length === 1 && (await storedTexts()).filter((x) => x.startsWith('q-')).length === 3);
  const [dead] = await queue.deadLetters(subject);
  t.like(dead, { attempts: 1, payload: { clientMsgId: batch[2]!.clientMsgId } });
  t.deepEqual((await storedTexts()).filter((x) => x.startsWith('q-')).sort(), ['q-one', 'q-three', 'q-two']);
  await waitFor(async () => (await queue.pending(subject)) === 0);
  t.is((await queue.deadLetters(subject)).length, 1, 'dead-lettered once');
});
