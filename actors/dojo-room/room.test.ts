import { randomUUID } from 'node:crypto';
import path from 'node:path';
import test from 'ava';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { isPush, WsClient, type Frame } from '../../test/support/ws-client';
import { api, clientMsgId, joined, liveDojo } from './testing';

let app: TestNode;
let tenant: TestTenant;
let stranger: TestTenant;

test.before(async () => {
  // The actor as nodes register it, without media; short timeouts (through its settings) so
  // departures and idle rooms happen within a test.
  app = await startTestNode({
    services: ['gateway', 'tenant', 'dojo-room'],
    // The departure timeout must outlast a reconnect on a loaded machine (400 ms did not, at load 10+).
    env: { DOJO_DEPARTURE_TIMEOUT_MS: '2000', DOJO_EMPTY_TIMEOUT_MS: '2500', DOJO_CHAT_PER_SECOND: '50', DOJO_CHAT_BURST: '50' },
  });
  [tenant, stranger] = await Promise.all([createTenant(app, { members: 4, facilitators: 1 }), createTenant(app, { members: 1 })]);
});

test.after.always(async () => {
  await app?.stop();
});

const fac = () => tenant.facilitators[0]!;
const member = (i: number) => tenant.members[i]!;

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('join returns the room; others hear of joins and leaves', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0), member(1)]);
  const a = await joined(app, fac(), dojoId);
  t.like(a.reply.data, { role: 'facilitator', canEdit: true, chat: [], producers: [], routerRtpCapabilities: null });
  t.true(typeof a.reply.data.code === 'string' && typeof a.reply.data.seq === 'number');
  const b = await joined(app, member(0), dojoId);
  t.is(b.reply.data.role, 'participant');
  t.deepEqual(b.reply.data.participants.map((p: { userId: string }) => p.userId).sort(), [fac().userId, member(0).userId].sort());
  const joinedPush = await a.client.nextPush(isPush('participant.joined', (d) => d.userId === member(0).userId));
  t.true(joinedPush.seq! > a.reply.data.seq);
  t.like(await b.client.request('room.leave'), { ok: true });
  t.like(await a.client.nextPushOf('participant.left', (d) => d.userId === member(0).userId), { reason: 'left' });
  // After leaving, room methods are refused until the next join.
  t.like(await b.client.request('chat.send', { text: 'hi', clientMsgId: 'x' }), { ok: false, error: { code: 'BAD_REQUEST' } });
  await Promise.all([a.client.close(), b.client.close()]);
});

test('a session is in one dojo at a time: joining another leaves the first, whose pushes stop', async (t) => {
  const first = await liveDojo(app, tenant, fac(), [member(2)]);
  const second = await liveDojo(app, tenant, fac(), [member(2)]);
  const host = await joined(app, fac(), first);
  const guest = await joined(app, member(2), first);
  t.like(await guest.client.request('room.join', { dojoId: second }), { ok: true, data: { role: 'participant' } });
  t.like(await host.client.nextPushOf('participant.left', (d) => d.userId === member(2).userId), { reason: 'left' });
  t.like(await host.client.request('chat.send', { text: 'only in the first', clientMsgId: clientMsgId() }), { ok: true });
  await host.client.nextPushOf('chat.message', (d) => d.text === 'only in the first');
  // Pushes on one socket arrive in order: anything of the first room's was sent before this reply.
  t.like(await guest.client.request('ping'), { ok: true });
  t.false(guest.client.pushes.some(isPush('chat.message', (d) => d.text === 'only in the first')));
  // Calls that name no room go to the one the session is in now.
  t.like(await guest.client.request('chat.send', { text: 'in the second', clientMsgId: clientMsgId() }), { ok: true });
  t.like(await guest.client.nextPushOf('chat.message'), { text: 'in the second' });
  await Promise.all([host.client.close(), guest.client.close()]);
});

