import test from 'ava';
import type { PocdojoClient, PushFrame, Room } from '../../clients/sdk/src/index';
import { PocdojoError } from '../../clients/sdk/src/index';
import { randomInt } from 'node:crypto';
import { liveDojo } from '../../actors/dojo-room/testing';
import { createTenant, type TestTenant } from '../support/accounts';
import { startTestNode, type TestNode } from '../support/node';
import { eventually, sdkClient } from './support';

// Rooms through the SDK, two or three clients at once against a real node: members kept from
// pushes, chat both ways, the shared code, facilitator actions, typed pushes.

let app: TestNode;
let tenant: TestTenant;
const clients: PocdojoClient[] = [];

test.before(async () => {
  // Media on, for the recording toggle; its WebRTC ports in a window of their own (50000-57999).
  const minPort = 50000 + randomInt(0, 40) * 200;
  app = await startTestNode({
    services: ['gateway', 'tenant', 'dojo-room', 'media'],
    env: { RTC_MIN_PORT: String(minPort), RTC_MAX_PORT: String(minPort + 199), MEDIASOUP_WORKERS: '1' },
  });
  tenant = await createTenant(app, { members: 3, facilitators: 1 });
});

test.after.always(async () => {
  for (const client of clients) client.close();
  await app?.stop();
});

async function inRoom(user: TestTenant['members'][number], dojoId: string): Promise<{ client: PocdojoClient; room: Room }> {
  const client = await sdkClient(app.url, tenant, user);
  clients.push(client);
  return { client, room: await client.join(dojoId) };
}

test('two clients: members, chat both ways, and code typed on one appears on the other', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea, tenant.members[2]!]);
  const a = await inRoom(ana, dojoId);
  t.is(a.room.role, 'participant');
  t.true(a.room.canEdit);
  t.true(a.room.members.has(ana.userId));

  // Typed pushes: the data of participant.joined is typed by protocol/push.ts.
  const joined = new Promise<PushFrame<'participant.joined'>>((resolve) => a.room.onPush('participant.joined', (_data, frame) => resolve(frame)));
  const b = await inRoom(bea, dojoId);
  const frame = await joined;
  t.is(frame.data.userId, bea.userId);
  t.is(frame.data.role, 'participant');
  t.is(typeof frame.seq, 'number');
  await eventually(() => a.room.members.has(bea.userId), 'a sees b among the members');
  t.true(b.room.members.has(ana.userId));

  const sent = await a.room.sendChat('olá from a');
  const reply = await b.room.sendChat('hi from b');
  t.is(sent.userId, ana.userId);
  await eventually(() => a.room.messages.length === 2 && b.room.messages.length === 2, 'both messages on both sides');
  t.deepEqual(
    a.room.messages.map((m) => m.text),
    ['olá from a', 'hi from b'],
  );
  t.deepEqual(
    b.room.messages.map((m) => m.messageId),
    [sent.messageId, reply.messageId],
  );

  // The same clientMsgId twice is one message (the server answers the retry with the first).
  const again = await a.room.sendChat('olá from a', sent.clientMsgId);
  t.is(again.messageId, sent.messageId);

  a.room.code.text.insert(0, 'function add(a, b) {\n  return a + b;\n}\n');
  await eventually(() => b.room.code.text.toString() === a.room.code.text.toString(), "a's code on b");
  b.room.code.text.insert(b.room.code.text.length, '// reviewed by b\n');
  await eventually(() => a.room.code.text.toString().endsWith('// reviewed by b\n'), "b's edit on a");

  // Cursors: awareness set on one side appears on the other.
  a.room.code.awareness.setLocalStateField('user', { name: 'Ana' });
  await eventually(() => [...b.room.code.awareness.getStates().values()].some((s) => (s as { user?: { name?: string } }).user?.name === 'Ana'), "a's cursor on b");

  // A third client joining later gets the code and the chat from its join reply.
  const late = await inRoom(tenant.members[2]!, dojoId);
  t.is(late.room.code.text.toString(), a.room.code.text.toString());
  t.is(late.room.messages.length, 2);

  await b.room.leave();
  t.is(b.room.state, 'left');
  await eventually(() => !a.room.members.has(bea.userId), 'b left on a');
  await t.throwsAsync(b.room.sendChat('too late'), { instanceOf: PocdojoError, code: 'CLOSED' });
});

test('facilitators mute and kick; the others see it; only a facilitator may', async (t) => {
  const [fac, ana, bea] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana, bea]);
  const f = await inRoom(fac, dojoId);
  const a = await inRoom(ana, dojoId);
  const b = await inRoom(bea, dojoId);
  t.is(f.room.role, 'facilitator');

  const refused = await t.throwsAsync(a.room.kick(bea.userId), { instanceOf: PocdojoError, code: 'FORBIDDEN' });
  t.is(refused.message, 'Only a facilitator may remove participants');

  const muted = a.room.next('muted');
  await f.room.mute(bea.userId);
  const [{ userId, by }] = await muted;
  t.deepEqual({ userId, by }, { userId: bea.userId, by: fac.userId });
  await eventually(() => b.room.members.get(bea.userId)?.muted === true, 'b sees itself muted');

  const kicked = b.room.next('kicked');
  await f.room.kick(bea.userId);
  t.deepEqual((await kicked)[0], { by: fac.userId });
  t.is(b.room.state, 'kicked');
  await eventually(() => !a.room.members.has(bea.userId), 'b gone on a');
});

test('the facilitator toggles recording; everyone sees it through the pushes', async (t) => {
  const [fac, ana] = [tenant.facilitators[0]!, tenant.members[0]!];
  const dojoId = await liveDojo(app, tenant, fac, [ana]);
  const f = await inRoom(fac, dojoId);
  const a = await inRoom(ana, dojoId);
  await t.throwsAsync(a.room.setRecording(true), { instanceOf: PocdojoError, code: 'FORBIDDEN', message: 'Only a facilitator may record' });
  await f.room.setRecording(true);
  await eventually(() => a.room.recording !== null, 'a sees the recording');
  await f.room.setRecording(false);
  await eventually(() => a.room.recording === null, 'a sees it stopped');
});
