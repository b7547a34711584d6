import { randomBytes } from 'node:crypto';
import test from 'ava';
import { createTenant, fieldsOf, request, type TestTenant, type TestUser } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';

// "My POCs" and framework suggestions, through the gateway as a mobile app asks for them.
let app: TestNode;
let acme: TestTenant;
let alice: TestUser;
let bob: TestUser;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc'] });
  acme = await createTenant(app, { members: 2 });
  [alice, bob] = acme.members as [TestUser, TestUser];
});

test.after.always(async () => {
  await app?.stop();
});

const word = () =>
  `w${randomBytes(5)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)] as string)}`;

async function create(user: TestUser, overrides: Record<string, unknown>): Promise<{ id: string }> {
  const res = await request(app, 'POST', '/v1/pocs', user.token, { name: `Poc ${word()}`, repo_url: 'https://github.com/acme/poc', language: 'TypeScript', tags: [], frameworks: [], ...overrides });
  if (res.status !== 201) throw new Error(`create -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

test("owner=me lists only the caller's own POCs, alone or with text and other filters", async (t) => {
  const tag = word();
  const mine = await create(alice, { tags: [tag], is_public: true, name: `Mine ${tag}` });
  const privateMine = await create(alice, { tags: [tag], name: `Hidden ${tag}` });
  const theirs = await create(bob, { tags: [tag], is_public: true, name: `Theirs ${tag}` });
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((p) => p.id).sort();
  const everyone = await request(app, 'GET', `/v1/pocs?tag=${tag}`, alice.token);
  t.deepEqual(ids(everyone.body), [mine.id, privateMine.id, theirs.id].sort());
  const own = await request(app, 'GET', `/v1/pocs?tag=${tag}&owner=me`, alice.token);
  t.deepEqual(ids(own.body), [mine.id, privateMine.id].sort());
  t.is(own.body.total, 2);
  const text = await request(app, 'GET', `/v1/pocs?q=${tag}&owner=me`, bob.token);
  t.deepEqual(ids(text.body), [theirs.id]);
  const bad = await request(app, 'GET', '/v1/pocs?owner=someone', alice.token);
  t.is(bad.status, 422);
  t.deepEqual(fieldsOf(bad.body), ['owner']);
});

test('frameworks have popular and suggest beside tags, counting what the caller may see', async (t) => {
  const prefix = word();
  await create(alice, { frameworks: [`${prefix}-React`], is_public: true });
  await create(alice, { frameworks: [`${prefix}-react`, `${prefix}-vue`], is_public: true });
  await create(alice, { frameworks: [`${prefix}-secret`] });
  const suggested = await request(app, 'GET', `/v1/frameworks/suggest?prefix=${prefix.toUpperCase()}`, bob.token);
  t.deepEqual(suggested.body.frameworks, [
    { value: `${prefix}-react`, count: 2 },
    { value: `${prefix}-vue`, count: 1 },
  ]);
  const popular = await request(app, 'GET', '/v1/frameworks/popular?limit=100', bob.token);
  t.like(
    popular.body.frameworks.find((c: { value: string }) => c.value.startsWith(prefix)),
    { value: `${prefix}-react`, count: 2 },
  );
  t.false(popular.body.frameworks.some((c: { value: string }) => c.value === `${prefix}-secret`));
  t.is((await request(app, 'GET', '/v1/frameworks/suggest', bob.token)).status, 422, 'the prefix is required');
});
