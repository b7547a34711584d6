import { randomBytes, randomUUID } from 'node:crypto';
import test from 'ava';
import type { Context, ServiceSchema } from 'moleculer';
import { authed, createTenant, type TestTenant, type TestUser } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import type { PocEvent } from './poc.service';
import type { PocView, SearchResult } from './views';

// End to end through the gateway, as a mobile client would: real accounts from the tenant actor.
let app: TestNode;
let acme: TestTenant;
let other: TestTenant;
let alice: TestUser;
let bob: TestUser;
let mallory: TestUser;
const events: Array<{ name: string; payload: PocEvent }> = [];

// Records what the poc actor tells other actors (the render actor consumes these).
const listener = (): ServiceSchema => ({
  name: 'poc-listener',
  events: Object.fromEntries(['poc.created', 'poc.updated', 'poc.deleted'].map((name) => [name, (ctx: Context<PocEvent>) => void events.push({ name, payload: ctx.params })])),
});

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc'], extraServices: [listener] });
  [acme, other] = await Promise.all([createTenant(app, { members: 2 }), createTenant(app)]);
  [alice, bob] = acme.members as [TestUser, TestUser];
  mallory = other.admin;
});

test.after.always(async () => {
  await app?.stop();
});

interface Reply<T> {
  status: number;
  body: T & { error?: { code: string; fields?: Array<{ field: string; message: string }> } };
}

