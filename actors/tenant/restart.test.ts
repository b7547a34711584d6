import test from 'ava';
import { randomBytes } from 'node:crypto';
import { authed, createTenant } from '../../test/support/accounts';
import { createTestDatabase } from '../../test/support/database';
import { tempDataDir } from '../../test/support/dirs';
import { startTestNode, type TestNode } from '../../test/support/node';
import { LOGIN_LIMITS } from './LoginThrottle';

/**
 * What security depends on outlives a restart: the node is stopped and started again on the same
 * DATA_DIR (embedded PostgreSQL and JWT secret) or, on real services, the same database, Redis
 * namespace and secret. Logged-out tokens stay dead and a locked account stays locked.
 */
test('after a restart a logged-out access token is still 401 and a locked account is still locked', async (t) => {
  const dataDir = await tempDataDir();
  const db = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  const env: Record<string, string> = { DATA_DIR: dataDir.path, NAMESPACE: `restart-${randomBytes(4).toString('hex')}`, TRUST_PROXY: 'true' };
  if (db) env.DATABASE_URL = db.url;
  // The mail outbox is under the DATA_DIR given here, not the one startTestNode made.
  const start = async (): Promise<TestNode> => ({ ...(await startTestNode({ services: ['gateway', 'tenant'], env })), dataDir: dataDir.path });
  let app: TestNode | undefined;
  try {
    app = await start();
    const acme = await createTenant(app, { members: 1 });
    const { admin } = acme;
    const victim = acme.members[0]!;
    const me = (node: TestNode, token: string) => fetch(`${node.url}/v1/user?user_id=${admin.userId}`, { headers: authed(token) }).then((r) => r.status);
    const login = (node: TestNode, password: string, address: string) =>
      fetch(`${node.url}/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ tenant: acme.slug, username: victim.username, password }),
      }).then((r) => r.status);

    t.is(await me(app, admin.token), 200);
    t.is((await fetch(`${app.url}/v1/logout`, { method: 'POST', headers: authed(admin.token), body: '{}' })).status, 200);
    t.is(await me(app, admin.token), 401);
    // Guessers spread over many addresses lock the account against every address it never used.
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) t.is(await login(app, `wrong-${i}-password`, `198.51.100.${i + 1}`), 401);
    t.is(await login(app, victim.password, '203.0.113.7'), 429);

    await app.stop();
    app = await start();
    t.is(await me(app, admin.token), 401, 'the revocation outlived the restart');
    t.is(await login(app, victim.password, '203.0.113.7'), 429, 'the lockout outlived the restart');
    const fresh = await fetch(`${app.url}/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: acme.slug, username: admin.username, password: admin.password }),
    });
    t.is(fresh.status, 200, 'the restarted node still logs people in');
  } finally {
    await app?.stop();
    await db?.drop();
    await dataDir.remove();
  }
});
