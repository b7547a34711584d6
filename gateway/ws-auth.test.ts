import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { Context } from 'moleculer';
import { signAccessToken, type AccessClaims } from '../infra/auth/jwt';
import { CLOSE_REASON, CloseCode } from '../protocol/closeCodes';
import { startTestNode, type TestNode } from '../test/support/node';
import { WsClient } from '../test/support/ws-client';

// Plays the dojo room: every forwarded method answers with the identity the gateway passed on.
const room = () => ({
  name: 'dojo-room',
  actions: { signal: (ctx: Context<unknown, { auth: unknown }>) => ({ data: { auth: ctx.meta.auth } }) },
});

let app: TestNode;

test.before(async () => {
  app = await startTestNode({ services: ['gateway'], extraServices: [room], env: { WS_MESSAGES_PER_SECOND: '20' } });
});

test.after.always(async () => {
  await app?.stop();
});

type Login = Omit<AccessClaims, 'iat' | 'exp'>;

/** The claims of one login session (what the tenant actor puts in every token of it). */
function login(role: AccessClaims['role'] = 'member'): Login {
  return { sub: randomUUID(), tid: randomUUID(), role, sid: randomUUID() };
}

function tokenOf(claims: Login, ttlSeconds = 900, now = Date.now()): string {
  return signAccessToken(claims, app.node.infra.jwtSecret, ttlSeconds, now);
}

async function connect(token: string): Promise<{ client: WsClient; sessionId: string; expiresAt: number }> {
  const client = await WsClient.connect(app.wsUrl, token);
  const { data } = await client.nextPush((f) => f.method === 'session.welcome');
  return { client, sessionId: data.sessionId, expiresAt: data.expiresAt };
}

const sleepUntil = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

test('a revoked login closes all its sockets at once with SESSION_REVOKED, and they cannot be resumed', async (t) => {
  const revoked = login();
  const survivor = { ...revoked, sid: randomUUID() };
  const [phone, tablet, other] = await Promise.all([connect(tokenOf(revoked)), connect(tokenOf(revoked)), connect(tokenOf(survivor))]);
  await app.node.broker.broadcast('auth.session.revoked', { sessionId: revoked.sid, untilMs: Date.now() + 900_000 });
  const expected = { code: CloseCode.SESSION_REVOKED, reason: CLOSE_REASON[CloseCode.SESSION_REVOKED] };
  t.deepEqual(await phone.client.whenClosed(), expected);
  t.deepEqual(await tablet.client.whenClosed(), expected);
  // The same user's other login lives on, and cannot pick up what the revoked one left.
  t.like(await other.client.request('ping'), { ok: true });
  t.like(await other.client.request('session.resume', { sessionId: phone.sessionId, lastSeq: 0 }), { ok: false, error: { code: 'RESUME_EXPIRED' } });
  t.is(other.client.closed, undefined);
  await other.client.close();
});

test('a socket whose token expires unrefreshed closes with TOKEN_EXPIRED; a fresh token resumes its session', async (t) => {
  const claims = login();
  const short = tokenOf(claims, 2);
  const { client, sessionId, expiresAt } = await connect(short);
  const exp = JSON.parse(Buffer.from(short.split('.')[1]!, 'base64url').toString()).exp as number;
  t.is(expiresAt, exp * 1000, 'the welcome says when to refresh');
  t.deepEqual(await client.whenClosed(), { code: CloseCode.TOKEN_EXPIRED, reason: CLOSE_REASON[CloseCode.TOKEN_EXPIRED] });
  // As told by the code: refresh over REST (here: a new token of the same login), reconnect, resume.
  const again = await connect(tokenOf(claims));
  t.like(await again.client.request('session.resume', { sessionId, lastSeq: 0 }), { ok: true, data: { sessionId } });
  t.like(await again.client.request('ping'), { ok: true });
  await again.client.close();
});

