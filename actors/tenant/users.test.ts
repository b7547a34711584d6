import { randomUUID } from 'node:crypto';
import test from 'ava';
import { authed, createTenant } from '../../test/support/accounts';
import { tenantNode } from './testing';
import { WsClient } from '../../test/support/ws-client';

const fixture = tenantNode({ members: 4 });

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(20)]);

type User = { id: string; username: string; firstName: string; lastName: string; email: string; picture: string | null; status: string; friendsRequest: string };
const get = (query: string, token = fixture.acme.admin.token) => fetch(`${fixture.app.url}/v1/user?${query}`, { headers: authed(token) });
const post = (path: string, body: unknown, token: string) => fetch(`${fixture.app.url}${path}`, { method: 'POST', headers: authed(token), body: JSON.stringify(body) });

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a user is found by id or by username; the response holds no hash or token', async (t) => {
  const member = fixture.acme.members[0]!;
  const byId = await get(`user_id=${member.userId}`);
  t.is(byId.status, 200);
  const user = (await byId.json()) as User;
  t.like(user, { id: member.userId, username: member.username, firstName: 'Max', lastName: 'Member', picture: null, status: 'OFFLINE', friendsRequest: 'ANYONE' });
  t.deepEqual(await (await get(`username=${member.username.toUpperCase()}`)).json(), user);
  const text = JSON.stringify(user);
  t.false(/scrypt|password|token/i.test(text));
  t.is((await get(`user_id=${randomUUID()}`)).status, 404);
  const neither = await get('');
  t.is(neither.status, 422);
  t.like(await neither.json(), { error: { fields: [{ field: 'user_id' }] } });
});

test('a profile update shows in the next read, through the cache', async (t) => {
  const member = fixture.acme.members[1]!;
  t.like(await (await get(`user_id=${member.userId}`)).json(), { firstName: 'Max' });
  const res = await post('/v1/account/profile', { user_id: member.userId, firstName: 'Maxine', friendsRequest: 'NO_ONE', notifications: { dojoStarting: false } }, member.token);
  t.is(res.status, 200);
  t.like(await res.json(), { firstName: 'Maxine', lastName: 'Member', friendsRequest: 'NO_ONE', notifications: { dojoStarting: false } });
  t.like(await (await get(`user_id=${member.userId}`)).json(), { firstName: 'Maxine', friendsRequest: 'NO_ONE' });
  t.like(await (await get(`username=${member.username}`)).json(), { firstName: 'Maxine' });
  const bad = await post('/v1/account/profile', { user_id: member.userId, firstName: 'x'.repeat(31), friendsRequest: 'SOMETIMES', notifications: { spam: true } }, member.token);
  t.is(bad.status, 422);
  const fields = ((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields.map((f) => f.field).sort();
  t.deepEqual(fields, ['firstName', 'friendsRequest', 'notifications']);
  const someoneElse = await post('/v1/account/profile', { user_id: fixture.acme.members[2]!.userId, firstName: 'Nope' }, member.token);
  t.is(someoneElse.status, 403);
});

test('a picture is stored under the tenant prefix and served by a working URL', async (t) => {
  const member = fixture.acme.members[2]!;
  const res = await post('/v1/user/picture', { user_id: member.userId, image: PNG.toString('base64') }, member.token);
  t.is(res.status, 200);
  const { success, picture } = (await res.json()) as { success: boolean; picture: string };
  t.true(success);
  t.regex(picture, new RegExp(`tenants/${fixture.acme.tenantId}/users/${member.userId}/profile/avatar\\.png`));
  const image = await fetch(picture);
  t.is(image.status, 200);
  t.deepEqual(Buffer.from(await image.arrayBuffer()), PNG);
  const user = (await (await get(`user_id=${member.userId}`)).json()) as User;
  t.truthy(user.picture);
  t.deepEqual(Buffer.from(await (await fetch(user.picture!)).arrayBuffer()), PNG);
  // A new picture of another type replaces the old object.
  const webp = await post('/v1/user/picture', { user_id: member.userId, image: `data:image/webp;base64,${WEBP.toString('base64')}` }, member.token);
  t.regex(((await webp.json()) as { picture: string }).picture, /avatar\.webp/);
  t.is(await fixture.app.node.infra.objectStore!.head(`tenants/${fixture.acme.tenantId}/users/${member.userId}/profile/avatar.png`), null);
});

test("a picture that is not an image, too large, or someone else's is refused", async (t) => {
  const member = fixture.acme.members[0]!;
  const text = await post('/v1/user/picture', { user_id: member.userId, image: Buffer.from('<svg onload=alert(1)>').toString('base64') }, member.token);
  t.is(text.status, 422);
  t.like(await text.json(), { error: { fields: [{ field: 'image', message: 'must be a PNG, JPEG or WebP image' }] } });
  const notBase64 = await post('/v1/user/picture', { user_id: member.userId, image: '***' }, member.token);
  t.is(notBase64.status, 422);
  const huge = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]).toString('base64');
  const tooBig = await post('/v1/user/picture', { user_id: member.userId, image: huge }, member.token);
  t.is(tooBig.status, 422);
  t.like(await tooBig.json(), { error: { fields: [{ field: 'image', message: 'must be at most 2 MB' }] } });
  const other = await post('/v1/user/picture', { user_id: fixture.acme.members[1]!.userId, image: PNG.toString('base64') }, member.token);
  t.is(other.status, 403);
});

