import test from 'ava';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';

// One hashing thread and one waiting place: a storm of logins must be shed at once, not queued.
let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant'], env: { HASH_CONCURRENCY: '1', HASH_QUEUE_LIMIT: '1' } });
  tenant = await createTenant(app);
});

test.after.always(async () => {
  await app?.stop();
});

const login = () =>
  fetch(`${app.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenant.slug, username: tenant.admin.username, password: tenant.admin.password }),
  });

test('a login storm past the hashing queue is answered 503 with Retry-After; the rest log in', async (t) => {
  const responses = await Promise.all(Array.from({ length: 24 }, login));
  const statuses = responses.map((r) => r.status);
  t.deepEqual([...new Set(statuses)].sort(), [200, 503], 'only successes and sheds: no 504, no 500');
  const shed = responses.filter((r) => r.status === 503);
  for (const res of shed) {
    t.true(Number(res.headers.get('retry-after')) >= 1);
    t.like(await res.json(), { error: { code: 'SERVICE_UNAVAILABLE' } });
  }
  for (const res of responses.filter((r) => r.status === 200)) t.truthy(((await res.json()) as { token?: string }).token);
  t.true(statuses.filter((s) => s === 200).length >= 2, 'the running and the queued login succeed');
  // Shed logins were not counted as wrong passwords, and the pool serves again once drained.
  t.is((await login()).status, 200);
});
