import test from 'ava';
import { authed, createTenant, type TestUser } from '../test/support/accounts';
import { startTestNode, type TestNode } from '../test/support/node';
import { malleatedTokens } from '../test/support/tokens';
import { WsClient } from '../test/support/ws-client';

// What a client may send as text, through the real contract: one rule for every string of REST
// bodies, queries and socket frames, UTF-8 bodies only, and one spelling of an access token.

let app: TestNode;
let admin: TestUser;
let slug: string;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc'] });
  const tenant = await createTenant(app);
  admin = tenant.admin;
  slug = tenant.slug;
});

test.after.always(async () => {
  await app?.stop();
});

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${app.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; fields?: { field: string }[] } } };
}

const fields = (body: { error?: { fields?: { field: string }[] } }) => body.error?.fields?.map((f) => f.field);

test('a NUL or control character in a body field gets 422 naming the field', async (t) => {
  const signup = (name: string, firstName = 'Ada') =>
    post(
      '/v1/tenants',
      JSON.stringify({ name, slug: `s-${Date.now()}`, admin: { firstName, lastName: 'L', email: `a${Date.now()}@mail.test`, username: `u${Date.now()}`, password: 'Correct-Horse-9' } }),
    );
  const nul = await signup('Acme\u0000Corp');
  t.is(nul.status, 422);
  t.deepEqual(fields(nul.body), ['name']);
  const escape = await signup('Acme', 'Ada\u001b[2J');
  t.is(escape.status, 422);
  t.deepEqual(fields(escape.body), ['admin.firstName']);
});

test('a password with a lone surrogate is refused at login, not hashed as U+FFFD', async (t) => {
  const res = await post('/v1/login', JSON.stringify({ tenant: slug, username: admin.username, password: 'Correct-\ud800' }));
  t.is(res.status, 422);
  t.deepEqual(fields(res.body), ['password']);
});

test('a control character in a query parameter gets 422 naming it', async (t) => {
  const res = await fetch(`${app.url}/v1/pocs?q=a%00b&tag=ok&tag=x%0Ay`, { headers: authed(admin.token) });
  t.is(res.status, 422);
  t.deepEqual(fields((await res.json()) as never), ['q', 'tag.1']);
});

test('a JSON body in a charset other than UTF-8 gets 415 naming the charset', async (t) => {
  const body = JSON.stringify({ tenant: slug, username: admin.username, password: 'wrong-password' });
  const latin1 = await post('/v1/login', body, { 'content-type': 'application/json; charset=ISO-8859-1' });
  t.is(latin1.status, 415);
  t.regex(latin1.body.error?.message ?? '', /ISO-8859-1/);
  const utf8 = await post('/v1/login', body, { 'content-type': 'application/json; charset="UTF-8"' });
  t.is(utf8.status, 401, 'UTF-8, however spelt, reaches the action');
});

test('a body that is not valid UTF-8 gets 400', async (t) => {
  const prefix = Buffer.from(`{"tenant":"${slug}","username":"ada","password":"pass`);
  const res = await post('/v1/login', Buffer.concat([prefix, Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('word"}')]));
  t.is(res.status, 400);
  t.regex(res.body.error?.message ?? '', /UTF-8/);
});

test('a chat message with a NUL byte is refused before it reaches the room; a line break is fine', async (t) => {
  const client = await WsClient.connect(app.wsUrl, admin.token);
  const nul = await client.request('chat.send', { text: 'hello\u0000world', clientMsgId: 'c1' });
  t.like(nul, { ok: false, error: { code: 'VALIDATION_ERROR' } });
  t.deepEqual(
    nul.error?.fields?.map((f) => f.field),
    ['data.text'],
  );
  // No room actor on this node: passing validation shows as another error than VALIDATION_ERROR.
  const lines = await client.request('chat.send', { text: 'hello\nworld', clientMsgId: 'c2' });
  t.false(lines.ok);
  t.not(lines.error?.code, 'VALIDATION_ERROR');
  await client.close();
});

test('a socket text frame that is not valid UTF-8 never reaches a handler: the socket is dropped', async (t) => {
  // uWebSockets.js checks text frames itself and drops the connection (no close frame: the client sees 1006).
  const client = await WsClient.connect(app.wsUrl, admin.token);
  const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
  client.socket.send(Buffer.concat([Buffer.from('{"id":"bad","method":"ping","data":{"x":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}')]), { binary: false });
  t.true([1006, 1007].includes(await closed));
  t.false(
    client.pushes.some((f) => f.id === 'bad'),
    'no reply: the frame was not handled',
  );
});

test('an access token with its signature spelt another way gets 401, over REST and the socket', async (t) => {
  // (The unit test of jwt.ts makes sure of a `+/` variant; here it is there when the signature allows.)
  const token = admin.token;
  const ok = await fetch(`${app.url}/v1/pocs`, { headers: authed(token) });
  t.is(ok.status, 200);
  for (const variant of malleatedTokens(token)) {
    const res = await fetch(`${app.url}/v1/pocs`, { headers: authed(variant) });
    t.is(res.status, 401, variant);
  }
  // A padded token is no valid subprotocol name: it goes as the query parameter.
  for (const variant of malleatedTokens(token)) {
    const error = await t.throwsAsync(WsClient.connect(app.wsUrl, variant, 'query'));
    t.is((error as { status?: number }).status, 401, variant);
  }
});
