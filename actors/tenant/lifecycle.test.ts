import test from 'ava';
import { QueryTypes } from 'sequelize';
import { CloseCode } from '../../protocol/closeCodes';
import { createTenant, fieldsOf, mailsTo, request, tokenFromMail, type TestTenant, type TestUser } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { WsClient } from '../../test/support/ws-client';

let app: TestNode;
let acme: TestTenant;
const NEW_PASSWORD = 'Another-Long-One-7';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc'] });
  acme = await createTenant(app, { members: 6 });
});

test.after.always(async () => {
  await app?.stop();
});

const emailOf = async (user: TestUser) => (await request(app, 'GET', `/v1/user?user_id=${user.userId}`, user.token)).body.email as string;
const login = (user: TestUser, password = user.password) => request(app, 'POST', '/v1/login', undefined, { tenant: acme.slug, username: user.username, password });

/** Runs SQL as the system (tests only: to age a token, or to search every table). */
async function system<T extends object>(sql: string, bind: unknown[] = []): Promise<T[]> {
  const db = app.node.infra.database!;
  return db.asSystem(() => db.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT }));
}

test('changing the password needs the current one and ends every other session', async (t) => {
  const user = acme.members[0]!;
  const other = await login(user);
  const otherSocket = await WsClient.connect(app.wsUrl, other.body.token);
  const wrong = await request(app, 'POST', '/v1/account/password', user.token, { current_password: 'not-it', new_password: NEW_PASSWORD });
  t.is(wrong.status, 422);
  t.deepEqual(fieldsOf(wrong.body), ['current_password']);
  const weak = await request(app, 'POST', '/v1/account/password', user.token, { current_password: user.password, new_password: 'short' });
  t.deepEqual(fieldsOf(weak.body), ['new_password']);
  t.deepEqual(await request(app, 'POST', '/v1/account/password', user.token, { current_password: user.password, new_password: NEW_PASSWORD }), { status: 200, body: { success: true } });
  t.like(await otherSocket.whenClosed(), { code: CloseCode.SESSION_REVOKED }, "the other session's socket closes");
  t.is((await request(app, 'POST', '/v1/token/refresh', undefined, { refreshToken: other.body.refreshToken })).status, 401);
  t.is((await request(app, 'GET', `/v1/user?user_id=${user.userId}`, user.token)).status, 200, 'the session that asked stays');
  t.is((await login(user)).status, 401, 'the old password is gone');
  t.is((await login(user, NEW_PASSWORD)).status, 200);
});

test('a reset answers the same for known and unknown emails and mails only the account', async (t) => {
  const user = acme.members[1]!;
  const email = await emailOf(user);
  const known = await request(app, 'POST', '/v1/account/password/reset', undefined, { tenant: acme.slug, email });
  const unknown = await request(app, 'POST', '/v1/account/password/reset', undefined, { tenant: acme.slug, email: 'nobody-here@mail.test' });
  const noTenant = await request(app, 'POST', '/v1/account/password/reset', undefined, { tenant: 'no-such-tenant', email });
  t.deepEqual(known, unknown);
  t.deepEqual(known, noTenant);
  t.deepEqual(known, { status: 200, body: { success: true } });
  await tokenFromMail(app, email, /^Redefina sua senha/);
  t.deepEqual(await mailsTo(app, 'nobody-here@mail.test'), []);
});

test('a reset token works once, ends every session, and the password changes', async (t) => {
  const user = acme.members[2]!;
  const email = await emailOf(user);
  const socket = await WsClient.connect(app.wsUrl, user.token);
  await request(app, 'POST', '/v1/account/password/reset', undefined, { tenant: acme.slug, email });
  const token = await tokenFromMail(app, email, /^Redefina sua senha/);
  const [mail] = (await mailsTo(app, email)).filter((m) => /^Redefina sua senha/.test(m.subject));
  t.regex(mail!.body, /expira em 1 hora/);
  t.deepEqual(await request(app, 'POST', '/v1/account/password/reset/confirm', undefined, { token, password: NEW_PASSWORD }), { status: 200, body: { success: true } });
  t.like(await socket.whenClosed(), { code: CloseCode.SESSION_REVOKED });
  const again = await request(app, 'POST', '/v1/account/password/reset/confirm', undefined, { token, password: 'Third-password-99' });
  t.is(again.status, 422);
  t.deepEqual(fieldsOf(again.body), ['token']);
  t.is((await login(user, NEW_PASSWORD)).status, 200);
});

