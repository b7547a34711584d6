import test from 'ava';
import * as Y from 'yjs';
import { SharedCode } from '../../clients/sdk/src/code';
import { PocdojoError } from '../../clients/sdk/src/errors';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { isPush, type Frame, type WsClient } from '../../test/support/ws-client';
import { joined, liveDojo, startDojoNode } from './testing';

// Documents are compacted past 20 items (an edit adds about two); an idle room closes at once.
let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startDojoNode({ codeCompactStructs: 20, emptyTimeoutMs: 300, departureTimeoutMs: 200 });
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
    const value = await fn();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The SDK's SharedCode over a test socket: its sends are code.update requests, and the room's
 * code pushes reach it as they arrive, or only when `deliver` says so (a client that is behind).
 */
function sharedCode(client: WsClient, join: Frame, live = true) {
  const refused: PocdojoError[] = [];
  const code = new SharedCode({
    sendUpdate: async (update, generation) => {
      const reply = await client.request('code.update', { update, generation });
      if (!reply.ok) throw new PocdojoError(reply.error!.code as 'CONFLICT', reply.error!.message, reply.error!.fields as []);
      return reply.data;
    },
    sendAwareness: async () => undefined,
    refused: (error) => refused.push(error),
  });
  const held: Frame[] = [];
  const deliver = (frame: Frame) => {
    if (isPush('code.update')(frame)) code.applyRemote(frame.data.update);
    if (isPush('code.reset')(frame)) code.reset(frame.data.generation, frame.data.code);
  };
  client.socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    if (live) deliver(frame);
    else held.push(frame);
  });
  code.sync(join.data.code, null, join.data.codeGeneration);
  const settled = () => until(() => (code.pending ? undefined : true), 'edits to be acknowledged');
  return { code, refused, settled, deliverHeld: () => held.splice(0).forEach(deliver) };
}

const textOf = (state: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(state, 'base64'));
  return doc.getText('code').toString();
};

test('a long history is rebuilt as a new generation: every edit before and after it is kept, a stale edit is refused, a client behind re-makes its edit on the new document', async (t) => {
  const fac = tenant.facilitators[0]!;
  const dojoId = await liveDojo(app, tenant, fac, tenant.members);
  const a = await joined(app, fac, dojoId);
  const b = await joined(app, tenant.members[0]!, dojoId);
  const behind = await joined(app, tenant.members[1]!, dojoId);
  t.is(a.reply.data.codeGeneration, 0);
  const editor = sharedCode(a.client, a.reply);
  const late = sharedCode(behind.client, behind.reply, false);

  // Edits at random places (between earlier ones, so each stays whole), as people type: the history grows past the limit.
  const before: string[] = [];
  for (let i = 0; i < 40; i++) {
    before.push(`a${i};`);
    const text = editor.code.text.toString();
    const places = [0, ...[...text.matchAll(/;/g)].map((m) => m.index + 1)];
    editor.code.text.insert(places[Math.floor(Math.random() * places.length)]!, `a${i};`);
    if (i % 5 === 4) await editor.settled();
  }
  const reset = await b.client.nextPushOf('code.reset');
  await until(() => (editor.code.generation >= reset.generation ? true : undefined), 'the editor to load the new generation');
  await editor.settled();
  t.true(reset.generation >= 1);
  for (const edit of before) t.true(editor.code.text.toString().includes(edit), `${edit} survived the compaction`);

  // A client that never loads the reset: its edit against generation 0 is refused, never merged silently.
  const staleDoc = new Y.Doc();
  Y.applyUpdate(staleDoc, Buffer.from(b.reply.data.code, 'base64'));
  const sv = Y.encodeStateVector(staleDoc);
  staleDoc.getText('code').insert(0, 'stale;');
  const stale = await b.client.request('code.update', { update: Buffer.from(Y.encodeStateAsUpdate(staleDoc, sv)).toString('base64') });
  t.like(stale, { ok: false, error: { code: 'CONFLICT', fields: [{ field: 'data.generation' }] } });

  // A client behind (pushes not read yet) edits the old document: refused, then re-made on the new one.
  late.code.text.insert(0, 'late;');
  await until(() => (late.code.pending ? undefined : true), 'the late edit to be answered');
  t.is(late.code.generation, 0);
  late.deliverHeld();
  t.is(late.code.generation, editor.code.generation);
  await late.settled();
  t.deepEqual(late.refused, [], 'nothing reported lost');

  // After the compaction: more edits on the new generation.
  editor.code.text.insert(editor.code.text.length, 'after;');
  await editor.settled();

  // A client joining now, and the room's next activation, see all of it.
  const expected = [...before, 'late;', 'after;'];
  const fresh = await joined(app, tenant.members[0]!, dojoId);
  t.is(fresh.reply.data.codeGeneration, editor.code.generation);
  const now = textOf(fresh.reply.data.code);
  for (const edit of expected) t.true(now.includes(edit), `${edit} is in the document`);
  t.false(now.includes('stale;'));
  t.is(now, editor.code.text.toString());

  for (const c of [a, b, behind, fresh]) await c.client.close();
  editor.code.close();
  late.code.close();
  await until(async () => ((await app.node.infra.leases.holder(`room:${tenant.tenantId}:${dojoId}`)) === null ? true : undefined), 'the idle room to close');
  const back = await joined(app, fac, dojoId);
  t.is(back.reply.data.codeGeneration, editor.code.generation, 'the generation is stored with the document');
  t.is(textOf(back.reply.data.code), now);
  await back.client.close();
});