test('roles and refusals: admin facilitates, observers read, strangers and bad tokens are kept out', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)], { observers: [member(1)] });
  const admin = await joined(app, tenant.admin, dojoId);
  t.is(admin.reply.data.role, 'facilitator');
  const observer = await joined(app, member(1), dojoId);
  t.like(observer.reply.data, { role: 'observer', canEdit: false });
  const outsider = await WsClient.connect(app.wsUrl, member(2).token);
  t.like(await outsider.request('room.join', { dojoId }), { ok: false, error: { code: 'FORBIDDEN' } });
  const foreigner = await WsClient.connect(app.wsUrl, stranger.members[0]!.token);
  t.like(await foreigner.request('room.join', { dojoId }), { ok: false, error: { code: 'NOT_FOUND' } });
  t.like(await foreigner.request('room.join', { dojoId: 'not-a-uuid' }), { ok: false, error: { code: 'VALIDATION_ERROR', fields: [{ field: 'data.dojoId' }] } });
  const error = await t.throwsAsync(WsClient.connect(app.wsUrl, `${member(0).token.slice(0, -3)}abc`));
  t.is((error as { status?: number }).status, 401);
  // A scheduled dojo has no room yet.
  const scheduled = await api(app, 'POST', '/v1/dojo/create', fac().token, { tenant_id: tenant.tenantId, dojo_date: new Date().toISOString(), subject: 'Later', members: [member(0).userId] });
  t.like(await outsider.request('room.join', { dojoId: scheduled.body.dojo_id }), { ok: false });
  const early = await joined(app, fac(), dojoId);
  t.like(await early.client.request('room.join', { dojoId: scheduled.body.dojo_id }), { ok: false, error: { code: 'CONFLICT' } });
  await Promise.all([admin.client.close(), observer.client.close(), outsider.close(), foreigner.close(), early.client.close()]);
});

test('a full room refuses one more participant but never the facilitator', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0), member(1), member(2)], { max_participants: 2 });
  const first = await joined(app, member(0), dojoId);
  const second = await joined(app, member(1), dojoId);
  const third = await WsClient.connect(app.wsUrl, member(2).token);
  t.like(await third.request('room.join', { dojoId }), { ok: false, error: { code: 'CONFLICT', message: 'The dojo is full' } });
  // The same user on a second device is no extra participant.
  const secondDevice = await WsClient.connect(app.wsUrl, member(0).token);
  t.like(await secondDevice.request('room.join', { dojoId }), { ok: true });
  const host = await joined(app, fac(), dojoId);
  t.is(host.reply.data.participants.length, 3);
  await Promise.all([first.client.close(), second.client.close(), third.close(), secondDevice.close(), host.client.close()]);
});

test('chat is acked with a messageId, idempotent on clientMsgId, bounded, and persisted once', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const a = await joined(app, fac(), dojoId);
  const b = await joined(app, member(0), dojoId);
  const id = clientMsgId();
  const ack = await b.client.request('chat.send', { text: 'hello dojo', clientMsgId: id });
  t.like(ack, { ok: true, data: { duplicate: false } });
  const pushed = await a.client.nextPushOf('chat.message');
  t.like(pushed, { messageId: ack.data.messageId, clientMsgId: id, userId: member(0).userId, text: 'hello dojo' });
  const retry = await b.client.request('chat.send', { text: 'hello dojo', clientMsgId: id });
  t.like(retry, { ok: true, data: { messageId: ack.data.messageId, duplicate: true } });
  const oversize = await b.client.request('chat.send', { text: 'x'.repeat(2001), clientMsgId: clientMsgId() });
  t.like(oversize, { ok: false, error: { code: 'VALIDATION_ERROR', fields: [{ field: 'data.text' }] } });
  t.like(await b.client.request('ping'), { ok: true });
  const history = await waitFor(async () => {
    const res = await api(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac().token);
    return res.body.messages.length > 0 ? res.body.messages : undefined;
  }, 'the message to be persisted');
  await new Promise((r) => setTimeout(r, 200));
  const again = await api(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac().token);
  t.is(again.body.messages.length, 1);
  t.like(history[0], { id: ack.data.messageId, text: 'hello dojo', user_id: member(0).userId });
  t.false(
    a.client.pushes.some((f) => f.method === 'chat.message'),
    'the retry was not fanned out again',
  );
  await Promise.all([a.client.close(), b.client.close()]);
});

