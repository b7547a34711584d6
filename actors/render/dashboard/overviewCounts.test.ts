import test from 'ava';
import { Sql } from '../../../infra/db/sql';
import { authed, createTenant, type TestTenant } from '../../../test/support/accounts';
import { startTestNode, type TestNode } from '../../../test/support/node';
import { getJson } from '../testing';
import { loadTenantOverview } from './tenantOverview';

// The overview reads its POC figures from counts a trigger keeps (migration 932); a tag filter
// still counts the rows. After POC writes through the API (create, relabel, make public, delete)
// both must agree, and match what the test wrote.

let app: TestNode;
let acme: TestTenant;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc', 'render'] });
  acme = await createTenant(app, { members: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

async function call(method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${app.url}${path}`, { method, headers: authed(token), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

test('the counted POC figures follow creates, relabels, visibility changes and deletes, and agree with counting the rows', async (t) => {
  const admin = acme.admin.token;
  const member = acme.members[0]!.token;
  const poc = (name: string, language: string, tags: string[], frameworks: string[] = [], token = admin) =>
    call('POST', '/v1/pocs', token, { name, repo_url: `https://git.example.com/${name}`, language, tags, frameworks });
  const a = await poc('a', 'Go', ['web', 'cli'], ['Gin']);
  await poc('b', 'go', ['Web'], [], member);
  const c = await poc('c', 'Rust', ['cli']);
  const d = await poc('d', 'TypeScript', ['web'], ['Express'], member);
  await call('PUT', `/v1/pocs/${a.id as string}`, admin, { tags: ['ops'], is_public: true });
  await call('PUT', `/v1/pocs/${c.id as string}`, admin, { language: 'Go' });
  await call('DELETE', `/v1/pocs/${d.id as string}`, member);

  const { status, body } = await getJson(`${app.url}/v1/reports/tenant-overview`, admin);
  t.is(status, 200, JSON.stringify(body));
  const pocs = body.pocs as { total: number; public: number; by_language: unknown[]; by_tag: unknown[]; by_framework: unknown[] };
  // Live: a (Go, ops, Gin, public), b (go, Web), c (Go, cli).
  t.like(pocs, { total: 3, public: 1 });
  t.deepEqual(pocs.by_language, [{ name: 'Go', count: 3 }]);
  t.deepEqual(
    [...(pocs.by_tag as Array<{ name: string; count: number }>)].sort((x, y) => x.name.localeCompare(y.name)),
    [
      { name: 'cli', count: 1 },
      { name: 'ops', count: 1 },
      // The display first written for the key (poc_labels, as search shows it): a's 'web'.
      { name: 'web', count: 1 },
    ],
  );
  t.deepEqual(pocs.by_framework, [{ name: 'Gin', count: 1 }]);
  // A filter that excludes nothing takes the row path: the same figures.
  const rows = await loadTenantOverview(new Sql(app.node.infra.database!), acme.tenantId, { excludeTags: ['no-such-tag'] });
  t.deepEqual({ ...rows.pocs }, { ...pocs });
});
