import { randomBytes } from 'node:crypto';
import test from 'ava';
import { clientMsgId } from '../actors/dojo-room/testing';
import { authed, createTenant } from '../test/support/accounts';
import { Cluster } from '../test/support/cluster';
import { createTestDatabase } from '../test/support/database';
import { sampled, samples, scrape } from '../test/support/metrics';
import type { TestNode } from '../test/support/node';
import { WsClient } from '../test/support/ws-client';

// Real processes over NATS and Redis: a gateway-only node and a node without the gateway that
// hosts dojo-room and tenant. Its operations port is the only way to see its actors' series.
const ready = Boolean(process.env.REDIS_URL && process.env.TRANSPORTER);
if (!ready) test.skip('scraping a non-gateway node over NATS needs REDIS_URL and TRANSPORTER (CI real-services pass)', () => undefined);

(ready ? test : test.skip)('a node without the gateway serves its actors’ metrics and its own readiness on its operations port', async (t) => {
  t.timeout(120_000);
  const db = await createTestDatabase();
  t.teardown(() => db.drop());
  const cluster = await Cluster.start({ databaseUrl: db.url, jwtSecret: randomBytes(32).toString('hex'), roomNodes: 1, roomServices: 'dojo-room,tenant' });
  t.teardown(() => cluster.stop());
  const [gateway, worker] = cluster.nodeIds as [string, string];

  // Drive it as a client, through the gateway: sign-up and logins (tenant), a live dojo with chat (dojo-room).
  const tenant = await createTenant({ url: cluster.url, dataDir: cluster.dataDir(worker) } as TestNode, { members: 1 });
  const wrong = await fetch(`${cluster.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenant.slug, username: tenant.admin.username, password: 'Not-It-123' }),
  });
  t.is(wrong.status, 401);
  const post = (path: string, body: unknown) => fetch(`${cluster.url}${path}`, { method: 'POST', headers: authed(tenant.admin.token), body: JSON.stringify(body) });
  const created = (await (await post('/v1/dojo/create', { tenant_id: tenant.tenantId, dojo_date: new Date().toISOString(), subject: 'Ops', members: [tenant.members[0]!.userId] })).json()) as {
    dojo_id: string;
  };
  t.is((await post('/v1/dojo/start', { tenant_id: tenant.tenantId, dojo_id: created.dojo_id })).status, 200);
  const client = await WsClient.connect(cluster.wsUrl, tenant.admin.token);
  t.teardown(() => client.close());
  t.true((await client.request('room.join', { dojoId: created.dojo_id })).ok);
  t.true((await client.request('chat.send', { text: 'scraped', clientMsgId: clientMsgId() })).ok);

  const readiness = await fetch(`${cluster.opsUrl(worker)}/ready`);
  t.is(readiness.status, 200);
  t.like(await readiness.json(), { status: 'ready', checks: { broker: 'ok', kv: 'ok', queue: 'ok', database: 'ok', storage: 'ok' } });
  t.is((await fetch(`${cluster.opsUrl(worker)}/health`)).status, 200);

  const text = await scrape(cluster.opsUrl(worker));
  t.is(sampled(text, 'pocdojo_dojo_rooms_active'), 1);
  t.is(sampled(text, 'pocdojo_dojo_participants'), 1);
  t.true(sampled(text, 'pocdojo_dojo_messages_total', { kind: 'chat' }) >= 1);
  t.is(sampled(text, 'pocdojo_dojo_activations_total', { outcome: 'activated' }), 1);
  // createTenant logged the admin and the member in; then came the wrong password.
  t.true(sampled(text, 'pocdojo_logins_total', { outcome: 'ok' }) >= 2);
  t.is(sampled(text, 'pocdojo_logins_total', { outcome: 'UNAUTHORIZED' }), 1);
  t.is(samples(text, 'pocdojo_queue_depth').filter((s) => ['chat', 'notifications'].includes(s.labels.queue ?? '')).length, 2);
  t.true(sampled(text, 'pocdojo_db_pool_max') > 0);
  t.true(sampled(text, 'pocdojo_process_cpu_seconds_total') > 0);

  // The gateway's own scrape has its sockets and requests, and none of the worker's actors.
  const gw = await scrape(cluster.opsUrl(gateway));
  t.is(sampled(gw, 'pocdojo_ws_sessions_connected'), 1);
  t.true(sampled(gw, 'pocdojo_http_requests_total', { route: '/v1/login', status: '200' }) >= 2);
  t.is(samples(gw, 'pocdojo_dojo_rooms_active').length, 0);
  t.is(samples(gw, 'pocdojo_logins_total').length, 0);
});