test('chat.delete: the author or a facilitator', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0), member(1)]);
  const host = await joined(app, fac(), dojoId);
  const one = await joined(app, member(0), dojoId);
  const two = await joined(app, member(1), dojoId);
  const sent = await one.client.request('chat.send', { text: 'oops', clientMsgId: clientMsgId() });
  const messageId = sent.data.messageId as string;
  t.like(await two.client.request('chat.delete', { messageId }), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await host.client.request('chat.delete', { messageId }), { ok: true });
  t.like(await two.client.nextPushOf('chat.deleted'), { messageId });
  t.like(await one.client.request('chat.delete', { messageId }), { ok: false, error: { code: 'NOT_FOUND' } });
  const persisted = await waitFor(async () => {
    const rows = (await api(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac().token)).body.messages;
    return rows.length === 0 ? true : undefined;
  }, 'the removal to be persisted');
  t.true(persisted, 'the deleted message is gone from the stored history');
  await Promise.all([host.client.close(), one.client.close(), two.client.close()]);
});

/** A client editor: a Yjs doc fed by the room's code.update pushes. */
async function editor(client: WsClient, initial: string) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(initial, 'base64'));
  client.socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    if (isPush('code.update')(frame)) Y.applyUpdate(doc, Buffer.from(frame.data.update, 'base64'), 'remote');
  });
  const sent: Promise<Frame>[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') sent.push(client.request('code.update', { update: Buffer.from(update).toString('base64') }));
  });
  return { doc, text: () => doc.getText('code').toString(), acks: () => Promise.all(sent) };
}

test('two editors converge; observers cannot edit; a malformed update is refused', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)], { observers: [member(1)] });
  const a = await joined(app, fac(), dojoId);
  const b = await joined(app, member(0), dojoId);
  const ea = await editor(a.client, a.reply.data.code);
  const eb = await editor(b.client, b.reply.data.code);
  ea.doc.getText('code').insert(0, 'const x = 1;\n');
  eb.doc.getText('code').insert(0, '// shared\n');
  for (let i = 0; i < 20; i++) (i % 2 ? ea : eb).doc.getText('code').insert(0, String(i % 10));
  const acks = [...(await ea.acks()), ...(await eb.acks())];
  t.true(acks.every((f) => f.ok));
  await waitFor(async () => (ea.text() === eb.text() && ea.text().length === 43 ? true : undefined), 'convergence');
  const late = await joined(app, member(1), dojoId);
  const lateDoc = new Y.Doc();
  Y.applyUpdate(lateDoc, Buffer.from(late.reply.data.code, 'base64'));
  t.is(lateDoc.getText('code').toString(), ea.text());
  lateDoc.getText('code').insert(0, 'nope');
  const refused = await late.client.request('code.update', { update: Buffer.from(Y.encodeStateAsUpdate(lateDoc)).toString('base64') });
  t.like(refused, { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await b.client.request('code.update', { update: Buffer.from('not yjs at all').toString('base64') }), {
    ok: false,
    error: { code: 'VALIDATION_ERROR', fields: [{ field: 'data.update' }] },
  });
  t.like(await late.client.request('awareness.update', { state: 'BQEC' }), { ok: false, error: { code: 'VALIDATION_ERROR', fields: [{ field: 'data.state' }] } });
  await Promise.all([a.client.close(), b.client.close(), late.client.close()]);
});

