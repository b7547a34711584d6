import { randomUUID } from 'node:crypto';
import test from 'ava';
import { createTenant, type TestTenant, type TestUser } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { api, startDojoNode } from './testing';

let app: TestNode;
let tenant: TestTenant;
let other: TestTenant;

test.before(async () => {
  app = await startDojoNode();
  [tenant, other] = await Promise.all([createTenant(app, { members: 3, facilitators: 2 }), createTenant(app, { members: 1 })]);
});

test.after.always(async () => {
  await app?.stop();
});

const fac = (i = 0) => tenant.facilitators[i]!;
const member = (i: number) => tenant.members[i]!;

function create(by: TestUser, body: Record<string, unknown> = {}) {
  return api(app, 'POST', '/v1/dojo/create', by.token, {
    tenant_id: tenant.tenantId,
    dojo_date: '2026-12-01T10:00:00Z',
    subject: 'Refactoring katas',
    members: [member(0).userId, member(1).userId],
    ...body,
  });
}

async function notificationsOf(user: TestUser, type: string, dojoId: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await api(app, 'GET', `/v1/user/notification?user_id=${user.userId}`, user.token);
    const n = (res.body.notifications as Array<{ type: string; data: { dojoId?: string } }>).filter((x) => x.type === type && x.data.dojoId === dojoId).length;
    if (n > 0 || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('create validates its input and names the fields', async (t) => {
  const bad = await create(fac(), { dojo_date: 'tomorrow', subject: '', members: ['nope'] });
  t.is(bad.status, 422);
  t.deepEqual(bad.body.error.fields.map((f: { field: string }) => f.field).sort(), ['dojo_date', 'members.0', 'subject']);
  const foreign = await create(fac(), { members: [member(0).userId, other.members[0]!.userId] });
  t.is(foreign.status, 422);
  t.like(foreign.body.error.fields[0], { field: 'members.1', message: 'is not a user of this tenant' });
  const overlap = await create(fac(), { observers: [member(0).userId] });
  t.like(overlap, { status: 422, body: { error: { fields: [{ field: 'observers.0' }] } } });
  t.is((await create(fac(), { max_participants: 1 })).status, 422);
});

test('only facilitators and admins of the tenant create dojos', async (t) => {
  t.is((await create(member(0))).status, 403);
  t.is((await create(fac(), { tenant_id: other.tenantId })).status, 403);
  const byAdmin = await create(tenant.admin);
  t.is(byAdmin.status, 201);
  t.regex(byAdmin.body.join_code, /^[A-Z2-9]{8}$/);
});

test('members are notified of the invitation and of the start; start and stop belong to the facilitator', async (t) => {
  const created = await create(fac());
  t.is(created.status, 201);
  const dojoId = created.body.dojo_id as string;
  t.is(await notificationsOf(member(0), 'dojo.invited', dojoId), 1);
  const ref = { tenant_id: tenant.tenantId, dojo_id: dojoId };
  t.is((await api(app, 'POST', '/v1/dojo/start', member(0).token, ref)).status, 403);
  t.is((await api(app, 'POST', '/v1/dojo/start', fac(1).token, ref)).status, 403);
  t.is((await api(app, 'POST', '/v1/dojo/start', other.admin.token, { ...ref, tenant_id: other.tenantId })).status, 404);
  t.like(await api(app, 'POST', '/v1/dojo/start', fac().token, ref), { status: 200, body: { success: true } });
  // Starting again is harmless and notifies nobody twice.
  t.is((await api(app, 'POST', '/v1/dojo/start', tenant.admin.token, ref)).status, 200);
  t.is(await notificationsOf(member(1), 'dojo.starting', dojoId), 1);
  const dojo = await api(app, 'GET', `/v1/dojos/${dojoId}`, member(1).token);
  t.like(dojo.body, { id: dojoId, status: 'ACTIVE', subject: 'Refactoring katas', facilitator_id: fac().userId });
  t.truthy(dojo.body.started_at);
  t.deepEqual(dojo.body.participants.map((p: { role: string }) => p.role).sort(), ['facilitator', 'participant', 'participant']);
  t.like(await api(app, 'POST', '/v1/dojo/stop', tenant.admin.token, ref), { status: 200, body: { success: true } });
  t.is((await api(app, 'GET', `/v1/dojos/${dojoId}`, fac().token)).body.status, 'COMPLETED');
  t.is((await api(app, 'POST', '/v1/dojo/start', fac().token, ref)).status, 409);
});

test('stopping a scheduled dojo cancels it', async (t) => {
  const created = await create(fac());
  const ref = { tenant_id: tenant.tenantId, dojo_id: created.body.dojo_id };
  t.is((await api(app, 'POST', '/v1/dojo/stop', fac().token, ref)).status, 200);
  t.is((await api(app, 'GET', `/v1/dojos/${ref.dojo_id}`, fac().token)).body.status, 'CANCELLED');
});

test('lists: admins see every dojo of the tenant, others the ones they take part in; status filters', async (t) => {
  const mine = await create(fac(1), { members: [member(2).userId] });
  await api(app, 'POST', '/v1/dojo/start', fac(1).token, { tenant_id: tenant.tenantId, dojo_id: mine.body.dojo_id });
  const all = await api(app, 'GET', '/v1/dojos?limit=100', tenant.admin.token);
  t.true(all.body.items.some((d: { id: string }) => d.id === mine.body.dojo_id));
  t.is(all.body.total, all.body.items.length);
  const forMember = await api(app, 'GET', '/v1/dojos?status=ACTIVE', member(2).token);
  t.deepEqual(
    forMember.body.items.map((d: { id: string }) => d.id),
    [mine.body.dojo_id],
  );
  const outsider = await api(app, 'GET', '/v1/dojos', member(0).token);
  t.false(outsider.body.items.some((d: { id: string }) => d.id === mine.body.dojo_id));
  t.is((await api(app, 'GET', '/v1/dojos', other.admin.token)).body.total, 0);
  t.is((await api(app, 'GET', '/v1/dojos?status=LIVE', tenant.admin.token)).status, 422);
});

test('a dojo, its chat and its snapshots are visible to its people only', async (t) => {
  const created = await create(fac(), { members: [member(0).userId] });
  const dojoId = created.body.dojo_id as string;
  for (const path of [`/v1/dojos/${dojoId}`, `/v1/dojos/${dojoId}/chat`, `/v1/dojos/${dojoId}/snapshots`]) {
    t.is((await api(app, 'GET', path, member(0).token)).status, 200, path);
    t.is((await api(app, 'GET', path, member(1).token)).status, 403, path);
    t.is((await api(app, 'GET', path, other.admin.token)).status, 404, path);
  }
  t.is((await api(app, 'GET', `/v1/dojos/${randomUUID()}`, fac().token)).status, 404);
  t.is((await api(app, 'GET', '/v1/dojos/not-an-id', fac().token)).status, 422);
  t.deepEqual((await api(app, 'GET', `/v1/dojos/${dojoId}/chat`, fac().token)).body, { messages: [] });
});

test('classroom mode accepts participants of the dojo only', async (t) => {
  const created = await create(fac(), { members: [member(0).userId] });
  const res = await api(app, 'POST', `/v1/dojos/${created.body.dojo_id}/classroom`, fac().token, { enabled: true, editors: [member(1).userId] });
  t.like(res, { status: 422, body: { error: { fields: [{ field: 'editors.0' }] } } });
  t.is((await api(app, 'POST', `/v1/dojos/${created.body.dojo_id}/classroom`, fac().token, { enabled: true, editors: [member(0).userId] })).status, 200);
  t.true((await api(app, 'GET', `/v1/dojos/${created.body.dojo_id}`, fac().token)).body.classroom);
});