async function call<T = PocView>(method: string, path: string, user: TestUser, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(`${app.url}${path}`, { method, headers: authed(user.token), body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Reply<T>['body'] };
}

/** A word no other test uses, so each test's searches see only its own POCs. */
const word = () =>
  `w${randomBytes(5)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)] as string)}`;

function draft(overrides: Record<string, unknown> = {}) {
  return { name: `Poc ${word()}`, repo_url: 'https://github.com/acme/poc', language: 'TypeScript', tags: [], frameworks: [], ...overrides };
}

async function create(user: TestUser, overrides: Record<string, unknown> = {}): Promise<PocView> {
  const res = await call('POST', '/v1/pocs', user, draft(overrides));
  if (res.status !== 201) throw new Error(`create -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const search = (user: TestUser, query: string) => call<SearchResult>('GET', `/v1/pocs?${query}`, user);
const fields = (reply: Reply<unknown>) => (reply.body.error?.fields ?? []).map((f) => f.field).sort();

test('create, read, update and delete a POC; the owner sees it, deleted it is gone everywhere', async (t) => {
  const created = await create(alice, { description: 'Kafka consumer', tags: ['Streaming'], frameworks: ['Spring Boot'], favorite: true });
  t.like(created, { owner_id: alice.userId, description: 'Kafka consumer', tags: ['Streaming'], frameworks: ['Spring Boot'], is_public: false, favorite: true });
  t.regex(created.created, /^\d{4}-\d\d-\d\dT/);
  t.deepEqual((await call('GET', `/v1/pocs/${created.id}`, alice)).body, created);

  const updated = await call('PUT', `/v1/pocs/${created.id}`, alice, { name: 'Renamed', tags: ['Kafka', 'streaming'], is_public: true });
  t.is(updated.status, 200);
  t.like(updated.body, { name: 'Renamed', tags: ['Kafka', 'streaming'], frameworks: ['Spring Boot'], description: 'Kafka consumer', is_public: true });
  t.like((await call('GET', `/v1/pocs/${created.id}`, bob)).body, { name: 'Renamed', favorite: false });

  t.like(await call('DELETE', `/v1/pocs/${created.id}`, alice), { status: 200, body: { success: true } });
  t.is((await call('GET', `/v1/pocs/${created.id}`, alice)).status, 404);
  t.is((await call('PUT', `/v1/pocs/${created.id}`, alice, { name: 'Again' })).status, 404);
  t.is((await call('DELETE', `/v1/pocs/${created.id}`, alice)).status, 404);
  t.is((await call('POST', `/v1/pocs/${created.id}/favorite`, alice)).status, 404);
  t.is((await search(alice, 'q=renamed')).body.items.filter((p) => p.id === created.id).length, 0);
  t.is((await search(alice, 'favorite=true')).body.items.filter((p) => p.id === created.id).length, 0);
});

test("private POCs are the owner's; public ones the tenant's; nothing crosses tenants", async (t) => {
  const secret = await create(alice);
  const shared = await create(alice, { is_public: true });
  t.is((await call('GET', `/v1/pocs/${secret.id}`, bob)).status, 404);
  t.is((await call('GET', `/v1/pocs/${shared.id}`, bob)).status, 200);
  // Seen but not owned: 403; not seen at all: 404, whether it exists elsewhere or not.
  t.is((await call('PUT', `/v1/pocs/${shared.id}`, bob, { name: 'Mine now' })).status, 403);
  t.is((await call('DELETE', `/v1/pocs/${shared.id}`, bob)).status, 403);
  t.is((await call('PUT', `/v1/pocs/${secret.id}`, bob, { name: 'Mine now' })).status, 404);
  for (const poc of [secret, shared]) {
    t.is((await call('GET', `/v1/pocs/${poc.id}`, mallory)).status, 404);
    t.is((await call('PUT', `/v1/pocs/${poc.id}`, mallory, { name: 'Stolen' })).status, 404);
    t.is((await call('DELETE', `/v1/pocs/${poc.id}`, mallory)).status, 404);
    t.is((await call('POST', `/v1/pocs/${poc.id}/favorite`, mallory)).status, 404);
  }
  const name = shared.name.split(' ')[1] as string;
  t.is((await search(mallory, `q=${name}`)).body.total, 0);
  t.is((await search(bob, `q=${secret.name.split(' ')[1]}`)).body.total, 0);
  t.is((await search(bob, `q=${name}`)).body.total, 1);
  t.like((await call('GET', `/v1/pocs/${shared.id}`, alice)).body, { name: shared.name });
});

test('bad input gets 422 naming each field, never a 500', async (t) => {
  const bad = await call('POST', '/v1/pocs', alice, { name: ' ', repo_url: 'ftp://example.com/x', language: '', tags: ['ok', ''], frameworks: 'React' });
  t.is(bad.status, 422);
  t.is(bad.body.error?.code, 'VALIDATION_ERROR');
  t.deepEqual(fields(bad), ['frameworks', 'language', 'name', 'repo_url', 'tags.1']);
  t.deepEqual(fields(await call('POST', '/v1/pocs', alice, {})), ['language', 'name', 'repo_url']);
  for (const url of ['javascript:alert(1)', 'not a url', 'https://', `https://example.com/${'a'.repeat(240)}`]) {
    t.deepEqual(fields(await call('POST', '/v1/pocs', alice, draft({ repo_url: url }))), ['repo_url'], url);
  }
  const tooLong: Array<[Record<string, unknown>, string]> = [
    [{ name: 'n'.repeat(101) }, 'name'],
    [{ description: 'd'.repeat(2001) }, 'description'],
    [{ language: 'l'.repeat(51) }, 'language'],
    [{ tags: ['t'.repeat(51)] }, 'tags.0'],
    [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    [{ frameworks: Array.from({ length: 21 }, (_, i) => `f${i}`) }, 'frameworks'],
    [{ name: 'nul\u0000byte' }, 'name'],
  ];
  for (const [overrides, field] of tooLong) {
    const res = await call('POST', '/v1/pocs', alice, draft(overrides));
    t.is(res.status, 422, field);
    t.deepEqual(fields(res), [field]);
  }
  // Exactly at the limits is fine.
  t.is((await call('POST', '/v1/pocs', alice, draft({ name: 'n'.repeat(100), tags: Array.from({ length: 20 }, (_, i) => `${'t'.repeat(48)}${i}`) }))).status, 201);
  const poc = await create(alice);
  t.deepEqual(fields(await call('PUT', `/v1/pocs/${poc.id}`, alice, {})), ['(body)']);
  t.deepEqual(fields(await call('PUT', `/v1/pocs/${poc.id}`, alice, { name: 'x'.repeat(101) })), ['name']);
  t.deepEqual(fields(await search(alice, 'limit=0&sort=best&favorite=maybe&offset=-1')), ['favorite', 'limit', 'offset', 'sort']);
  t.deepEqual(fields(await search(alice, 'limit=101')), ['limit']);
  t.deepEqual(fields(await search(alice, `q=${'q'.repeat(201)}`)), ['q']);
  t.deepEqual(fields(await call('GET', '/v1/tags/suggest', alice)), ['prefix']);
});

test('malformed ids get 422 naming the id', async (t) => {
  for (const [method, suffix] of [
    ['GET', ''],
    ['PUT', ''],
    ['DELETE', ''],
    ['POST', '/favorite'],
  ] as const) {
    for (const id of ['not-a-uuid', "1' OR '1'='1", '123']) {
      const res = await call(method, `/v1/pocs/${encodeURIComponent(id)}${suffix}`, alice, method === 'PUT' ? { name: 'x' } : undefined);
      t.is(res.status, 422, `${method} ${id}`);
      t.deepEqual(fields(res), ['id']);
    }
  }
  t.is((await call('GET', `/v1/pocs/${randomUUID()}`, alice)).status, 404);
});

test('languages, tags and frameworks match case-insensitively and keep their first spelling', async (t) => {
  const tag = word();
  const poc = await create(alice, { language: '  Type   Script ', tags: [` ${tag.toUpperCase()} `, tag, 'Node  JS'], frameworks: ['NestJS', 'nestjs'] });
  t.like(poc, { language: 'Type Script', tags: [tag.toUpperCase(), 'Node JS'], frameworks: ['NestJS'] });
  const found = await search(alice, `tag=${tag}&language=type%20script&framework=NESTJS`);
  t.deepEqual(
    found.body.items.map((p) => p.id),
    [poc.id],
  );
});

test('each filter alone and combined, with facets counted over the filtered set', async (t) => {
  const [marker, tagA, tagB, lang, fw] = [word(), word(), word(), word(), word()];
  const rows = [
    { language: lang, tags: [tagA], frameworks: [fw], is_public: true },
    { language: lang, tags: [tagA, tagB], frameworks: [], is_public: false },
    { language: `${lang}x`, tags: [tagB], frameworks: [fw], is_public: true },
    { language: `${lang}x`, tags: [tagA, tagB], frameworks: [fw], is_public: true },
  ];
  const pocs: PocView[] = [];
  for (const [i, row] of rows.entries()) pocs.push(await create(alice, { name: `${marker} number${i}`, ...row }));
  const ids = (r: Reply<SearchResult>) => r.body.items.map((p) => p.id).sort();
  const expect = (...indexes: number[]) => indexes.map((i) => pocs[i]!.id).sort();

  t.deepEqual(ids(await search(alice, `q=${marker}`)), expect(0, 1, 2, 3));
  t.deepEqual(ids(await search(alice, `language=${lang}`)), expect(0, 1));
  t.deepEqual(ids(await search(alice, `tag=${tagA}`)), expect(0, 1, 3));
  t.deepEqual(ids(await search(alice, `framework=${fw}`)), expect(0, 2, 3));
  t.deepEqual(ids(await search(alice, `tag=${tagA}&tag=${tagB}`)), expect(1, 3));
  t.deepEqual(ids(await search(alice, `q=${marker}&language=${lang}x&tag=${tagA}`)), expect(3));
  t.deepEqual(ids(await search(alice, `tag=${tagB}&framework=${fw}`)), expect(2, 3));
  // Bob sees the public ones only.
  t.deepEqual(ids(await search(bob, `q=${marker}`)), expect(0, 2, 3));
  t.deepEqual(ids(await search(bob, `tag=${tagA}`)), expect(0, 3));

  const all = await search(alice, `q=${marker}`);
  t.is(all.body.total, 4);
  t.deepEqual(
    all.body.facets.languages,
    [
      { value: lang, count: 2 },
      { value: `${lang}x`, count: 2 },
    ].sort((a, b) => (a.value < b.value ? -1 : 1)),
  );
  t.deepEqual(
    all.body.facets.tags,
    [
      { value: tagA, count: 3 },
      { value: tagB, count: 3 },
    ].sort((a, b) => (a.value < b.value ? -1 : 1)),
  );
  t.deepEqual(all.body.facets.frameworks, [{ value: fw, count: 3 }]);
  // One filter (answered from the maintained counts) and several (aggregated) agree with the rows.
  const byTag = await search(alice, `tag=${tagB}`);
  t.is(byTag.body.total, 3);
  t.deepEqual(byTag.body.facets.languages, [
    { value: `${lang}x`, count: 2 },
    { value: lang, count: 1 },
  ]);
  t.deepEqual(byTag.body.facets.tags, [
    { value: tagB, count: 3 },
    { value: tagA, count: 2 },
  ]);
  t.deepEqual(byTag.body.facets.frameworks, [{ value: fw, count: 2 }]);
  const bobByTag = await search(bob, `tag=${tagB}`);
  t.is(bobByTag.body.total, 2);
  t.deepEqual(bobByTag.body.facets.tags, [
    { value: tagB, count: 2 },
    { value: tagA, count: 1 },
  ]);
  const combined = await search(alice, `language=${lang}&tag=${tagA}`);
  t.is(combined.body.total, 2);
  t.deepEqual(combined.body.facets.tags, [
    { value: tagA, count: 2 },
    { value: tagB, count: 1 },
  ]);
});

test('pages do not overlap and cover the whole result, in every sort order', async (t) => {
  const tag = word();
  const names = Array.from({ length: 23 }, () => `${word()} item`);
  for (const name of names) await create(alice, { name, tags: [tag], is_public: true });
  for (const query of [`tag=${tag}`, `tag=${tag}&sort=name`, `q=item&tag=${tag}`, `q=item&tag=${tag}&sort=newest`]) {
    const seen: string[] = [];
    for (let offset = 0; offset < 30; offset += 10) {
      const page = await search(bob, `${query}&limit=10&offset=${offset}`);
      t.is(page.body.total, 23, query);
      seen.push(...page.body.items.map((p) => p.name));
    }
    t.is(seen.length, 23, query);
    t.is(new Set(seen).size, 23, query);
    if (query.includes('sort=name'))
      t.deepEqual(
        seen,
        [...names].sort((a, b) => a.localeCompare(b, 'en')),
        query,
      );
  }
});

test('text search matches name and description words, prefixes and a typo; input that looks like SQL is text', async (t) => {
  const [rare, other] = [word(), word()];
  const poc = await create(alice, { name: `Flibbertigibbet ${rare}`, description: `Talks to the ${other} gateway; see README.` });
  const hit = async (q: string) => (await search(alice, `q=${encodeURIComponent(q)}`)).body.items.some((p) => p.id === poc.id);
  t.true(await hit('flibbertigibbet'));
  t.true(await hit('FLIBBERTIGIBBET'));
  t.true(await hit('flibertigibbet'), 'one letter missing');
  t.true(await hit('flibbertigibbte'), 'two letters swapped');
  t.true(await hit('flibbertigobbet'), 'one letter wrong');
  t.true(await hit('flibbert'), 'a prefix');
  t.true(await hit(other), 'a description word');
  t.true(await hit(`${other} flibbertigibbet`), 'every word, in any order');
  t.false(await hit(`${other} nosuchwordanywhere`), 'every word must match');
  t.false(await hit('flobbertigobbet'), 'two typos is too many');
  const sqlish = await create(alice, { name: `Robert'); DROP TABLE pocs;-- ${rare}x`, tags: ["' OR 1=1 --"] });
  t.is(sqlish.name, `Robert'); DROP TABLE pocs;-- ${rare}x`);
  for (const q of ["'; DROP TABLE pocs; --", "' OR '1'='1", '%_\\', '$1', ':* & | !']) {
    t.is((await search(alice, `q=${encodeURIComponent(q)}`)).status, 200, q);
  }
  t.deepEqual(
    (await search(alice, `tag=${encodeURIComponent("' or 1=1 --")}`)).body.items.map((p) => p.id),
    [sqlish.id],
  );
  t.deepEqual(
    (await search(alice, `q=${encodeURIComponent(`robert drop ${rare}x`)}`)).body.items.map((p) => p.id),
    [sqlish.id],
  );
  t.is((await call('GET', `/v1/pocs/${poc.id}`, alice)).status, 200);
});

test('favorites toggle and filter the search', async (t) => {
  const marker = word();
  const [one, two] = [await create(alice, { name: `${marker} one`, is_public: true }), await create(alice, { name: `${marker} two`, is_public: true })];
  t.like(await call('POST', `/v1/pocs/${two.id}/favorite`, bob), { status: 200, body: { favorite: true } });
  const favorites = await search(bob, `q=${marker}&favorite=true`);
  t.deepEqual(
    favorites.body.items.map((p) => [p.id, p.favorite]),
    [[two.id, true]],
  );
  t.deepEqual(
    (await search(bob, `q=${marker}&favorite=false`)).body.items.map((p) => p.id),
    [one.id],
  );
  t.true((await search(bob, 'favorite=true')).body.items.some((p) => p.id === two.id));
  t.false(
    (await search(alice, `q=${marker}&favorite=true`)).body.items.some((p) => p.id === two.id),
    "bob's favorite is not alice's",
  );
  t.like(await call('POST', `/v1/pocs/${two.id}/favorite`, bob), { body: { favorite: false } });
  t.is((await search(bob, `q=${marker}&favorite=true`)).body.total, 0);
  t.like((await call('GET', `/v1/pocs/${two.id}`, bob)).body, { favorite: false });
});

test('an update is visible to the next search at once, cached or not', async (t) => {
  const [before, after, tag] = [word(), word(), word()];
  const poc = await create(alice, { name: before, tags: [tag], language: 'Go', is_public: true });
  t.is((await search(bob, `q=${before}`)).body.total, 1);
  t.deepEqual((await search(bob, `tag=${tag}`)).body.facets.languages, [{ value: 'Go', count: 1 }]);
  const suggested = await call<{ tags: unknown[] }>('GET', `/v1/tags/suggest?prefix=${tag}`, bob);
  t.deepEqual(suggested.body.tags, [{ value: tag, count: 1 }]);
  await call('PUT', `/v1/pocs/${poc.id}`, alice, { name: after, language: 'Rust', tags: [`${tag}2`] });
  t.is((await search(bob, `q=${before}`)).body.total, 0);
  t.deepEqual(
    (await search(bob, `q=${after}`)).body.items.map((p) => p.language),
    ['Rust'],
  );
  t.is((await search(bob, `tag=${tag}`)).body.total, 0);
  t.deepEqual((await search(bob, `tag=${tag}2`)).body.facets.languages, [{ value: 'Rust', count: 1 }]);
  t.deepEqual((await call<{ tags: unknown[] }>('GET', `/v1/tags/suggest?prefix=${tag}`, bob)).body.tags, [{ value: `${tag}2`, count: 1 }]);
  await call('PUT', `/v1/pocs/${poc.id}`, alice, { is_public: false });
  t.is((await search(bob, `q=${after}`)).body.total, 0);
  t.is((await call('GET', `/v1/pocs/${poc.id}`, bob)).status, 404);
});

/** Reads of `action` answered from the cache (`hit`) or computed (`miss`) so far, from the node's metrics. */
async function cacheReads(action: string, result: 'hit' | 'miss'): Promise<number> {
  const text = await (await fetch(`${app.opsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`pocdojo_poc_cache_reads_total{action="${action}",result="${result}"}`));
  return Number(line?.split(' ')[1] ?? 0);
}

// Serial: ava runs these before the concurrent tests, so no other search moves the counters.
test.serial('a repeated identical search is served from the cache until the next write, however long after it', async (t) => {
  const marker = word();
  await create(alice, { name: `${marker} one`, is_public: true });
  const path = `q=${marker}&language=C%23`;
  const [hits, misses] = [await cacheReads('poc.search', 'hit'), await cacheReads('poc.search', 'miss')];
  const first = await search(bob, path);
  t.is(await cacheReads('poc.search', 'miss'), misses + 1);
  // Past the moment the old design cleaned the tenant's cache a second time after a write.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  t.deepEqual((await search(bob, path)).body, first.body);
  t.deepEqual((await search(bob, path)).body, first.body);
  t.is(await cacheReads('poc.search', 'hit'), hits + 2);
  t.is(await cacheReads('poc.search', 'miss'), misses + 1);
  // A write anywhere in the tenant: the next identical search is computed again and sees it.
  await create(alice, { name: `${marker} two`, language: 'C#', is_public: true });
  t.is((await search(bob, path)).body.total, 1);
  t.is(await cacheReads('poc.search', 'miss'), misses + 2);
  t.is((await search(bob, path)).body.total, 1);
  t.is(await cacheReads('poc.search', 'hit'), hits + 3);
  // Another user's identical search is theirs: computed, not served from bob's entry.
  t.is((await search(alice, path)).body.total, 1);
  t.is(await cacheReads('poc.search', 'miss'), misses + 3);
});

test('concurrent creates and updates leave browse facets equal to a recount of what was written', async (t) => {
  const { admin, members } = await createTenant(app, { members: 2 });
  const users = [admin, ...members];
  const languages = ['Go', 'Rust', 'Python'];
  const tagPool = ['api', 'cli', 'web', 'ml', 'data'];
  const made = await Promise.all(
    Array.from({ length: 24 }, (_, i) =>
      create(users[i % users.length] as TestUser, { language: languages[i % 3], tags: tagPool.filter((_, k) => (i + k) % 3 === 0), frameworks: i % 4 ? ['React'] : [], is_public: i % 5 !== 0 }),
    ),
  );
  // Some turn private, some change tags, one is deleted, all at once.
  const owner = (i: number) => users[i % users.length] as TestUser;
  await Promise.all(made.slice(0, 8).map((p, i) => call('PUT', `/v1/pocs/${p.id}`, owner(i), i % 2 ? { is_public: false } : { tags: ['web'] })));
  await call('DELETE', `/v1/pocs/${(made[9] as PocView).id}`, owner(9));
  const live = made.map((p, i) => ({ id: p.id, by: owner(i) })).filter((_, i) => i !== 9);
  const current = (await Promise.all(live.map(({ id, by }) => call('GET', `/v1/pocs/${id}`, by)))).map((r) => r.body);
  const recount = (viewer: TestUser, filter: (p: PocView) => boolean) => {
    const seen = current.filter((p) => (p.is_public || p.owner_id === viewer.userId) && filter(p));
    const count = (values: string[]) => Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]));
    return { total: seen.length, languages: count(seen.map((p) => p.language)), tags: count(seen.flatMap((p) => p.tags)) };
  };
  const asMap = (list: Array<{ value: string; count: number }>) => Object.fromEntries([...list].sort((a, b) => (a.value < b.value ? -1 : 1)).map((f) => [f.value, f.count]));
  for (const viewer of users) {
    for (const [query, filter] of [
      ['', () => true],
      ['language=Go', (p: PocView) => p.language === 'Go'],
      ['tag=web', (p: PocView) => p.tags.includes('web')],
    ] as Array<[string, (p: PocView) => boolean]>) {
      const got = (await search(viewer, query)).body;
      const want = recount(viewer, filter);
      t.is(got.total, want.total, `${query} for ${viewer.userId}`);
      t.deepEqual(asMap(got.facets.languages), want.languages, `${query} languages`);
      t.deepEqual(asMap(got.facets.tags), want.tags, `${query} tags`);
    }
  }
});

test('popular tags and suggestions count what the caller may see', async (t) => {
  const prefix = word();
  await create(alice, { tags: [`${prefix}-Alpha`], is_public: true });
  await create(alice, { tags: [`${prefix}-alpha`, `${prefix}-beta`], is_public: true });
  await create(alice, { tags: [`${prefix}-secret`] });
  const bobs = await call<{ tags: unknown[] }>('GET', `/v1/tags/suggest?prefix=${prefix.toUpperCase()}`, bob);
  t.deepEqual(bobs.body.tags, [
    { value: `${prefix}-alpha`, count: 2 },
    { value: `${prefix}-beta`, count: 1 },
  ]);
  const alices = await call<{ tags: Array<{ value: string }> }>('GET', `/v1/tags/suggest?prefix=${prefix}&limit=5`, alice);
  t.deepEqual(alices.body.tags.map((c) => c.value).sort(), [`${prefix}-alpha`, `${prefix}-beta`, `${prefix}-secret`]);
  const popular = await call<{ tags: Array<{ value: string; count: number }> }>('GET', '/v1/tags/popular?limit=100', bob);
  t.like(
    popular.body.tags.find((c) => c.value.startsWith(prefix)),
    { value: `${prefix}-alpha`, count: 2 },
  );
  t.false(popular.body.tags.some((c) => c.value === `${prefix}-secret`));
  t.deepEqual((await call<{ tags: unknown[] }>('GET', `/v1/tags/suggest?prefix=${prefix}`, mallory)).body.tags, []);
});

test('every write tells other actors, with tenant and user', async (t) => {
  const poc = await create(alice);
  await call('PUT', `/v1/pocs/${poc.id}`, alice, { name: 'Changed' });
  await call('DELETE', `/v1/pocs/${poc.id}`, alice);
  const deadline = Date.now() + 5_000;
  while (events.filter((e) => e.payload.pocId === poc.id).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const mine = events.filter((e) => e.payload.pocId === poc.id);
  t.deepEqual(
    mine.map((e) => e.name),
    ['poc.created', 'poc.updated', 'poc.deleted'],
  );
  for (const e of mine) t.deepEqual(e.payload, { tenantId: acme.tenantId, userId: alice.userId, pocId: poc.id });
});
