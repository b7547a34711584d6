import test from 'ava';
import { signAccessToken } from '../../infra/auth/jwt';
import { authed, createTenant, type TestUser } from '../../test/support/accounts';
import { tenantNode } from './testing';
import { startTestNode } from '../../test/support/node';
import { WsClient } from '../../test/support/ws-client';

const fixture = tenantNode({ members: 1 });

type Pair = { userId: string; token: string; refreshToken: string; expiresIn: number; tokenType: string };
const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${fixture.app.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
const me = (token: string, user: TestUser) => fetch(`${fixture.app.url}/v1/user?user_id=${user.userId}`, { headers: authed(token) });

async function login(user: TestUser): Promise<Pair> {
  const res = await post('/v1/login', { tenant: fixture.acme.slug, username: user.username, password: user.password });
  return (await res.json()) as Pair;
}

test('the access token works and carries the role; the response holds no secret but the tokens', async (t) => {
  const pair = await login(fixture.acme.admin);
  t.deepEqual(Object.keys(pair).sort(), ['expiresIn', 'refreshToken', 'token', 'tokenType', 'userId']);
  const claims = JSON.parse(Buffer.from(pair.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  t.like(claims, { sub: fixture.acme.admin.userId, tid: fixture.acme.tenantId, role: 'admin' });
  t.is(typeof claims.sid, 'string');
  t.is(Number(claims.exp) - Number(claims.iat), 900);
  t.is((await me(pair.token, fixture.acme.admin)).status, 200);
});

test('a refresh rotates the pair; presenting the old refresh token again ends the whole session', async (t) => {
  const first = await login(fixture.acme.members[0]!);
  const second = (await (await post('/v1/token/refresh', { refreshToken: first.refreshToken })).json()) as Pair;
  t.not(second.refreshToken, first.refreshToken);
  t.is(second.userId, first.userId);
  t.is((await me(second.token, fixture.acme.members[0]!)).status, 200);
  const third = (await (await post('/v1/token/refresh', { refreshToken: second.refreshToken })).json()) as Pair;
  t.truthy(third.token);
  // A thief replays the rotated token: refused, and the family dies with it.
  const replay = await post('/v1/token/refresh', { refreshToken: first.refreshToken });
  t.is(replay.status, 401);
  t.is((await post('/v1/token/refresh', { refreshToken: third.refreshToken })).status, 401, 'the newest refresh token died too');
  t.is((await me(third.token, fixture.acme.members[0]!)).status, 401, 'and so did its access token');
});

test('an unknown refresh token is 401', async (t) => {
  t.is((await post('/v1/token/refresh', { refreshToken: 'made-up' })).status, 401);
});

test('tampered, foreign-signed and expired access tokens are 401', async (t) => {
  const pair = await login(fixture.acme.admin);
  const [header, payload, signature] = pair.token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin', sub: fixture.acme.members[0]!.userId })).toString('base64url');
  t.is((await me(`${header}.${elevated}.${signature}`, fixture.acme.admin)).status, 401);
  const secret = fixture.app.node.infra.jwtSecret;
  const foreign = signAccessToken({ sub: fixture.acme.admin.userId, tid: fixture.acme.tenantId, role: 'admin', sid: String(claims.sid) }, 'x'.repeat(40), 900);
  t.is((await me(foreign, fixture.acme.admin)).status, 401);
  const expired = signAccessToken({ sub: fixture.acme.admin.userId, tid: fixture.acme.tenantId, role: 'admin', sid: String(claims.sid) }, secret, 900, Date.now() - 901_000);
  const res = await me(expired, fixture.acme.admin);
  t.is(res.status, 401);
  t.like(await res.json(), { error: { code: 'UNAUTHORIZED', message: 'Access token expired' } });
});

test('after logout the access token is dead at once, on REST and on the socket, and so is the refresh token', async (t) => {
  const pair = await login(fixture.acme.admin);
  t.is((await me(pair.token, fixture.acme.admin)).status, 200);
  const other = await login(fixture.acme.admin);
  const res = await post('/v1/logout', { username: fixture.acme.admin.username }, authed(pair.token));
  t.deepEqual(await res.json(), { success: true });
  t.is((await me(pair.token, fixture.acme.admin)).status, 401);
  t.is((await post('/v1/token/refresh', { refreshToken: pair.refreshToken })).status, 401);
  await t.throwsAsync(WsClient.connect(fixture.app.wsUrl, pair.token), { message: /401/ });
  t.is((await me(other.token, fixture.acme.admin)).status, 200, 'another session of the same user lives on');
});

test('logging out someone else is refused', async (t) => {
  const pair = await login(fixture.acme.members[0]!);
  const res = await post('/v1/logout', { username: fixture.acme.admin.username }, authed(pair.token));
  t.is(res.status, 403);
  t.is((await me(pair.token, fixture.acme.members[0]!)).status, 200);
});

test('a demoted admin loses their sessions; the new role comes with the next login', async (t) => {
  const second = await createTenant(fixture.app, { members: 1 });
  const promoted = second.members[0]!;
  const promote = await fetch(`${fixture.app.url}/v1/users/${promoted.userId}/role`, { method: 'PUT', headers: authed(second.admin.token), body: JSON.stringify({ role: 'admin' }) });
  t.is(promote.status, 200);
  const asAdmin = (await (await post('/v1/login', { tenant: second.slug, username: promoted.username, password: promoted.password })).json()) as Pair;
  t.is((await fetch(`${fixture.app.url}/v1/users`, { headers: authed(asAdmin.token) })).status, 200);
  const demote = await fetch(`${fixture.app.url}/v1/users/${promoted.userId}/role`, { method: 'PUT', headers: authed(second.admin.token), body: JSON.stringify({ role: 'member' }) });
  t.is(demote.status, 200);
  t.is((await fetch(`${fixture.app.url}/v1/users`, { headers: authed(asAdmin.token) })).status, 401);
  t.is((await post('/v1/token/refresh', { refreshToken: asAdmin.refreshToken })).status, 401);
});

// Needs several nodes on one transporter, so it runs on real services only.
(process.env.TRANSPORTER ? test : test.skip)('a gateway node that joins after a logout learns of it', async (t) => {
  const pair = await login(fixture.acme.members[0]!);
  await post('/v1/logout', {}, authed(pair.token));
  const { infra } = fixture.app.node;
  const late = await startTestNode({ services: ['gateway'], env: { NAMESPACE: infra.config.namespace, JWT_SECRET: infra.jwtSecret } });
  try {
    const probe = () => fetch(`${late.url}/v1/user?user_id=${pair.userId}`, { headers: authed(pair.token) }).then((r) => r.status);
    const deadline = Date.now() + 10_000;
    let status = await probe();
    while (status !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await probe();
    }
    t.is(status, 401);
  } finally {
    await late.stop();
  }
});
