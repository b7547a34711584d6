import test from 'ava';
import { CloseCode } from '../../protocol/closeCodes';
import { createTenant, fieldsOf, mailsTo, readConfirmationToken, request, type TestTenant } from '../../test/support/accounts';
import { WsClient } from '../../test/support/ws-client';
import { tenantNode } from './testing';

const fixture = tenantNode({ members: 1 });
const PASSWORD = 'Long-enough-9';

let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36).slice(-5)}${counter++}`;
const person = (tenant: string, username = unique('u'), domain = 'mail.test') => ({ tenant, firstName: 'Grace', lastName: 'Hopper', email: `${username}@${domain}`, username, password: PASSWORD });

/** A tenant as sign-up leaves it: invite-only. */
const inviteOnly = () => createTenant(fixture.app, { membership: 'invite' });

test('a new tenant admits by invitation only: an uninvited sign-up is refused with a clear 403', async (t) => {
  const tenant = await inviteOnly();
  const settings = await request(fixture.app, 'GET', '/v1/tenant', tenant.admin.token);
  t.is(settings.status, 200);
  t.like(settings.body, {
    id: tenant.tenantId,
    slug: tenant.slug,
    status: 'ACTIVE',
    domain: null,
    settings: { membership: 'invite', allowed_domains: [], locale: 'pt-BR', time_zone: 'America/Sao_Paulo', currency: 'BRL' },
  });
  const refused = await request(fixture.app, 'POST', '/v1/account', undefined, person(tenant.slug));
  t.is(refused.status, 403);
  t.is(refused.body.error.code, 'FORBIDDEN');
  t.regex(refused.body.error.message, /invitation only/);
});

test('an invitation mails a single-use link that creates the account already confirmed, with the role invited', async (t) => {
  const tenant = await inviteOnly();
  const email = `${unique('inv')}@mail.test`;
  const invited = await request(fixture.app, 'POST', '/v1/invitations', tenant.admin.token, { email, role: 'facilitator' });
  t.is(invited.status, 201);
  t.like(invited.body, { email, role: 'facilitator', status: 'PENDING', invited_by: tenant.admin.userId });
  const [mail] = await mailsTo(fixture.app, email);
  // A new tenant speaks pt-BR (its settings' default).
  t.regex(mail!.subject, /^Você foi convidado para Tenant .* no pocdojo$/);
  const token = await readConfirmationToken(fixture.app, email);
  const username = unique('new');
  const accepted = await request(fixture.app, 'POST', '/v1/invitations/accept', undefined, { token, firstName: 'Ivy', lastName: 'Invited', username, password: PASSWORD });
  t.is(accepted.status, 201);
  t.is(accepted.body.account_status, 'A');
  const login = await request(fixture.app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username, password: PASSWORD });
  t.is(login.status, 200, 'no confirmation mail is needed');
  const users = await request(fixture.app, 'GET', '/v1/users', tenant.admin.token);
  t.like(
    users.body.users.find((u: { id: string }) => u.id === accepted.body.id),
    { email, role: 'facilitator', account_status: 'A' },
  );
  const again = await request(fixture.app, 'POST', '/v1/invitations/accept', undefined, { token, firstName: 'Ivy', lastName: 'Again', username: unique('x'), password: PASSWORD });
  t.is(again.status, 422);
  t.deepEqual(fieldsOf(again.body), ['token']);
  const list = await request(fixture.app, 'GET', '/v1/invitations?status=ACCEPTED', tenant.admin.token);
  t.deepEqual(
    list.body.invitations.map((i: { email: string }) => i.email),
    [email],
  );
  const audit = await request(fixture.app, 'GET', `/v1/audit?target_id=${invited.body.id}`, tenant.admin.token);
  t.deepEqual(audit.body.entries.map((e: { action: string }) => e.action).sort(), ['invitation.accepted', 'invitation.created']);
});

test('a revoked invitation no longer works, and inviting again replaces the pending link', async (t) => {
  const tenant = await inviteOnly();
  const email = `${unique('rev')}@mail.test`;
  const first = await request(fixture.app, 'POST', '/v1/invitations', tenant.admin.token, { email });
  const oldToken = await readConfirmationToken(fixture.app, email);
  const second = await request(fixture.app, 'POST', '/v1/invitations', tenant.admin.token, { email });
  t.is(second.status, 201);
  const newToken = await readConfirmationToken(fixture.app, email);
  t.not(newToken, oldToken);
  const stale = await request(fixture.app, 'POST', '/v1/invitations/accept', undefined, { token: oldToken, firstName: 'A', lastName: 'B', username: unique('s'), password: PASSWORD });
  t.is(stale.status, 422, 'the replaced link is dead');
  t.is((await request(fixture.app, 'DELETE', `/v1/invitations/${second.body.id}`, tenant.admin.token)).status, 200);
  const revoked = await request(fixture.app, 'POST', '/v1/invitations/accept', undefined, { token: newToken, firstName: 'A', lastName: 'B', username: unique('s'), password: PASSWORD });
  t.is(revoked.status, 422);
  t.is((await request(fixture.app, 'DELETE', `/v1/invitations/${second.body.id}`, tenant.admin.token)).status, 409, 'only a pending one can be revoked');
  const list = await request(fixture.app, 'GET', '/v1/invitations', tenant.admin.token);
  t.deepEqual(
    list.body.invitations.filter((i: { id: string }) => [first.body.id, second.body.id].includes(i.id)).map((i: { status: string }) => i.status),
    ['REVOKED', 'REVOKED'],
  );
});

test('an invitation expires after 7 days', async (t) => {
  const tenant = await inviteOnly();
  const email = `${unique('exp')}@mail.test`;
  const invited = await request(fixture.app, 'POST', '/v1/invitations', tenant.admin.token, { email });
  t.is(Math.round((Date.parse(invited.body.expires_at) - Date.parse(invited.body.created)) / 60_000), 7 * 24 * 60, 'a week, in minutes');
  const token = await readConfirmationToken(fixture.app, email);
  // A week passes.
  const db = fixture.app.node.infra.database!;
  await db.asSystem(() => db.sequelize.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, { bind: [invited.body.id] }));
  const late = await request(fixture.app, 'POST', '/v1/invitations/accept', undefined, { token, firstName: 'A', lastName: 'B', username: unique('l'), password: PASSWORD });
  t.is(late.status, 422);
  const list = await request(fixture.app, 'GET', '/v1/invitations?status=EXPIRED', tenant.admin.token);
  t.deepEqual(
    list.body.invitations.map((i: { id: string }) => i.id),
    [invited.body.id],
  );
});

test('an address that already has an account cannot be invited; members cannot invite or read the settings', async (t) => {
  const member = fixture.acme.members[0]!;
  const users = await request(fixture.app, 'GET', '/v1/users', fixture.acme.admin.token);
  const email = users.body.users.find((u: { id: string }) => u.id === member.userId).email;
  const taken = await request(fixture.app, 'POST', '/v1/invitations', fixture.acme.admin.token, { email });
  t.is(taken.status, 409);
  t.deepEqual(fieldsOf(taken.body), ['email']);
  t.is((await request(fixture.app, 'POST', '/v1/invitations', member.token, { email: 'x@mail.test' })).status, 403);
  t.is((await request(fixture.app, 'GET', '/v1/invitations', member.token)).status, 403);
  t.is((await request(fixture.app, 'GET', '/v1/tenant', member.token)).status, 403);
  t.is((await request(fixture.app, 'PUT', '/v1/tenant', member.token, { name: 'Mine' })).status, 403);
});

test('domain membership admits only the allowed domains', async (t) => {
  const tenant = await inviteOnly();
  const none = await request(fixture.app, 'PUT', '/v1/tenant', tenant.admin.token, { settings: { membership: 'domain' } });
  t.is(none.status, 422, 'domain mode needs domains');
  t.deepEqual(fieldsOf(none.body), ['settings.allowed_domains']);
  const set = await request(fixture.app, 'PUT', '/v1/tenant', tenant.admin.token, { domain: 'Acme.example', settings: { membership: 'domain', allowed_domains: ['acme.example', 'ACME.test'] } });
  t.is(set.status, 200);
  t.like(set.body, { domain: 'acme.example', settings: { membership: 'domain', allowed_domains: ['acme.example', 'acme.test'] } });
  const outsider = await request(fixture.app, 'POST', '/v1/account', undefined, person(tenant.slug, unique('o'), 'gmail.test'));
  t.is(outsider.status, 403);
  t.regex(outsider.body.error.message, /acme\.example, acme\.test/);
  t.is((await request(fixture.app, 'POST', '/v1/account', undefined, person(tenant.slug, unique('i'), 'ACME.test'))).status, 201);
});

test('tenant settings: name, locale, time zone and currency change; bad values are 422 naming each field', async (t) => {
  const tenant = await inviteOnly();
  const bad = await request(fixture.app, 'PUT', '/v1/tenant', tenant.admin.token, {
    domain: 'not a domain',
    settings: { locale: 'fr', time_zone: 'Mars/Olympus', currency: 'EUR', membership: 'closed' },
  });
  t.is(bad.status, 422);
  t.deepEqual(fieldsOf(bad.body), ['domain', 'settings.currency', 'settings.locale', 'settings.membership', 'settings.time_zone']);
  const unknown = await request(fixture.app, 'PUT', '/v1/tenant', tenant.admin.token, { slug: 'new-slug' });
  t.is(unknown.status, 422, 'the slug is not changed here');
  const good = await request(fixture.app, 'PUT', '/v1/tenant', tenant.admin.token, { name: 'Acme Brasil', settings: { locale: 'pt-BR', time_zone: 'America/Sao_Paulo', currency: 'BRL' } });
  t.is(good.status, 200);
  t.like(good.body, { name: 'Acme Brasil', settings: { membership: 'invite', locale: 'pt-BR', time_zone: 'America/Sao_Paulo', currency: 'BRL' } });
  t.like((await request(fixture.app, 'GET', '/v1/tenant', tenant.admin.token)).body, { name: 'Acme Brasil', settings: { currency: 'BRL' } });
  const audit = await request(fixture.app, 'GET', '/v1/audit', tenant.admin.token);
  t.like(audit.body.entries[0], { action: 'tenant.updated', actor_id: tenant.admin.userId, detail: { name: 'Acme Brasil', currency: 'BRL' } });
});

test('a deactivated user is logged out at once (open socket closed, login refused) and can be reactivated', async (t) => {
  const tenant = await createTenant(fixture.app, { members: 1 });
  const member = tenant.members[0]!;
  const socket = await WsClient.connect(fixture.app.wsUrl, member.token);
  const off = await request(fixture.app, 'PUT', `/v1/users/${member.userId}/status`, tenant.admin.token, { account_status: 'D' });
  t.deepEqual(off, { status: 200, body: { id: member.userId, account_status: 'D' } });
  t.like(await socket.whenClosed(), { code: CloseCode.SESSION_REVOKED });
  t.is((await request(fixture.app, 'GET', '/v1/user?username=' + member.username, member.token)).status, 401, 'the old access token is dead');
  t.is((await request(fixture.app, 'POST', '/v1/token/refresh', undefined, { refreshToken: member.refreshToken })).status, 401);
  const login = await request(fixture.app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username: member.username, password: member.password });
  t.is(login.status, 403);
  t.regex(login.body.error.message, /disabled/);
  t.is((await request(fixture.app, 'PUT', `/v1/users/${member.userId}/status`, tenant.admin.token, { account_status: 'A' })).status, 200);
  t.is((await request(fixture.app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username: member.username, password: member.password })).status, 200);
  const audit = await request(fixture.app, 'GET', `/v1/audit?target_id=${member.userId}`, tenant.admin.token);
  t.deepEqual(
    audit.body.entries.map((e: { action: string; actor_id: string }) => [e.action, e.actor_id]),
    [
      ['user.reactivated', tenant.admin.userId],
      ['user.deactivated', tenant.admin.userId],
    ],
  );
});

test('an admin cannot deactivate themself; a member cannot deactivate anyone; role changes are audited', async (t) => {
  const tenant = await createTenant(fixture.app, { members: 1 });
  const member = tenant.members[0]!;
  const self = await request(fixture.app, 'PUT', `/v1/users/${tenant.admin.userId}/status`, tenant.admin.token, { account_status: 'D' });
  t.is(self.status, 409);
  t.is((await request(fixture.app, 'PUT', `/v1/users/${tenant.admin.userId}/status`, member.token, { account_status: 'D' })).status, 403);
  t.is((await request(fixture.app, 'PUT', `/v1/users/${member.userId}/status`, tenant.admin.token, { account_status: 'X' })).status, 422);
  await request(fixture.app, 'PUT', `/v1/users/${member.userId}/role`, tenant.admin.token, { role: 'facilitator' });
  const audit = await request(fixture.app, 'GET', `/v1/audit?target_id=${member.userId}`, tenant.admin.token);
  t.like(audit.body.entries[0], { action: 'user.role', actor_id: tenant.admin.userId, detail: { from: 'member', to: 'facilitator' } });
});

test("another tenant's invitations and users answer 404 on every new route", async (t) => {
  const other: TestTenant = await createTenant(fixture.app, { members: 1 });
  const invited = await request(fixture.app, 'POST', '/v1/invitations', other.admin.token, { email: `${unique('x')}@mail.test` });
  const admin = fixture.acme.admin.token;
  t.is((await request(fixture.app, 'DELETE', `/v1/invitations/${invited.body.id}`, admin)).status, 404);
  t.is((await request(fixture.app, 'PUT', `/v1/users/${other.members[0]!.userId}/status`, admin, { account_status: 'D' })).status, 404);
  const mine = await request(fixture.app, 'GET', '/v1/invitations', admin);
  t.false(mine.body.invitations.some((i: { id: string }) => i.id === invited.body.id));
  const audit = await request(fixture.app, 'GET', `/v1/audit?target_id=${invited.body.id}`, admin);
  t.deepEqual(audit.body.entries, []);
  t.is((await request(fixture.app, 'GET', '/v1/tenant', admin)).body.id, fixture.acme.tenantId);
});
