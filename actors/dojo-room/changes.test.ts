import test from 'ava';
import { QueryTypes } from 'sequelize';
import * as Y from 'yjs';
import { createTenant, mailsTo, type TestTenant, type TestUser } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { WsClient } from '../../test/support/ws-client';
import { CODE_TEXT } from './CodeDocument';
import { api, clientMsgId, joined, liveDojo, startDojoNode } from './testing';

// Dojos that change (issue 18), end to end through the gateway: edits, members added and
// removed (live too), join by code, re-admitting a kicked user, the initial code, the plan.
let app: TestNode;
let tenant: TestTenant;
let other: TestTenant;

test.before(async () => {
  app = await startDojoNode();
  // One after the other: sign-ups hash passwords, and a loaded machine sheds logins past a burst.
  tenant = await createTenant(app, { members: 6, facilitators: 1 });
  other = await createTenant(app, { members: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

const fac = () => tenant.facilitators[0]!;
const member = (i: number) => tenant.members[i]!;

async function scheduled(body: Record<string, unknown> = {}): Promise<{ dojoId: string; joinCode: string }> {
  const res = await api(app, 'POST', '/v1/dojo/create', fac().token, {
    tenant_id: tenant.tenantId,
    dojo_date: '2026-12-20T10:00:00Z',
    subject: 'Katas',
    members: [member(0).userId],
    ...body,
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return { dojoId: res.body.dojo_id, joinCode: res.body.join_code };
}

/** A socket outside any room (the user channel only). */
async function connected(user: TestUser): Promise<WsClient> {
  const client = await WsClient.connect(app.wsUrl, user.token);
  await client.nextPushOf('session.welcome');
  return client;
}

test('a scheduled dojo changes (facilitator or admin only); fields left out stay', async (t) => {
  const { dojoId } = await scheduled({ description: 'first', initial_code: 'x = 1' });
  const path = `/v1/dojos/${dojoId}`;
  const changed = await api(app, 'PUT', path, fac().token, { subject: 'Katas, again', dojo_date: '2026-12-21T09:30:00Z', is_private: true, initial_code: 'x = 2' });
  t.is(changed.status, 200);
  t.like(changed.body, { id: dojoId, subject: 'Katas, again', description: 'first', is_private: true, initial_code: 'x = 2', dojo_date: '2026-12-21T09:30:00.000Z' });
  t.like((await api(app, 'PUT', path, tenant.admin.token, { description: null })).body, { description: null, subject: 'Katas, again' });
  t.like((await api(app, 'GET', path, member(0).token)).body, { subject: 'Katas, again', is_private: true, initial_code: 'x = 2' });
  t.is((await api(app, 'PUT', path, member(0).token, { subject: 'mine' })).status, 403);
  const bad = await api(app, 'PUT', path, fac().token, { subject: '', dojo_date: 'soon', is_private: 'yes' });
  t.is(bad.status, 422);
  t.deepEqual(bad.body.error.fields.map((f: { field: string }) => f.field).sort(), ['dojo_date', 'is_private', 'subject']);
});

test('a live dojo changes its subject, description and private flag only; an ended one nothing', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const path = `/v1/dojos/${dojoId}`;
  const date = await api(app, 'PUT', path, fac().token, { subject: 'fine', dojo_date: '2026-12-22T10:00:00Z' });
  t.is(date.status, 409);
  t.deepEqual(
    date.body.error.fields.map((f: { field: string }) => f.field),
    ['dojo_date'],
  );
  const code = await api(app, 'PUT', path, fac().token, { initial_code: 'late' });
  t.like(code, { status: 409, body: { error: { fields: [{ field: 'initial_code' }] } } });
  t.like(await api(app, 'PUT', path, fac().token, { subject: 'Renamed live', description: 'now with notes', is_private: true }), {
    status: 200,
    body: { subject: 'Renamed live', description: 'now with notes', is_private: true, status: 'ACTIVE' },
  });
  t.is((await api(app, 'POST', '/v1/dojo/stop', fac().token, { tenant_id: tenant.tenantId, dojo_id: dojoId })).status, 200);
  t.is((await api(app, 'PUT', path, fac().token, { subject: 'after' })).status, 409);
  t.is((await api(app, 'POST', `${path}/members`, fac().token, { members: [member(1).userId] })).status, 409);
});

test('a member added to a live dojo is told on their socket and joins it', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const host = await joined(app, fac(), dojoId);
  const newcomer = await connected(member(1));
  t.like(await newcomer.request('room.join', { dojoId }), { ok: false, error: { code: 'FORBIDDEN' } });
  const foreign = await api(app, 'POST', `/v1/dojos/${dojoId}/members`, fac().token, { members: [other.members[0]!.userId] });
  t.like(foreign, { status: 422, body: { error: { fields: [{ field: 'members.0', message: 'is not a user of this tenant' }] } } });
  t.is((await api(app, 'POST', `/v1/dojos/${dojoId}/members`, member(0).token, { members: [member(1).userId] })).status, 403);
  const added = await api(app, 'POST', `/v1/dojos/${dojoId}/members`, fac().token, { members: [member(1).userId], observers: [member(2).userId] });
  t.like(added, { status: 200 });
  t.deepEqual(added.body.added.sort(), [member(1).userId, member(2).userId].sort());
  const pushed = await newcomer.nextPushOf('notification.new', (d) => d.notification.type === 'dojo.invited' && d.notification.data.dojoId === dojoId);
  t.true(pushed.unread >= 1);
  const reply = await newcomer.request('room.join', { dojoId });
  t.like(reply, { ok: true, data: { role: 'participant' } });
  t.like(await host.client.nextPushOf('participant.joined', (d) => d.userId === member(1).userId), { role: 'participant' });
  // Adding them again changes nothing and tells nobody.
  t.deepEqual((await api(app, 'POST', `/v1/dojos/${dojoId}/members`, fac().token, { members: [member(1).userId] })).body, { added: [] });
  await Promise.all([host.client.close(), newcomer.close()]);
});

test("a removed member's socket leaves the room at once and can no longer chat; they may be added back", async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0), member(3)]);
  const host = await joined(app, fac(), dojoId);
  const gone = await joined(app, member(3), dojoId);
  t.is((await api(app, 'DELETE', `/v1/dojos/${dojoId}/members/${fac().userId}`, tenant.admin.token)).status, 409, 'not the facilitator');
  t.is((await api(app, 'DELETE', `/v1/dojos/${dojoId}/members/${member(4).userId}`, fac().token)).status, 404, 'not a member');
  t.like(await api(app, 'DELETE', `/v1/dojos/${dojoId}/members/${member(3).userId}`, fac().token), { status: 200, body: { success: true } });
  t.like(await gone.client.nextPushOf('room.closed'), { dojoId, reason: 'removed' });
  t.like(await host.client.nextPushOf('participant.left', (d) => d.userId === member(3).userId), { reason: 'left' });
  t.like(await gone.client.nextPushOf('notification.new', (d) => d.notification.type === 'dojo.removed'), { notification: { data: { dojoId } } });
  t.like(await gone.client.request('chat.send', { text: 'still here?', clientMsgId: clientMsgId() }), { ok: false });
  t.like(await gone.client.request('room.join', { dojoId }), { ok: false, error: { code: 'FORBIDDEN' } });
  t.is((await api(app, 'GET', `/v1/dojos/${dojoId}`, member(3).token)).status, 403);
  t.is((await api(app, 'DELETE', `/v1/dojos/${dojoId}/members/${member(3).userId}`, fac().token)).status, 404, 'removed once');
  t.is((await api(app, 'POST', `/v1/dojos/${dojoId}/members`, fac().token, { members: [member(3).userId] })).status, 200);
  t.like(await gone.client.request('room.join', { dojoId }), { ok: true, data: { role: 'participant' } });
  await Promise.all([host.client.close(), gone.client.close()]);
});

