import { randomUUID } from 'node:crypto';
import test from 'ava';
import { authed, createTenant, type TestUser } from '../../test/support/accounts';
import { tenantNode } from './testing';

const fixture = tenantNode({ members: 5 });

type Notification = { id: string; type: string; title: string; body: string; data: Record<string, unknown>; read: boolean; created: string };
type Page = { notifications: Notification[]; unread: number };

// What the dojo, render and poc actors do: emit and move on.
const request = (user: TestUser, extra: Record<string, unknown> = {}) =>
  fixture.app.node.broker.emit('notification.requested', {
    tenantId: user.tenantId,
    userId: user.userId,
    type: 'dojo.invited',
    title: 'You are invited',
    body: 'Katas on Friday',
    data: { dojoId: randomUUID() },
    ...extra,
  });

const list = async (user: TestUser, query = '') => {
  const res = await fetch(`${fixture.app.url}/v1/user/notification?user_id=${user.userId}${query}`, { headers: authed(user.token) });
  return { status: res.status, body: (await res.json()) as Page };
};

async function until(user: TestUser, count: number, query = ''): Promise<Page> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await list(user, query);
    if (body.notifications.length >= count || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a burst of requests is absorbed and every notification arrives, newest first, 50 at most', async (t) => {
  const user = fixture.acme.members[0]!;
  await Promise.all(Array.from({ length: 120 }, (_, i) => request(user, { title: `n${i}`, dedupeKey: `burst-${i}` })));
  const deadline = Date.now() + 10_000;
  while ((await list(user)).body.unread < 120 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const first = (await list(user)).body;
  t.is(first.unread, 120);
  t.is(first.notifications.length, 50, 'limit defaults to 50');
  const all: Notification[] = [];
  for (let offset = 0; offset < 150; offset += 50) all.push(...(await list(user, `&offset=${offset}`)).body.notifications);
  t.is(new Set(all.map((n) => n.id)).size, 120);
  const times = all.map((n) => Date.parse(n.created));
  t.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
  );
  t.is((await list(user, '&limit=51')).status, 422);
  t.is((await list(user, '&limit=0')).status, 422);
});

test('a redelivered request with the same dedupe key is stored once', async (t) => {
  const user = fixture.acme.members[1]!;
  for (let i = 0; i < 3; i++) await request(user, { dedupeKey: 'report-42-ready', type: 'report.ready', title: 'Report ready' });
  await request(user, { dedupeKey: 'video-7-ready', type: 'video.ready', title: 'Video ready' });
  const page = await until(user, 2);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const again = (await list(user)).body;
  t.deepEqual(again.notifications.map((n) => n.title).sort(), ['Report ready', 'Video ready']);
  t.is(page.unread, 2);
});

test('notifications are marked read and unread', async (t) => {
  const user = fixture.acme.members[2]!;
  await request(user, { dedupeKey: 'a', title: 'first' });
  await request(user, { dedupeKey: 'b', title: 'second' });
  const page = await until(user, 2);
  const target = page.notifications[0]!;
  const mark = await fetch(`${fixture.app.url}/v1/user/notification/read`, { method: 'POST', headers: authed(user.token), body: JSON.stringify({ notification_ids: [target.id] }) });
  t.deepEqual(await mark.json(), { success: true, updated: 1 });
  const after = (await list(user)).body;
  t.is(after.unread, 1);
  t.true(after.notifications.find((n) => n.id === target.id)!.read);
  t.deepEqual(
    (await list(user, '&unread=true')).body.notifications.map((n) => n.id),
    [page.notifications[1]!.id],
  );
  const unmark = await fetch(`${fixture.app.url}/v1/user/notification/read`, { method: 'POST', headers: authed(user.token), body: JSON.stringify({ notification_ids: [target.id], read: false }) });
  t.like(await unmark.json(), { updated: 1 });
  const all = await fetch(`${fixture.app.url}/v1/user/notification/read`, { method: 'POST', headers: authed(user.token), body: JSON.stringify({ all: true }) });
  t.like(await all.json(), { updated: 2 });
  t.is((await list(user)).body.unread, 0);
  const empty = await fetch(`${fixture.app.url}/v1/user/notification/read`, { method: 'POST', headers: authed(user.token), body: JSON.stringify({}) });
  t.is(empty.status, 422);
});

test('a switched-off kind is not stored; a user of another tenant is never notified through this one', async (t) => {
  const user = fixture.acme.members[3]!;
  await fetch(`${fixture.app.url}/v1/account/profile`, { method: 'POST', headers: authed(user.token), body: JSON.stringify({ user_id: user.userId, notifications: { dojoStarting: false } }) });
  const other = await createTenant(fixture.app);
  await request(user, { type: 'dojo.starting', title: 'muted', dedupeKey: 'm1' });
  await request({ ...other.admin, tenantId: fixture.acme.tenantId }, { title: 'crossed', dedupeKey: 'x1' });
  await request(user, { type: 'dojo.invited', title: `wanted ${'x'.repeat(300)}`, dedupeKey: 'w1' });
  const page = await until(user, 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const titles = (await list(user)).body.notifications.map((n) => n.title);
  t.is(titles.length, 1);
  t.true(titles[0]!.startsWith('wanted') && titles[0]!.length === 200, 'a long title is cut to fit');
  t.is((await list(other.admin)).body.notifications.length, 0);
  t.is(page.notifications.length, 1);
});

test("someone else's notifications are 403 in the tenant and 404 from another", async (t) => {
  const [a, b] = [fixture.acme.members[0]!, fixture.acme.members[4]!];
  await request(b, { dedupeKey: 'mine', title: 'only for b' });
  await until(b, 1);
  t.is((await fetch(`${fixture.app.url}/v1/user/notification?user_id=${b.userId}`, { headers: authed(a.token) })).status, 403);
  const other = await createTenant(fixture.app);
  t.is((await fetch(`${fixture.app.url}/v1/user/notification?user_id=${b.userId}`, { headers: authed(other.admin.token) })).status, 404);
  const mark = await fetch(`${fixture.app.url}/v1/user/notification/read`, { method: 'POST', headers: authed(other.admin.token), body: JSON.stringify({ all: true }) });
  t.like(await mark.json(), { updated: 0 });
  t.is((await list(b)).body.unread, 1, "another tenant's 'all' touched nothing here");
});
