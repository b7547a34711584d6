import test from 'ava';
import WebSocket from 'ws';
import { CloseCode, PocdojoClient, PocdojoError, type FetchLike, type WebSocketConstructor } from '../../clients/sdk/src/index';
import { startDojoNode } from '../../actors/dojo-room/testing';
import { createTenant, type TestTenant } from '../support/accounts';
import type { TestNode } from '../support/node';
import { eventually } from './support';

// The SDK's REST side against a real node: login, typed calls, and the token refresh that
// rotating refresh tokens demand (one exchange for any number of callers).

let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startDojoNode();
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

/** A fetch that counts the refresh exchanges it carries. */
function countingFetch(): { fetch: FetchLike; refreshes: () => number } {
  let refreshes = 0;
  const counting: FetchLike = (url, init) => {
    if (url.endsWith('/v1/token/refresh')) refreshes++;
    return fetch(url, init);
  };
  return { fetch: counting, refreshes: () => refreshes };
}

test('login, then typed calls with the access token', async (t) => {
  const user = tenant.members[0]!;
  const client = new PocdojoClient({ baseUrl: app.url });
  const credentials = await client.login(tenant.slug, user.username, user.password);
  t.is(credentials.userId, user.userId);
  t.true(credentials.expiresAt > Date.now());

  const me = await client.rest.call('GET /v1/user', { query: { user_id: user.userId } });
  t.true(['ONLINE', 'OFFLINE'].includes(me.status));
  t.is(typeof me.firstName, 'string');

  const error = await t.throwsAsync(client.rest.call('GET /v1/dojos/{id}', { params: { id: 'not-a-uuid' } }), { instanceOf: PocdojoError });
  t.is(error.status, 422);
  t.is(error.code, 'VALIDATION_ERROR');
  t.true(
    error.fields.some((f) => f.field.includes('id')),
    JSON.stringify(error.fields),
  );

  const wrong = await t.throwsAsync(new PocdojoClient({ baseUrl: app.url }).login(tenant.slug, user.username, 'not-the-password'), { instanceOf: PocdojoError });
  t.is(wrong.status, 401);
});

test('concurrent calls with an expired access token share one refresh, and the session survives it', async (t) => {
  const user = tenant.members[1]!;
  const counter = countingFetch();
  const client = new PocdojoClient({ baseUrl: app.url, fetch: counter.fetch });
  const first = await client.login(tenant.slug, user.username, user.password);
  // The server refuses this token as it would an expired one; the client still believes it valid.
  client.auth.set({ ...first, accessToken: `${first.accessToken.slice(0, -4)}AAAA` });

  const calls = Array.from({ length: 8 }, () => client.rest.call('GET /v1/dojos', { query: {} }));
  const results = await Promise.all(calls);
  t.is(results.length, 8);
  t.is(counter.refreshes(), 1, 'eight refused calls, one exchange of the refresh token');
  const second = client.auth.credentials!;
  t.not(second.refreshToken, first.refreshToken, 'the refresh token rotated');

  // Had two exchanges raced, the second would have reused a rotated token and ended the session.
  await client.rest.call('GET /v1/dojos', { query: {} });
  await client.auth.refresh();
  t.is(counter.refreshes(), 2);
  await client.rest.call('GET /v1/dojos', { query: {} });
});

test('a token about to expire is refreshed before the call, and the socket is told with session.refresh', async (t) => {
  const user = tenant.facilitators[0]!;
  const counter = countingFetch();
  const client = new PocdojoClient({ baseUrl: app.url, fetch: counter.fetch, WebSocket: WebSocket as unknown as WebSocketConstructor });
  await client.login(tenant.slug, user.username, user.password);
  t.teardown(() => client.close());
  const connection = client.connection;
  await connection.connect();
  const refreshed: number[] = [];
  connection.on('refreshed', ({ expiresAt }) => refreshed.push(expiresAt));

  // Tokens carry their times in seconds: one issued within the login's second would be the same
  // token, which the socket has already (and the SDK then rightly sends no session.refresh).
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  // Make the client believe its token dies in 10 s: inside the 30 s margin of REST calls.
  client.auth.set({ ...client.auth.credentials!, expiresAt: Date.now() + 10_000 });
  await client.rest.call('GET /v1/dojos', { query: {} });
  t.is(counter.refreshes(), 1);
  await eventually(() => refreshed.length === 1, 'the session.refresh reply');
  t.true(refreshed[0]! > Date.now() + 60_000, 'the socket now expires with the new token');
  t.is(connection.state, 'open');
});

test('the socket refreshes its token on its own before it expires', async (t) => {
  const user = tenant.members[1]!;
  const counter = countingFetch();
  // Tokens live 15 minutes: a margin of all but 2.5 s of that makes "before it expires" now.
  const client = new PocdojoClient({ baseUrl: app.url, fetch: counter.fetch, WebSocket: WebSocket as unknown as WebSocketConstructor, refreshMarginMs: 900_000 - 2_500 });
  t.teardown(() => client.close());
  await client.login(tenant.slug, user.username, user.password);
  const before = client.auth.credentials!;
  await client.connection.connect();
  const [{ expiresAt }] = await client.connection.next('refreshed');
  t.true(counter.refreshes() >= 1);
  t.not(client.auth.credentials!.accessToken, before.accessToken);
  t.true(expiresAt > before.expiresAt - 1_000, 'the socket took the new token');
  // The socket lives on under the new token.
  t.like(await client.connection.request('ping', {}), { pong: true });
});

test('a refused refresh token ends the session: the client says so and forgets the credentials', async (t) => {
  const user = tenant.members[0]!;
  const client = new PocdojoClient({ baseUrl: app.url });
  const credentials = await client.login(tenant.slug, user.username, user.password);
  client.auth.set({ ...credentials, refreshToken: 'not-a-refresh-token' });
  const ended = client.auth.next('ended');
  const error = await t.throwsAsync(client.auth.refresh(), { instanceOf: PocdojoError });
  t.is(error.code, 'UNAUTHORIZED');
  await ended;
  t.is(client.auth.credentials, undefined);
  await t.throwsAsync(client.rest.call('GET /v1/dojos', { query: {} }), { instanceOf: PocdojoError, message: 'Not logged in' });
});

test('a logout elsewhere in the login session ends the socket for good: closed with SESSION_REVOKED, no reconnect', async (t) => {
  const user = tenant.members[0]!;
  const client = new PocdojoClient({ baseUrl: app.url, WebSocket: WebSocket as unknown as WebSocketConstructor });
  t.teardown(() => client.close());
  await client.login(tenant.slug, user.username, user.password);
  const connection = client.connection;
  await connection.connect();
  const closed = connection.next('closed');
  // The REST logout alone, as another tab of the same login would: the server closes the socket.
  await client.rest.logout();
  const [{ code }] = await closed;
  t.is(code, CloseCode.SESSION_REVOKED);
  t.is(connection.state, 'closed');
  await t.throwsAsync(connection.request('ping', {}), { instanceOf: PocdojoError, code: 'CLOSED' });
  // A new connection of this client cannot open either: it has no credentials left.
  await t.throwsAsync(client.connection.connect(), { instanceOf: PocdojoError, code: 'SESSION_ENDED' });
});
