import { randomBytes } from 'node:crypto';
import test from 'ava';
import { authed, createTenant, type TestTenant, type TestUser } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import type { SearchResult } from './views';

// Bulk import end to end through the gateway, in a tenant of its own so browse facets are the import's.
let app: TestNode;
let acme: TestTenant;
let other: TestTenant;
let member: TestUser;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc'] });
  [acme, other] = await Promise.all([createTenant(app, { members: 1 }), createTenant(app)]);
  member = acme.members[0] as TestUser;
});

test.after.always(async () => {
  await app?.stop();
});

interface ImportView {
  id: string;
  status: string;
  progress: number;
  total: number;
  processed: number;
  created: number;
  failed: number;
  errors: Array<{ row: number; field: string; message: string }>;
  error: string | null;
}

async function call<T>(method: string, path: string, user: TestUser, body?: unknown): Promise<{ status: number; body: T & { error?: { fields?: Array<{ field: string }> } } }> {
  const res = await fetch(`${app.url}${path}`, { method, headers: authed(user.token), body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T & { error?: { fields?: Array<{ field: string }> } } };
}

async function finished(user: TestUser, id: string): Promise<ImportView> {
  for (;;) {
    const reply = await call<ImportView>('GET', `/v1/pocs/imports/${id}`, user);
    if (reply.status !== 200) throw new Error(`GET import -> ${reply.status} ${JSON.stringify(reply.body)}`);
    if (reply.body.status === 'COMPLETED' || reply.body.status === 'FAILED') return reply.body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const word = `imp${randomBytes(5)
  .toString('hex')
  .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)] as string)}`;
const LANGUAGES = ['TypeScript', 'Go', 'Rust', 'Python'];
const TAGS = ['kafka', 'grpc', 'ml'];

test('an import of a few hundred rows completes; bad rows are reported by number, good ones are searchable, facets equal a recount', async (t) => {
  const rows: unknown[] = Array.from({ length: 320 }, (_, i) => ({
    name: `Poc ${word} ${i}`,
    repo_url: `https://github.com/acme/poc-${i}`,
    language: LANGUAGES[i % LANGUAGES.length],
    tags: [TAGS[i % TAGS.length]],
    is_public: true,
    ...(i % 10 === 3 ? { owner: member.username.toUpperCase() } : {}),
  }));
  // Row numbers count from 1: index i is row i + 1.
  const bad: Record<number, [unknown, string]> = {
    7: [{ repo_url: 'https://x.test/a', language: 'Go' }, 'name'],
    50: [{ name: 'Bad url', repo_url: 'ftp://x.test/a', language: 'Go' }, 'repo_url'],
    120: [{ name: 'Nobody owns it', repo_url: 'https://x.test/a', language: 'Go', owner: 'nosuchuser' }, 'owner'],
    200: [{ name: 'Long language', repo_url: 'https://x.test/a', language: 'l'.repeat(51) }, 'language'],
    222: ['not an object', '(row)'],
    250: [{ name: 'Too many tags', repo_url: 'https://x.test/a', language: 'Go', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
  };
  for (const [row, [value]] of Object.entries(bad)) rows[Number(row) - 1] = value;
  const good = rows.filter((_, i) => !bad[i + 1]) as Array<{ language: string; tags: string[]; owner?: string }>;

  // Read (and cached) before the import: the import's writes must make these stale.
  t.is((await call<SearchResult>('GET', '/v1/pocs?limit=1', acme.admin)).body.total, 0);
  t.deepEqual((await call<{ tags: unknown[] }>('GET', '/v1/tags/popular', member)).body.tags, []);

  const refused = await call<ImportView>('POST', '/v1/pocs/import', member, { rows });
  t.is(refused.status, 403);

  const started = await call<ImportView>('POST', '/v1/pocs/import', acme.admin, { rows });
  t.is(started.status, 202, JSON.stringify(started.body));
  t.like(started.body, { status: 'PENDING', total: rows.length, processed: 0 });

  const done = await finished(acme.admin, started.body.id);
  t.like(done, { status: 'COMPLETED', progress: 100, total: rows.length, processed: rows.length, created: good.length, failed: 6, error: null });
  t.deepEqual(
    done.errors.map((e) => [e.row, e.field]),
    Object.entries(bad).map(([row, [, field]]) => [Number(row), field]),
  );
  t.true(done.errors.every((e) => e.message.length > 0));

  // Searchable by a word of their names, by anyone of the tenant; the named owner's are theirs.
  const found = await call<SearchResult>('GET', `/v1/pocs?q=${word}&limit=1`, member);
  t.is(found.body.total, good.length);
  const mine = await call<SearchResult>('GET', `/v1/pocs?owner=me&limit=1`, member);
  t.is(mine.body.total, good.filter((r) => r.owner).length);

  // Facets (the maintained counts on a browse, the filtered ones on a search) equal a recount of the rows sent.
  const recount = (key: (r: (typeof good)[number]) => string[]) => {
    const counts = new Map<string, number>();
    for (const r of good) for (const v of key(r)) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort();
  };
  const asPairs = (facets: Array<{ value: string; count: number }>) => facets.map((f) => [f.value, f.count] as [string, number]).sort();
  for (const query of ['', `q=${word}&`]) {
    const result = (await call<SearchResult>('GET', `/v1/pocs?${query}limit=1`, acme.admin)).body;
    t.is(result.total, good.length, query);
    t.deepEqual(
      asPairs(result.facets.languages),
      recount((r) => [r.language]),
      query,
    );
    t.deepEqual(
      asPairs(result.facets.tags),
      recount((r) => r.tags),
      query,
    );
  }
  const popular = await call<{ tags: Array<{ value: string; count: number }> }>('GET', '/v1/tags/popular', member);
  t.deepEqual(
    asPairs(popular.body.tags),
    recount((r) => r.tags),
  );

  // Another tenant's admin cannot see it; a member may not read it either.
  t.is((await call('GET', `/v1/pocs/imports/${started.body.id}`, other.admin)).status, 404);
  t.is((await call('GET', `/v1/pocs/imports/${started.body.id}`, member)).status, 403);
});

test('an import body past its limits is refused naming the field', async (t) => {
  const row = { name: 'x', repo_url: 'https://x.test/a', language: 'Go' };
  const tooMany = await call('POST', '/v1/pocs/import', other.admin, { rows: Array.from({ length: 5001 }, () => row) });
  t.is(tooMany.status, 422);
  t.deepEqual(
    tooMany.body.error?.fields?.map((f) => f.field),
    ['rows'],
  );
  const none = await call('POST', '/v1/pocs/import', other.admin, { rows: [] });
  t.is(none.status, 422);
  t.deepEqual(
    none.body.error?.fields?.map((f) => f.field),
    ['rows'],
  );
  const missing = await call('POST', '/v1/pocs/import', other.admin, {});
  t.deepEqual(
    missing.body.error?.fields?.map((f) => f.field),
    ['rows'],
  );
  // Past the gateway's body limit (MAX_BODY_BYTES, 4 MiB by default): 413 before anything is parsed.
  const huge = JSON.stringify({ rows: [{ ...row, description: 'd'.repeat(5 * 1024 * 1024) }] });
  t.is((await call('POST', '/v1/pocs/import', other.admin, huge)).status, 413);
});