test('a reset token expires after an hour', async (t) => {
  const user = acme.members[3]!;
  const email = await emailOf(user);
  await request(app, 'POST', '/v1/account/password/reset', undefined, { tenant: acme.slug, email });
  const token = await tokenFromMail(app, email, /^Redefina sua senha/);
  const [issued] = await system<{ minutes: number }>(
    `SELECT round(extract(epoch FROM expires_at - created) / 60)::int AS minutes FROM account_tokens WHERE user_id = $1 AND purpose = 'reset' AND used_at IS NULL`,
    [user.userId],
  );
  t.is(issued!.minutes, 60);
  // An hour passes.
  await system(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'reset' RETURNING id`, [user.userId]);
  const late = await request(app, 'POST', '/v1/account/password/reset/confirm', undefined, { token, password: NEW_PASSWORD });
  t.is(late.status, 422);
  t.is((await login(user)).status, 200, 'the password did not change');
});

test('an email change takes effect only once the new address confirms it', async (t) => {
  const user = acme.members[4]!;
  const old = await emailOf(user);
  const next = `new-${user.username}@mail.test`;
  const wrong = await request(app, 'POST', '/v1/account/email', user.token, { email: next, password: 'not-it' });
  t.deepEqual(fieldsOf(wrong.body), ['password']);
  const taken = await request(app, 'POST', '/v1/account/email', user.token, { email: await emailOf(acme.members[0]!), password: user.password });
  t.is(taken.status, 409);
  t.deepEqual(await request(app, 'POST', '/v1/account/email', user.token, { email: next, password: user.password }), { status: 200, body: { success: true } });
  t.is(await emailOf(user), old, 'nothing changes before the confirmation');
  const token = await tokenFromMail(app, next, /novo endereço/);
  t.deepEqual(await request(app, 'POST', '/v1/account/email/confirm', undefined, { token }), { status: 200, body: { id: user.userId, email: next } });
  t.is(await emailOf(user), next);
  t.is((await request(app, 'POST', '/v1/account/email/confirm', undefined, { token })).status, 422, 'once only');
  t.true(
    (await mailsTo(app, old)).some((m) => /endereço no pocdojo foi alterado/.test(m.subject) && m.body.includes(next)),
    'the old address is told',
  );
});

test('deleting an account takes a confirmation step and leaves no personal data in PostgreSQL or the bucket', async (t) => {
  const user = acme.members[5]!;
  const email = await emailOf(user);
  const picture = await request(app, 'POST', '/v1/user/picture', user.token, { user_id: user.userId, image: PNG });
  t.is(picture.status, 200);
  const named = await request(app, 'POST', '/v1/account/profile', user.token, { user_id: user.userId, firstName: 'Zebedee', lastName: 'Quuxworth' });
  t.is(named.status, 200);
  const poc = await request(app, 'POST', '/v1/pocs', user.token, { name: 'Gone with me', repo_url: 'https://example.com/r', language: 'TypeScript', tags: ['x'], frameworks: [] });
  t.is(poc.status, 201);
  const socket = await WsClient.connect(app.wsUrl, user.token);

  const wrong = await request(app, 'POST', '/v1/account/delete', user.token, { password: 'not-it' });
  t.deepEqual(fieldsOf(wrong.body), ['password']);
  const step = await request(app, 'POST', '/v1/account/delete', user.token, { password: user.password });
  t.is(step.status, 200);
  const bad = await request(app, 'POST', '/v1/account/delete/confirm', user.token, { confirmation_token: 'nope', pocs: 'delete' });
  t.is(bad.status, 422);
  t.is((await login(user)).status, 200, 'nothing was deleted yet');
  const done = await request(app, 'POST', '/v1/account/delete/confirm', user.token, { confirmation_token: step.body.confirmation_token, pocs: 'delete' });
  t.deepEqual(done, { status: 200, body: { success: true, pocs_deleted: 1 } });
  t.like(await socket.whenClosed(), { code: CloseCode.SESSION_REVOKED });
  t.is((await login(user)).status, 401);
  t.is((await request(app, 'GET', `/v1/pocs/${poc.body.id}`, acme.admin.token)).status, 404);

  // Grep every table for what identified the person.
  const tables = await system<{ name: string }>(`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  const needles = [email, user.username, 'Zebedee', 'Quuxworth'].map((s) => s.toLowerCase());
  const found: string[] = [];
  for (const { name } of tables) {
    const rows = await system<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`);
    for (const { row } of rows) for (const needle of needles) if (row.toLowerCase().includes(needle)) found.push(`${name}: ${needle}`);
  }
  t.deepEqual(found, []);
  const store = app.node.infra.objectStore!;
  t.is(await store.head(`tenants/${acme.tenantId}/users/${user.userId}/profile/avatar.png`), null, 'the picture is gone from the bucket');
  const list = await request(app, 'GET', '/v1/users', acme.admin.token);
  t.like(
    list.body.users.find((u: { id: string }) => u.id === user.userId),
    { firstName: 'Deleted', lastName: 'user', account_status: 'D' },
  );
});

test("a deletion token is the caller's own; another tenant cannot use it", async (t) => {
  const other = await createTenant(app, { members: 1 });
  const step = await request(app, 'POST', '/v1/account/delete', other.members[0]!.token, { password: other.members[0]!.password });
  const foreign = await request(app, 'POST', '/v1/account/delete/confirm', acme.admin.token, { confirmation_token: step.body.confirmation_token, pocs: 'keep' });
  t.is(foreign.status, 422);
  t.is((await request(app, 'POST', '/v1/login', undefined, { tenant: other.slug, username: other.members[0]!.username, password: other.members[0]!.password })).status, 200);
});