test('a kicked user is admitted again by the facilitator and joins', async (t) => {
  const dojoId = await liveDojo(app, tenant, fac(), [member(0)]);
  const host = await joined(app, fac(), dojoId);
  const target = await joined(app, member(0), dojoId);
  t.is((await api(app, 'POST', `/v1/dojos/${dojoId}/members/${member(0).userId}/readmit`, fac().token)).status, 409, 'not kicked yet');
  t.like(await host.client.request('room.kick', { userId: member(0).userId }), { ok: true });
  await target.client.nextPushOf('room.kicked');
  t.like(await target.client.request('room.join', { dojoId }), { ok: false, error: { code: 'FORBIDDEN' } });
  t.is((await api(app, 'POST', `/v1/dojos/${dojoId}/members/${member(0).userId}/readmit`, member(0).token)).status, 403);
  t.like(await api(app, 'POST', `/v1/dojos/${dojoId}/members/${member(0).userId}/readmit`, fac().token), { status: 200, body: { success: true } });
  t.like(await target.client.request('room.join', { dojoId }), { ok: true, data: { role: 'participant' } });
  const dojo = await api(app, 'GET', `/v1/dojos/${dojoId}`, fac().token);
  t.like(
    dojo.body.participants.find((p: { user_id: string }) => p.user_id === member(0).userId),
    { kicked: false },
  );
  await Promise.all([host.client.close(), target.client.close()]);
});

