import { authed, createTenant, type TestUser } from '../support/accounts';
import { startTestNode, type TestNode } from '../support/node';
import type { KnownValues } from './schema-arbitrary';

/**
 * The node the fuzz runs against, with a logged-in admin (`fuzzer`) whose requests reach every
 * actor, rows for its ids to hit (a POC, a dojo), and a second admin (`keeper`) that the
 * generators never name, so the fuzzer can be given its rights back when a generated request
 * logs it out or demotes it.
 */
export interface FuzzWorld {
  app: TestNode;
  fuzzer: TestUser;
  known: KnownValues;
  pocId: string;
  dojoId: string;
  /** After a request that may have ended or demoted the fuzzer's session: admin again, new token. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

async function call<T>(app: TestNode, method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: token ? authed(token) : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function startFuzzWorld(): Promise<FuzzWorld> {
  // One mediasoup worker is plenty for one room and spares the shared machine's cores. A fast
  // run sends past the socket's default 200 frames/s, and frames refused there never reach their
  // handlers (the limit has its own tests in gateway.test.ts).
  const app = await startTestNode({ env: { MEDIASOUP_WORKERS: '1', WS_MESSAGES_PER_SECOND: '2000' } });
  const tenant = await createTenant(app, { members: 2 });
  const fuzzer = tenant.admin;
  const [keeperMember, member] = tenant.members as [TestUser, TestUser];
  await call(app, 'PUT', `/v1/users/${keeperMember.userId}/role`, fuzzer.token, { role: 'admin' });
  const logIn = (user: TestUser) => call<{ token: string }>(app, 'POST', '/v1/login', undefined, { tenant: tenant.slug, username: user.username, password: user.password });
  const keeper = { ...keeperMember, token: (await logIn(keeperMember)).token };

  const poc = await call<{ id: string }>(app, 'POST', '/v1/pocs', fuzzer.token, {
    name: 'fuzz target',
    repo_url: 'https://example.test/fuzz',
    language: 'TypeScript',
    tags: ['fuzz'],
    frameworks: ['ava'],
    is_public: true,
  });
  const dojo = await call<{ dojo_id: string }>(app, 'POST', '/v1/dojo/create', fuzzer.token, {
    tenant_id: tenant.tenantId,
    dojo_date: new Date(Date.now() + 3_600_000).toISOString(),
    members: [member.userId],
    subject: 'fuzz dojo',
  });

  const world: FuzzWorld = {
    app,
    fuzzer,
    pocId: poc.id,
    dojoId: dojo.dojo_id,
    // The member's name is known, the fuzzer's is not: generated logins may lock the member out,
    // never the account the fuzz runs as.
    known: { uuids: [fuzzer.userId, tenant.tenantId, member.userId, poc.id, dojo.dojo_id], strings: [tenant.slug, member.username, 'fuzz', 'TypeScript', 'https://example.test/fuzz'] },
    async restore() {
      await call(app, 'PUT', `/v1/users/${fuzzer.userId}/role`, keeper.token, { role: 'admin' });
      const fresh = await logIn(fuzzer);
      fuzzer.token = fresh.token;
    },
    stop: () => app.stop(),
  };
  return world;
}