test('session.refresh moves the expiry and the socket takes the fresh claims (a new role included)', async (t) => {
  const claims = login('member');
  const { client, expiresAt } = await connect(tokenOf(claims, 2));
  t.like(await client.request('chat.send', { text: 'hi', clientMsgId: 'a' }), { ok: true, data: { auth: { role: 'member' } } });
  const refreshed = await client.request('session.refresh', { token: tokenOf({ ...claims, role: 'facilitator' }) });
  t.true(refreshed.ok);
  t.true(refreshed.data.expiresAt > expiresAt);
  t.like(await client.request('chat.send', { text: 'hi', clientMsgId: 'b' }), { ok: true, data: { auth: { role: 'facilitator', sessionId: claims.sid } } });
  // Past the first token's expiry and a sweep after it, the socket still serves.
  await sleepUntil(expiresAt + 1_500);
  t.like(await client.request('ping'), { ok: true });
  t.is(client.closed, undefined);
  await client.close();
});

test('session.refresh refuses another user, another login, a bad or an expired token; the socket keeps its claims', async (t) => {
  const claims = login('member');
  const { client } = await connect(tokenOf(claims));
  const refresh = (token: string) => client.request('session.refresh', { token });
  t.like(await refresh(tokenOf(login('admin'))), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await refresh(tokenOf({ ...claims, sid: randomUUID(), role: 'admin' })), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await refresh(tokenOf({ ...claims, tid: randomUUID(), role: 'admin' })), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await refresh('a.b.c'), { ok: false, error: { code: 'UNAUTHORIZED' } });
  t.like(await refresh(tokenOf({ ...claims, role: 'admin' }, 900, Date.now() - 901_000)), { ok: false, error: { code: 'UNAUTHORIZED', message: 'Access token expired' } });
  t.like(await client.request('session.refresh', {}), { ok: false, error: { code: 'VALIDATION_ERROR' } });
  t.like(await client.request('chat.send', { text: 'hi', clientMsgId: 'c' }), { ok: true, data: { auth: { role: 'member' } } });
  t.is(client.closed, undefined);
  await client.close();
});

test('a socket that keeps flooding is closed with POLICY_VIOLATION', async (t) => {
  const { client } = await connect(tokenOf(login()));
  const frame = JSON.stringify({ id: 1, method: 'ping' });
  for (let i = 0; i < 200; i++) client.socket.send(frame);
  t.like(await client.whenClosed(), { code: CloseCode.POLICY_VIOLATION });
});

// Needs two nodes on one transporter, so it runs on real services only.
(process.env.TRANSPORTER ? test : test.skip)("a revocation closes the login's sockets on every gateway node", async (t) => {
  const { infra } = app.node;
  const second = await startTestNode({ services: ['gateway'], env: { NAMESPACE: infra.config.namespace, JWT_SECRET: infra.jwtSecret } });
  try {
    const claims = login();
    const here = await connect(tokenOf(claims));
    const client = await WsClient.connect(second.wsUrl, tokenOf(claims));
    await client.nextPush((f) => f.method === 'session.welcome');
    // A node broadcasts to the nodes it knows: wait until the first has discovered the second
    // (a gateway that joins later is re-sent live revocations by the tenant actor).
    const known = async () => (await app.node.broker.call<Array<{ id: string }>, { onlyAvailable: boolean }>('$node.list', { onlyAvailable: true })).some((n) => n.id === second.node.broker.nodeID);
    for (const deadline = Date.now() + 10_000; !(await known()) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    // Broadcast from the first node, as the tenant actor does from wherever it runs.
    await app.node.broker.broadcast('auth.session.revoked', { sessionId: claims.sid, untilMs: Date.now() + 900_000 });
    t.like(await client.whenClosed(), { code: CloseCode.SESSION_REVOKED });
    t.like(await here.client.whenClosed(), { code: CloseCode.SESSION_REVOKED });
  } finally {
    await second.stop();
  }
});