test('status follows open sockets, and a declared status wins for a while', async (t) => {
  const member = fixture.acme.members[3]!;
  const status = () => get(`user_id=${member.userId}`).then(async (r) => ((await r.json()) as User).status);
  t.is(await status(), 'OFFLINE');
  const socket = await WsClient.connect(fixture.app.wsUrl, member.token);
  t.is(await eventually(status, (s) => s === 'ONLINE'), 'ONLINE');
  await socket.close();
  t.is(await eventually(status, (s) => s === 'OFFLINE'), 'OFFLINE');
  t.deepEqual(await (await post('/v1/user/status', { status: 'ONLINE' }, member.token)).json(), { success: true });
  t.is(await status(), 'ONLINE');
  const second = await WsClient.connect(fixture.app.wsUrl, member.token);
  t.deepEqual(await (await post('/v1/user/status', { status: 'OFFLINE' }, member.token)).json(), { success: true });
  t.is(await status(), 'OFFLINE', 'appearing offline hides an open socket');
  await second.close();
  const bad = await post('/v1/user/status', { status: 'AWAY' }, member.token);
  t.is(bad.status, 422);
});

async function seedChat(authorIds: string[]): Promise<{ dojoId: string; messageIds: string[] }> {
  const db = fixture.app.node.infra.database!;
  const dojoId = randomUUID();
  const messageIds = authorIds.map(() => randomUUID());
  await db.asSystem(async () => {
    await db.sequelize.query(`INSERT INTO dojos (id, tenant_id, facilitator_id, subject, dojo_date, join_code) VALUES ($1, $2, $3, 'Katas', now(), $4)`, {
      bind: [dojoId, fixture.acme.tenantId, fixture.acme.admin.userId, dojoId.slice(0, 8)],
    });
    for (const [i, id] of messageIds.entries()) {
      await db.sequelize.query(`INSERT INTO dojo_chat_messages (id, tenant_id, dojo_id, user_id, client_msg_id, text, created) VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`, {
        bind: [id, fixture.acme.tenantId, dojoId, authorIds[i], `c${i}`, `message ${i}`, i],
      });
    }
  });
  return { dojoId, messageIds };
}

test("a user's messages are listed oldest first, and only their own can be removed", async (t) => {
  const [alice, bob] = [fixture.acme.members[1]!, fixture.acme.members[2]!];
  const { dojoId, messageIds } = await seedChat([alice.userId, bob.userId, alice.userId, alice.userId]);
  const list = async () =>
    (
      (await (await fetch(`${fixture.app.url}/v1/user/messages?user_id=${alice.userId}&room_id=${dojoId}`, { headers: authed(alice.token) })).json()) as {
        messages: Array<{ id: string; text: string }>;
      }
    ).messages;
  t.deepEqual(
    (await list()).map((m) => m.text),
    ['message 0', 'message 2', 'message 3'],
  );
  const notMine = await post('/v1/user/messages', { user_id: alice.userId, messages_id: [messageIds[0], messageIds[1]] }, alice.token);
  t.is(notMine.status, 403);
  t.is((await list()).length, 3, 'all or nothing');
  const res = await post('/v1/user/messages', { user_id: alice.userId, messages_id: [messageIds[0], messageIds[2]] }, alice.token);
  t.deepEqual(await res.json(), { success: true });
  t.deepEqual(
    (await list()).map((m) => m.text),
    ['message 3'],
  );
  const [row] = (await fixture.app.node.infra.database!.asSystem(() =>
    fixture.app.node.infra.database!.sequelize.query('SELECT status, updated > created AS touched FROM dojo_chat_messages WHERE id = $1', { bind: [messageIds[0]] }),
  )) as [Array<{ status: string; touched: boolean }>, unknown];
  t.deepEqual(row[0], { status: 'R', touched: true });
  const other = await createTenant(fixture.app);
  const foreign = await post('/v1/user/messages', { user_id: other.admin.userId, messages_id: [messageIds[3]] }, other.admin.token);
  t.is(foreign.status, 404);
  const foreignRead = await fetch(`${fixture.app.url}/v1/user/messages?room_id=${dojoId}&user_id=${alice.userId}`, { headers: authed(other.admin.token) });
  t.is(foreignRead.status, 404);
});