test("cursors (awareness) reach the others; a leaver's are cleared for them", async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(3)]);
  const host = await joined(app, fac(), dojoId);
  const guest = await joined(app, member(3), dojoId);
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  t.teardown(() => awareness.destroy());
  awareness.setLocalState({ cursor: 7 });
  const state = Buffer.from(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])).toString('base64');
  t.like(await guest.client.request('awareness.update', { state }), { ok: true });
  t.deepEqual(await host.client.nextPushOf('awareness.update'), { state, userId: member(3).userId });
  t.like(await guest.client.request('room.leave'), { ok: true });
  const cleared = await host.client.nextPushOf('awareness.update', (d) => d.state !== state);
  t.is(cleared.userId, member(3).userId);
  const seen = new awarenessProtocol.Awareness(new Y.Doc());
  t.teardown(() => seen.destroy());
  awarenessProtocol.applyAwarenessUpdate(seen, Buffer.from(state, 'base64'), 'room');
  awarenessProtocol.applyAwarenessUpdate(seen, Buffer.from(cleared.state, 'base64'), 'room');
  t.false(seen.getStates().has(doc.clientID), "the leaver's cursor is gone");
  await Promise.all([host.client.close(), guest.client.close()]);
});

test('bad frames are answered and the socket stays open', async (t) => {
  const client = await WsClient.connect(app.wsUrl, member(0).token);
  t.like(await client.requestRaw('{nope', null as unknown as number), { ok: false, error: { code: 'BAD_FRAME' } });
  t.like(await client.request('room.teleport', {}), { ok: false, error: { code: 'UNKNOWN_METHOD' } });
  t.like(await client.request('chat.send', { text: 'no room', clientMsgId: 'c' }), { ok: false, error: { code: 'BAD_REQUEST' } });
  t.like(await client.request('code.update', { update: '###' }), { ok: false, error: { code: 'VALIDATION_ERROR' } });
  t.like(await client.request('media.createTransport', { direction: 'send' }), { ok: false, error: { code: 'BAD_REQUEST' } });
  t.like(await client.request('ping'), { ok: true });
  t.is(client.closed, undefined);
  await client.close();
});

test('on a node without media, media methods answer that media is not available here, and mediasoup is never loaded', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const a = await joined(app, member(0), dojoId);
  t.is(a.reply.data.routerRtpCapabilities, null);
  t.like(await a.client.request('media.createTransport', { direction: 'send' }), { ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'Media is not available on this node' } });
  t.like(await a.client.request('recording.start', {}), { ok: false, error: { code: 'FORBIDDEN' } });
  const host = await joined(app, fac(), dojoId);
  t.like(await host.client.request('recording.start', {}), { ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
  t.false(Object.keys(require.cache).some((file) => file.includes(`${path.sep}node_modules${path.sep}mediasoup${path.sep}`)));
  await Promise.all([a.client.close(), host.client.close()]);
});

test('resume after a drop replays what was missed; a member gone too long has left', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const host = await joined(app, fac(), dojoId);
  const dropped = await joined(app, member(0), dojoId);
  await host.client.nextPushOf('participant.joined');
  dropped.client.socket.terminate();
  const texts = ['one', 'two', 'three'];
  for (const text of texts) await host.client.request('chat.send', { text, clientMsgId: clientMsgId() });
  const back = await WsClient.connect(app.wsUrl, member(0).token);
  const resumed = await back.request('session.resume', { sessionId: dropped.sessionId, lastSeq: dropped.reply.data.seq });
  t.like(resumed, { ok: true, data: { sessionId: dropped.sessionId } });
  const missed = back.pushes.filter(isPush('chat.message')).map((f) => f.data.text);
  t.deepEqual(missed, texts);
  // Back within the departure timeout: nobody was told it left, and it carries on in the room.
  t.like(await back.request('chat.send', { text: 'back', clientMsgId: clientMsgId() }), { ok: true });
  await new Promise((r) => setTimeout(r, 600));
  t.false(host.client.pushes.some((f) => f.method === 'participant.left'));
  // Gone past the departure timeout: the others hear it left.
  back.socket.terminate();
  const left = await host.client.nextPush(isPush('participant.left'));
  t.like(left, { data: { userId: member(0).userId, reason: 'timeout' } });
  // Resumed later, still within the gateway's window: back in the room without a join.
  const late = await WsClient.connect(app.wsUrl, member(0).token);
  t.like(await late.request('session.resume', { sessionId: dropped.sessionId, lastSeq: left.seq }), { ok: true });
  t.like(await host.client.nextPushOf('participant.joined'), { userId: member(0).userId });
  await Promise.all([host.client.close(), late.close()]);
});