test('join by code: a tenant member becomes a participant of a non-private dojo, live or scheduled', async (t) => {
  const { dojoId, joinCode } = await scheduled();
  const joinedByCode = await api(app, 'POST', '/v1/dojos/join', member(5).token, { code: joinCode.toLowerCase() });
  t.like(joinedByCode, { status: 200, body: { dojo_id: dojoId, role: 'participant', status: 'SCHEDULED' } });
  t.is((await api(app, 'GET', `/v1/dojos/${dojoId}`, member(5).token)).status, 200);
  t.like(await api(app, 'POST', '/v1/dojos/join', member(5).token, { code: joinCode }), { status: 200, body: { role: 'participant' } }, 'again: nothing changes');
  const wrong = await api(app, 'POST', '/v1/dojos/join', member(5).token, { code: 'AAAAAAAA' });
  t.like(wrong, { status: 404, body: { error: { fields: [{ field: 'code' }] } } });
  t.like(await api(app, 'POST', '/v1/dojos/join', member(5).token, { code: 'short' }), { status: 422, body: { error: { fields: [{ field: 'code' }] } } });
  // A live dojo: the new participant joins its room at once.
  const live = await liveDojo(app, tenant, fac(), [member(0)]);
  const code = (await api(app, 'GET', `/v1/dojos/${live}`, fac().token)).body.join_code as string;
  t.like(await api(app, 'POST', '/v1/dojos/join', member(4).token, { code }), { status: 200, body: { dojo_id: live, status: 'ACTIVE' } });
  const { client, reply } = await joined(app, member(4), live);
  t.is(reply.data.role, 'participant');
  await client.close();
});

test('a private dojo refuses join by code', async (t) => {
  const { dojoId, joinCode } = await scheduled({ is_private: true });
  const refused = await api(app, 'POST', '/v1/dojos/join', member(2).token, { code: joinCode });
  t.is(refused.status, 403);
  t.regex(refused.body.error.message, /private/);
  t.is((await api(app, 'GET', `/v1/dojos/${dojoId}`, member(2).token)).status, 403);
  // Its members are those the facilitator adds; a member's own code still answers them.
  t.like(await api(app, 'POST', '/v1/dojos/join', member(0).token, { code: joinCode }), { status: 200, body: { dojo_id: dojoId } });
});

test('guessing join codes is refused after a few wrong ones (429)', async (t) => {
  const guesser = (await createTenant(app, { members: 1 })).members[0]!;
  const answers: number[] = [];
  for (let i = 0; i < 11; i++) answers.push((await api(app, 'POST', '/v1/dojos/join', guesser.token, { code: `ZZZZZZ${String(i).padStart(2, '2')}` })).status);
  t.deepEqual(answers, [...Array<number>(10).fill(404), 429]);
});

test("the initial code is the room's document when it is first joined", async (t) => {
  const initial = 'def kata():\n    return 42\n';
  const { dojoId } = await scheduled({ initial_code: initial });
  t.is((await api(app, 'POST', '/v1/dojo/start', fac().token, { tenant_id: tenant.tenantId, dojo_id: dojoId })).status, 200);
  const { client, reply } = await joined(app, member(0), dojoId);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(reply.data.code as string, 'base64'));
  t.is(doc.getText(CODE_TEXT).toString(), initial);
  await client.close();
});

test('an expired plan refuses new dojos with a clear 402', async (t) => {
  const poor = await createTenant(app, { facilitators: 1 });
  const paid = await fetch(`${app.url}/v1/payment`, {
    method: 'POST',
    headers: { authorization: `Bearer ${poor.admin.token}`, 'content-type': 'application/json', 'idempotency-key': `k-${poor.slug}` },
    body: JSON.stringify({ tenant_id: poor.tenantId, payment_gateway: 'sandbox', plan: 'M' }),
  });
  t.is(paid.status, 200);
  const body = { tenant_id: poor.tenantId, dojo_date: '2026-12-20T10:00:00Z', subject: 'Paid for', members: [] };
  t.is((await api(app, 'POST', '/v1/dojo/create', poor.facilitators[0]!.token, body)).status, 201);
  const db = app.node.infra.database!;
  await db.asSystem(() => db.sequelize.query(`UPDATE billing SET expiration = now() - interval '1 day' WHERE tenant_id = $1 RETURNING tenant_id`, { bind: [poor.tenantId], type: QueryTypes.SELECT }));
  const refused = await api(app, 'POST', '/v1/dojo/create', poor.facilitators[0]!.token, body);
  t.is(refused.status, 402);
  t.like(refused.body, { error: { code: 'PAYMENT_REQUIRED' } });
  t.regex(refused.body.error.message, /plan has expired: new dojos resume once an admin renews it/);
  t.is((await api(app, 'GET', '/v1/dojos', poor.facilitators[0]!.token)).status, 200, 'reading still works');
});

