import test from 'ava';
import { authed, createTenant, mailsTo, readConfirmationToken, request, tokenFromMail } from '../../test/support/accounts';
import { tenantNode } from './testing';

const fixture = tenantNode({ members: 2, facilitators: 1 });

const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${fixture.app.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

type ErrorJson = { error: { code: string; message: string; fields?: Array<{ field: string; message: string }> } };
const fieldsOf = async (res: Response) => ((await res.json()) as ErrorJson).error.fields?.map((f) => f.field).sort();

let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36).slice(-5)}${counter++}`;
const account = (tenant: string, username = unique('u')) => ({ tenant, firstName: 'Grace', lastName: 'Hopper', email: `${username}@mail.test`, username, password: 'Long-enough-9' });

test('sign-up creates the tenant and an unconfirmed admin; login waits for the confirmation', async (t) => {
  const slug = unique('s-');
  const admin = { firstName: 'Ada', lastName: 'Lovelace', email: `${slug}@mail.test`, username: 'ada', password: 'Long-enough-9' };
  const res = await post('/v1/tenants', { name: 'Analytical', slug, admin });
  t.is(res.status, 201);
  const body = (await res.json()) as { tenant_id: string; admin_user_id: string; account_status: string };
  t.is(body.account_status, 'C');
  const early = await post('/v1/login', { tenant: slug, username: 'ada', password: admin.password });
  t.is(early.status, 403);
  const token = await readConfirmationToken(fixture.app, admin.email);
  const confirmed = await post('/v1/account/confirm', { token });
  t.deepEqual(await confirmed.json(), { id: body.admin_user_id, account_status: 'A' });
  const again = await post('/v1/account/confirm', { token });
  t.is(again.status, 422, 'a used confirmation token is refused');
  t.deepEqual(await fieldsOf(again), ['token']);
  const login = await post('/v1/login', { tenant: slug, username: 'ADA', password: admin.password });
  t.is(login.status, 200);
  t.like(await login.json(), { userId: body.admin_user_id, tokenType: 'Bearer', expiresIn: 900 });
});

test('a duplicate slug is 409 naming the slug', async (t) => {
  const admin = { firstName: 'A', lastName: 'B', email: 'dup@mail.test', username: 'dup', password: 'Long-enough-9' };
  const res = await post('/v1/tenants', { name: 'Again', slug: fixture.acme.slug, admin });
  t.is(res.status, 409);
  t.deepEqual(await fieldsOf(res), ['slug']);
});

test('missing and malformed fields are 422 naming each field', async (t) => {
  const res = await post('/v1/tenants', { name: '', slug: 'Bad Slug!', admin: { email: 'not-mail', username: 'way-too-long-username' } });
  t.is(res.status, 422);
  t.deepEqual(await fieldsOf(res), ['admin.email', 'admin.firstName', 'admin.lastName', 'admin.password', 'admin.username', 'name', 'slug']);
  const account = await post('/v1/account', {});
  t.deepEqual(await fieldsOf(account), ['email', 'firstName', 'lastName', 'password', 'tenant', 'username']);
});

test('usernames are unique per tenant, ignoring case, and a taken one is 409; another tenant may reuse them', async (t) => {
  const first = account(fixture.acme.slug);
  t.is((await post('/v1/account', first)).status, 201);
  const sameName = await post('/v1/account', { ...account(fixture.acme.slug), username: first.username.toUpperCase() });
  t.is(sameName.status, 409);
  t.deepEqual(await fieldsOf(sameName), ['username']);
  const other = await createTenant(fixture.app);
  t.is((await post('/v1/account', { ...first, tenant: other.slug })).status, 201);
});

test('a sign-up with a registered email answers exactly as a fresh one and mails the owner instead', async (t) => {
  const owner = account(fixture.acme.slug);
  t.is((await post('/v1/account', owner)).status, 201);
  const fresh = await post('/v1/account', account(fixture.acme.slug));
  const probe = account(fixture.acme.slug);
  const taken = await post('/v1/account', { ...probe, email: owner.email.toUpperCase() });
  t.is(taken.status, fresh.status);
  const [freshBody, takenBody] = [(await fresh.json()) as Record<string, unknown>, (await taken.json()) as Record<string, unknown>];
  t.deepEqual(Object.keys(takenBody).sort(), Object.keys(freshBody).sort());
  t.is(takenBody.account_status, 'C');
  t.regex(String(takenBody.id), /^[0-9a-f-]{36}$/);
  const mails = await mailsTo(fixture.app, owner.email);
  t.deepEqual(
    mails.map((m) => m.subject.startsWith('Você já tem uma conta')),
    [false, true],
    'the owner got a confirmation, then a notice',
  );
  t.regex(mails[1]!.body, new RegExp(owner.username));
  t.false(/token=/.test(mails[1]!.body), 'the notice confirms nothing');
  t.is((await post('/v1/login', { tenant: fixture.acme.slug, username: probe.username, password: probe.password })).status, 401, 'no account was made');
});

test("account mails speak the tenant's language: pt-BR by default, English once its admin chooses en", async (t) => {
  const tenant = await createTenant(fixture.app);
  const { app } = fixture;
  const before = account(tenant.slug);
  t.is((await post('/v1/account', before)).status, 201);
  await readConfirmationToken(app, before.email);
  const [ptConfirm] = await mailsTo(app, before.email);
  t.is(ptConfirm!.subject, `Confirme sua conta de Tenant ${tenant.slug} no pocdojo`);
  t.regex(ptConfirm!.body, /^Olá, Grace,\r?\n[^]*expira em 24 horas/);
  const adminEmail = `${tenant.admin.username}@mail.test`;
  t.is((await request(app, 'POST', '/v1/account/password/reset', undefined, { tenant: tenant.slug, email: adminEmail })).status, 200);
  await tokenFromMail(app, adminEmail, /^Redefina sua senha de Tenant .* no pocdojo$/);

  t.is((await request(app, 'PUT', '/v1/tenant', tenant.admin.token, { settings: { locale: 'en' } })).status, 200);
  const after = account(tenant.slug);
  t.is((await post('/v1/account', after)).status, 201);
  await readConfirmationToken(app, after.email);
  const [enConfirm] = await mailsTo(app, after.email);
  t.is(enConfirm!.subject, `Confirm your Tenant ${tenant.slug} account on pocdojo`);
  t.regex(enConfirm!.body, /^Hello Grace,\r?\n[^]*expires in 24 hours/);
  t.is((await request(app, 'POST', '/v1/account/password/reset', undefined, { tenant: tenant.slug, email: adminEmail })).status, 200);
  await tokenFromMail(app, adminEmail, /^Reset your Tenant .* password on pocdojo$/);
});

test('an account in an unknown tenant is 404', async (t) => {
  const res = await post('/v1/account', account('no-such-tenant'));
  t.is(res.status, 404);
});

test('a new account is unconfirmed until its mail link is used; the link carries token=', async (t) => {
  const input = account(fixture.acme.slug);
  const res = await post('/v1/account', input);
  const { id, account_status } = (await res.json()) as { id: string; account_status: string };
  t.is(account_status, 'C');
  t.is((await post('/v1/login', { tenant: fixture.acme.slug, username: input.username, password: input.password })).status, 403);
  // Asking again sends a new link and kills the old one.
  const oldToken = await readConfirmationToken(fixture.app, input.email);
  t.is((await post('/v1/account/confirm/resend', { tenant: fixture.acme.slug, email: input.email })).status, 200);
  const newToken = await readConfirmationToken(fixture.app, input.email);
  t.not(newToken, oldToken);
  t.is((await post('/v1/account/confirm', { token: oldToken })).status, 422);
  t.like(await (await post('/v1/account/confirm', { token: newToken })).json(), { id, account_status: 'A' });
  t.is((await post('/v1/login', { tenant: fixture.acme.slug, username: input.username, password: input.password })).status, 200);
});

test('wrong credentials are 401 with one generic message, whatever was wrong', async (t) => {
  const user = fixture.acme.members[0]!;
  const wrongPassword = await post('/v1/login', { tenant: fixture.acme.slug, username: user.username, password: 'nope-nope-nope' });
  const wrongUser = await post('/v1/login', { tenant: fixture.acme.slug, username: 'nobody', password: user.password });
  const wrongTenant = await post('/v1/login', { tenant: 'no-such-tenant', username: user.username, password: user.password });
  const messages = [];
  for (const res of [wrongPassword, wrongUser, wrongTenant]) {
    t.is(res.status, 401);
    messages.push(((await res.json()) as ErrorJson).error.message);
  }
  t.is(new Set(messages).size, 1);
});

test('admins list users and change roles; others may not', async (t) => {
  const list = await fetch(`${fixture.app.url}/v1/users?limit=100`, { headers: authed(fixture.acme.admin.token) });
  t.is(list.status, 200);
  const { users, total } = (await list.json()) as { users: Array<{ id: string; role: string; account_status: string }>; total: number };
  t.true(total >= 4);
  t.is(users.find((u) => u.id === fixture.acme.facilitators[0]!.userId)?.role, 'facilitator');
  t.false(JSON.stringify(users).includes('scrypt'), 'no password hash leaves the service');
  t.is((await fetch(`${fixture.app.url}/v1/users`, { headers: authed(fixture.acme.members[0]!.token) })).status, 403);
  const member = fixture.acme.members[0]!;
  const denied = await fetch(`${fixture.app.url}/v1/users/${member.userId}/role`, { method: 'PUT', headers: authed(member.token), body: JSON.stringify({ role: 'admin' }) });
  t.is(denied.status, 403);
  const bad = await fetch(`${fixture.app.url}/v1/users/${member.userId}/role`, { method: 'PUT', headers: authed(fixture.acme.admin.token), body: JSON.stringify({ role: 'king' }) });
  t.deepEqual(await fieldsOf(bad), ['role']);
  const lastAdmin = await fetch(`${fixture.app.url}/v1/users/${fixture.acme.admin.userId}/role`, {
    method: 'PUT',
    headers: authed(fixture.acme.admin.token),
    body: JSON.stringify({ role: 'member' }),
  });
  t.is(lastAdmin.status, 409, 'the tenant keeps an admin');
});

test('another tenant sees none of these users: 404, never 403', async (t) => {
  const other = await createTenant(fixture.app);
  const target = fixture.acme.members[0]!;
  t.is((await fetch(`${fixture.app.url}/v1/user?user_id=${target.userId}`, { headers: authed(other.admin.token) })).status, 404);
  t.is((await fetch(`${fixture.app.url}/v1/user?username=${target.username}`, { headers: authed(other.admin.token) })).status, 404);
  const role = await fetch(`${fixture.app.url}/v1/users/${target.userId}/role`, { method: 'PUT', headers: authed(other.admin.token), body: JSON.stringify({ role: 'member' }) });
  t.is(role.status, 404);
  const profile = await post('/v1/account/profile', { user_id: target.userId, firstName: 'Hacked' }, authed(other.admin.token));
  t.is(profile.status, 404);
  const { users } = (await (await fetch(`${fixture.app.url}/v1/users`, { headers: authed(other.admin.token) })).json()) as { users: Array<{ id: string }> };
  t.deepEqual(
    users.map((u) => u.id),
    [other.admin.userId],
  );
});