test('kick and mute by the facilitator; a kicked user stays out', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0), member(1)]);
  const host = await joined(app, fac(), dojoId);
  const target = await joined(app, member(0), dojoId);
  const other = await joined(app, member(1), dojoId);
  t.like(await other.client.request('room.kick', { userId: member(0).userId }), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await host.client.request('room.mute', { userId: member(1).userId }), { ok: true });
  t.like(await other.client.nextPushOf('room.muted'), { userId: member(1).userId, muted: true });
  t.like(await host.client.request('room.kick', { userId: member(0).userId }), { ok: true });
  t.like(await target.client.nextPushOf('room.kicked'), { userId: member(0).userId });
  t.like(await other.client.nextPushOf('participant.left', (d) => d.userId === member(0).userId), { reason: 'kicked' });
  t.like(await target.client.request('chat.send', { text: 'still here?', clientMsgId: clientMsgId() }), { ok: false });
  t.like(await target.client.request('room.join', { dojoId }), { ok: false, error: { code: 'FORBIDDEN' } });
  await Promise.all([host.client.close(), target.client.close(), other.client.close()]);
});

test('classroom mode: only chosen participants edit', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0), member(1)]);
  const host = await joined(app, fac(), dojoId);
  const chosen = await joined(app, member(0), dojoId);
  const other = await joined(app, member(1), dojoId);
  const res = await api(app, 'POST', `/v1/dojos/${dojoId}/classroom`, fac().token, { enabled: true, editors: [member(0).userId] });
  t.is(res.status, 200);
  t.like(await other.client.nextPushOf('room.updated'), { reason: 'classroom', classroom: true, editors: [member(0).userId] });
  const edit = () => {
    const doc = new Y.Doc();
    doc.getText('code').insert(0, 'x');
    return { update: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64') };
  };
  t.like(await other.client.request('code.update', edit()), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await chosen.client.request('code.update', edit()), { ok: true });
  t.like(await host.client.request('code.update', edit()), { ok: true });
  t.is((await api(app, 'POST', `/v1/dojos/${dojoId}/classroom`, member(0).token, { enabled: false })).status, 403);
  await Promise.all([host.client.close(), chosen.client.close(), other.client.close()]);
});

