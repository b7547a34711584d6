import test from 'ava';
import { authed, createTenant, readConfirmationToken, request, type TestTenant } from '../../../test/support/accounts';
import { startTestNode, type TestNode } from '../../../test/support/node';
import { api, joined, liveDojo } from '../../dojo-room/testing';
import { DASHBOARD_TTL_MS } from './actions';
import { getJson } from '../testing';

// Writers announce what the dashboards count (actors/dataChanged.ts): after a write through the
// API the dashboard shows it long before its cached answer's TTL runs out. The announcement is
// a broker event, so the read after a write is retried for a moment, far below the TTL.

let app: TestNode;
let acme: TestTenant;
/** How long a test waits for a dashboard to change: a small part of the TTL. */
const PATIENCE_MS = Math.min(10_000, DASHBOARD_TTL_MS / 4);

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'render', 'dojo-room', 'kata'] });
  acme = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

/** The parts of the dashboards' answers these tests read. */
interface Json {
  totals: Record<string, number>;
  members: { total: number; by_status: Array<{ name: string; count: number }>; by_role: Array<{ name: string; count: number }> };
  dojos: { by_status: unknown };
}
const read = async (path: string, token = acme.admin.token): Promise<Json> => {
  const { status, body } = await getJson(`${app.url}${path}`, token);
  if (status !== 200) throw new Error(`${path} -> ${status} ${JSON.stringify(body)}`);
  return body as unknown as Json;
};

/** Reads until `pick` differs from `before` (at most PATIENCE_MS); returns the last value read. */
async function changed<T>(path: string, pick: (body: Json) => T, before: T, token = acme.admin.token): Promise<T> {
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const now = pick(await read(path, token));
    if (JSON.stringify(now) !== JSON.stringify(before) || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const roles = (body: Json): Record<string, number> => Object.fromEntries(body.members.by_role.map((c) => [c.name, c.count]));

test('a role change shows in the cached tenant overview at once', async (t) => {
  const before = roles(await read('/v1/reports/tenant-overview'));
  t.deepEqual(roles(await read('/v1/reports/tenant-overview')), before, 'served from the cache');
  const member = acme.members[1]!;
  const res = await fetch(`${app.url}/v1/users/${member.userId}/role`, { method: 'PUT', headers: authed(acme.admin.token), body: JSON.stringify({ role: 'facilitator' }) });
  t.true(res.ok, await res.text());
  const after = await changed('/v1/reports/tenant-overview', roles, before);
  t.is(after.facilitator, (before.facilitator ?? 0) + 1);
  t.is(after.member, before.member - 1);
});

test('a registration, its confirmation and an accepted invitation show in the cached tenant overview at once', async (t) => {
  // A tenant of its own: the other tests change acme's members concurrently.
  const tenant = await createTenant(app);
  const token = tenant.admin.token;
  const path = '/v1/reports/tenant-overview';
  const members = (body: Json) => ({ total: body.members.total, by_status: body.members.by_status, by_role: roles(body) });
  const first = members(await read(path, token));
  t.deepEqual(members(await read(path, token)), first, 'served from the cache');
  // None of these calls is authenticated, so no action hook sees the caller's tenant.
  const username = `reg${Date.now() % 1e9}`;
  const email = `${username}@mail.test`;
  const registered = await request(app, 'POST', '/v1/account', undefined, { tenant: tenant.slug, firstName: 'Reg', lastName: 'Istered', email, username, password: tenant.admin.password });
  t.is(registered.status, 201, JSON.stringify(registered.body));
  const pending = await changed(path, members, first, token);
  t.is(pending.total, first.total + 1, 'the registration counts');
  const confirmed = await request(app, 'POST', '/v1/account/confirm', undefined, { token: await readConfirmationToken(app, email) });
  t.is(confirmed.status, 200, JSON.stringify(confirmed.body));
  const active = await changed(path, members, pending, token);
  t.notDeepEqual(active.by_status, pending.by_status, 'the confirmation moves the account to ACTIVE');
  t.is(active.by_status.find((c) => c.name === 'ACTIVE')?.count, (pending.by_status.find((c) => c.name === 'ACTIVE')?.count ?? 0) + 1);
  const invitedEmail = `inv${Date.now()}@mail.test`;
  const invited = await request(app, 'POST', '/v1/invitations', token, { email: invitedEmail, role: 'facilitator' });
  t.is(invited.status, 201, JSON.stringify(invited.body));
  const accepted = await request(app, 'POST', '/v1/invitations/accept', undefined, {
    token: await readConfirmationToken(app, invitedEmail),
    firstName: 'Ivy',
    lastName: 'Invited',
    username: `inv${Date.now() % 1e9}`,
    password: tenant.admin.password,
  });
  t.is(accepted.status, 201, JSON.stringify(accepted.body));
  const joined = await changed(path, members, active, token);
  t.is(joined.total, active.total + 1, 'the accepted invitation counts');
  t.is(joined.by_role.facilitator, (active.by_role.facilitator ?? 0) + 1);
});

test('a login shows in the cached usage at once', async (t) => {
  const logins = (body: Json) => body.totals.logins!;
  const before = logins(await read('/v1/reports/usage'));
  const res = await fetch(`${app.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: acme.slug, username: acme.admin.username, password: acme.admin.password }),
  });
  t.is(res.status, 200, await res.text());
  t.is(await changed('/v1/reports/usage', logins, before), before + 1);
});

test('a dojo and a kata run through the API show in the cached dashboards at once', async (t) => {
  const held = (body: Json) => body.dojos.by_status;
  const katas = (body: Json) => body.totals.katas!;
  const overviewBefore = held(await read('/v1/reports/tenant-overview'));
  const katasBefore = katas(await read('/v1/reports/kata-analytics'));
  const fac = acme.facilitators[0]!;
  const dojoId = await liveDojo(app, acme, fac, [acme.members[0]!]);
  t.notDeepEqual(await changed('/v1/reports/tenant-overview', held, overviewBefore), overviewBefore);
  const host = await joined(app, fac, dojoId);
  const member = await joined(app, acme.members[0]!, dojoId);
  try {
    const started = await api(app, 'POST', '/v1/katas', fac.token, { dojo_id: dojoId, title: 'FizzBuzz', statement: 'fizz', language: 'javascript', duration_minutes: 30, room_size: 1 });
    t.is(started.status, 201, JSON.stringify(started.body));
    t.is(await changed('/v1/reports/kata-analytics', katas, katasBefore), katasBefore + 1);
    const rooms = (body: Json) => body.totals.rooms!;
    const roomsBefore = rooms(await read('/v1/reports/kata-analytics'));
    const auto = await api(app, 'POST', `/v1/katas/${started.body.id as string}/rooms/auto`, fac.token, { size: 1 });
    t.is(auto.status, 201, JSON.stringify(auto.body));
    t.is(await changed('/v1/reports/kata-analytics', rooms, roomsBefore), roomsBefore + (auto.body.rooms as unknown[]).length);
  } finally {
    await Promise.all([host.client.close(), member.client.close()]);
  }
});