test("every new route answers 404 to another tenant's caller", async (t) => {
  const { dojoId, joinCode } = await scheduled();
  const stranger = other.admin;
  const answers = await Promise.all([
    api(app, 'PUT', `/v1/dojos/${dojoId}`, stranger.token, { subject: 'mine now' }),
    api(app, 'POST', `/v1/dojos/${dojoId}/members`, stranger.token, { members: [other.members[0]!.userId] }),
    api(app, 'DELETE', `/v1/dojos/${dojoId}/members/${member(0).userId}`, stranger.token),
    api(app, 'POST', `/v1/dojos/${dojoId}/members/${member(0).userId}/readmit`, stranger.token),
    api(app, 'POST', '/v1/dojos/join', other.members[0]!.token, { code: joinCode }),
  ]);
  t.deepEqual(
    answers.map((a) => a.status),
    [404, 404, 404, 404, 404],
  );
  t.like((await api(app, 'GET', `/v1/dojos/${dojoId}`, fac().token)).body, { subject: 'Katas' });
});

test("notifications speak the tenant's language: pt-BR by default (its time zone's dates), en when its admin chooses", async (t) => {
  const { dojoId, joinCode } = await scheduled({ subject: 'Katas de sexta', dojo_date: '2026-12-20T10:00:00Z', members: [] });
  const socket = await connected(member(2));
  t.is((await api(app, 'POST', `/v1/dojos/${dojoId}/members`, fac().token, { members: [member(2).userId] })).status, 200);
  const { notification } = await socket.nextPushOf('notification.new', (d) => d.notification.data.dojoId === dojoId);
  t.is(notification.title, 'Você foi convidado para um dojo: Katas de sexta');
  // 10:00 UTC is 07:00 in São Paulo, the default time zone.
  t.is(notification.body, `Em domingo, 20 de dezembro de 2026 às 07:00. Código de acesso ${joinCode}.`);
  const mail = await mailOf(`${member(2).username}@mail.test`, notification.title);
  t.true(mail.body.includes('Olá, Max,'), mail.body);
  t.true(mail.body.includes('Você pode desativar estes e-mails'));
  await socket.close();

  const english = await createTenant(app, { members: 1 });
  t.is((await api(app, 'PUT', '/v1/tenant', english.admin.token, { settings: { locale: 'en', time_zone: 'UTC' } })).status, 200);
  const listener = await connected(english.members[0]!);
  const created = await api(app, 'POST', '/v1/dojo/create', english.admin.token, {
    tenant_id: english.tenantId,
    dojo_date: '2026-12-20T10:00:00Z',
    subject: 'Friday katas',
    members: [english.members[0]!.userId],
  });
  const invited = await listener.nextPushOf('notification.new', (d) => d.notification.data.dojoId === created.body.dojo_id);
  t.like(invited.notification, { title: 'You are invited to a dojo: Friday katas', body: `On Sunday, December 20, 2026 at 10:00 AM. Join code ${created.body.join_code}.` });
  await listener.close();
});

test("rescheduling tells the dojo's members the new date, in the tenant's language and time zone; other edits tell nobody", async (t) => {
  const { dojoId } = await scheduled({ subject: 'Katas de sábado', dojo_date: '2026-12-20T10:00:00Z', members: [member(3).userId] });
  const socket = await connected(member(3));
  t.is((await api(app, 'PUT', `/v1/dojos/${dojoId}`, fac().token, { description: 'no new date' })).status, 200);
  t.is((await api(app, 'PUT', `/v1/dojos/${dojoId}`, fac().token, { dojo_date: '2026-12-27T13:30:00Z' })).status, 200);
  const { notification } = await socket.nextPushOf('notification.new', (d) => d.notification.data.dojoId === dojoId && d.notification.type === 'dojo.rescheduled');
  // 13:30 UTC is 10:30 in São Paulo, the default time zone.
  t.like(notification, { title: 'O dojo mudou de data: Katas de sábado', body: 'Agora em domingo, 27 de dezembro de 2026 às 10:30.' });
  await socket.close();
  const listed = await api(app, 'GET', `/v1/user/notification?user_id=${member(3).userId}`, member(3).token);
  const about = listed.body.notifications.filter((n: { type: string; data: { dojoId?: string } }) => n.data.dojoId === dojoId && n.type === 'dojo.rescheduled');
  t.is(about.length, 1, 'the edit without a new date told nobody');
});

async function mailOf(email: string, subject: string): Promise<{ subject: string; body: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mail = (await mailsTo(app, email)).find((m) => m.subject === subject);
    if (mail || Date.now() > deadline) return mail ?? { subject: '', body: '' };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