test('an idle room closes and its next join restores code and chat from the database', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const first = await joined(app, fac(), dojoId);
  const doc = new Y.Doc();
  doc.getText('code').insert(0, 'survives a restart');
  t.like(await first.client.request('code.update', { update: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64') }), { ok: true });
  t.like(await first.client.request('chat.send', { text: 'kept', clientMsgId: clientMsgId() }), { ok: true });
  await first.client.request('room.leave');
  const lease = `room:${tenant.tenantId}:${dojoId}`;
  await waitFor(async () => ((await app.node.infra.leases.holder(lease)) === null ? true : undefined), 'the idle room to close');
  const snaps = await api(app, 'GET', `/v1/dojos/${dojoId}/snapshots`, fac().token);
  t.is(snaps.body.snapshots[0].text, 'survives a restart');
  // with_state passes the gateway as a boolean, and the action's params take it as such.
  t.is(snaps.body.snapshots[0].state, undefined);
  const withState = await api(app, 'GET', `/v1/dojos/${dojoId}/snapshots?with_state=true`, fac().token);
  t.is(typeof withState.body.snapshots[0].state, 'string');
  t.like(await api(app, 'GET', `/v1/dojos/${dojoId}/snapshots?with_state=maybe`, fac().token), { status: 422, body: { error: { fields: [{ field: 'with_state' }] } } });
  const again = await joined(app, member(0), dojoId);
  const restored = new Y.Doc();
  Y.applyUpdate(restored, Buffer.from(again.reply.data.code, 'base64'));
  t.is(restored.getText('code').toString(), 'survives a restart');
  t.deepEqual(
    again.reply.data.chat.map((m: { text: string }) => m.text),
    ['kept'],
  );
  // The new activation's pushes continue above the old seq, so a gateway never sees it go back.
  t.true(again.reply.data.seq > first.reply.data.seq);
  await Promise.all([first.client.close(), again.client.close()]);
});

test('stop sends room.closed to everyone, and the room cannot be joined again', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const host = await joined(app, fac(), dojoId);
  const guest = await joined(app, member(0), dojoId);
  const stop = await api(app, 'POST', '/v1/dojo/stop', fac().token, { tenant_id: tenant.tenantId, dojo_id: dojoId });
  t.is(stop.status, 200);
  for (const c of [host.client, guest.client]) t.like(await c.nextPushOf('room.closed'), { dojoId, reason: 'stopped' });
  t.like(await guest.client.request('chat.send', { text: 'late', clientMsgId: randomUUID() }), { ok: false, error: { code: 'BAD_REQUEST' } });
  t.like(await guest.client.request('room.join', { dojoId }), { ok: false, error: { code: 'CONFLICT' } });
  const dojo = await api(app, 'GET', `/v1/dojos/${dojoId}`, fac().token);
  t.is(dojo.body.status, 'COMPLETED');
  await Promise.all([host.client.close(), guest.client.close()]);
});

test("the operations port's /metrics counts the live rooms, their participants and their messages", async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(3)]);
  const a = await joined(app, fac(), dojoId);
  t.like(await a.client.request('chat.send', { text: 'counted', clientMsgId: clientMsgId() }), { ok: true });
  const metrics = await (await fetch(`${app.opsUrl}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  t.true(value('pocdojo_dojo_rooms_active') >= 1);
  t.true(value('pocdojo_dojo_participants') >= 1);
  t.regex(metrics, /^pocdojo_dojo_messages_total\{kind="chat"\} [1-9]/m);
  await a.client.close();
});

test('messages their author deletes through REST leave the live room at once', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(2)]);
  const author = await joined(app, member(2), dojoId);
  const watcher = await joined(app, fac(), dojoId);
  const sent = await author.client.request('chat.send', { text: 'oops, my password', clientMsgId: clientMsgId() });
  const messageId = sent.data.messageId as string;
  // The durable queue writes it; the REST delete works on the stored row.
  await waitFor(async () => {
    const res = await api<{ messages: Array<{ id: string }> }>(app, 'GET', `/v1/user/messages?user_id=${member(2).userId}&room_id=${dojoId}`, member(2).token);
    return res.body.messages?.some((m) => m.id === messageId) ? true : undefined;
  }, 'the message to be stored');
  const removed = await api(app, 'POST', '/v1/user/messages', member(2).token, { user_id: member(2).userId, messages_id: [messageId] });
  t.is(removed.status, 200);
  t.like(await watcher.client.nextPushOf('chat.deleted', (d) => d.messageId === messageId), { by: member(2).userId });
  const late = await joined(app, member(2), dojoId);
  t.false(late.reply.data.chat.some((m: { messageId: string }) => m.messageId === messageId));
  await Promise.all([author.client.close(), watcher.client.close(), late.client.close()]);
});

test('a room method may name its room: the joined one is served, one the session is not in is refused, and the session stays', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const other = await liveDojo(app, tenant, fac(), [member(0)]);
  const host = await joined(app, fac(), dojoId);
  const speaker = await joined(app, member(0), dojoId);
  t.like(await speaker.client.request('chat.send', { dojoId, text: 'named', clientMsgId: clientMsgId() }), { ok: true });
  t.like(await host.client.nextPushOf('chat.message', (d) => d.text === 'named'), { userId: member(0).userId });
  const refused = await speaker.client.request('chat.send', { dojoId: other, text: 'elsewhere', clientMsgId: clientMsgId() });
  t.false(refused.ok, JSON.stringify(refused));
  t.like(await speaker.client.request('chat.send', { text: 'still here', clientMsgId: clientMsgId() }), { ok: true });
  t.like(await host.client.nextPushOf('chat.message', (d) => d.text === 'still here'), { userId: member(0).userId });
  await Promise.all([host.client.close(), speaker.client.close()]);
});
