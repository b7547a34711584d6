import test from 'ava';
import { createTenant, type TestTenant } from '../test/support/accounts';
import { startTestNode, type TestNode } from '../test/support/node';
import { sampled, samples, scrape } from '../test/support/metrics';
import { WsClient } from '../test/support/ws-client';
import { api, clientMsgId, liveDojo } from '../actors/dojo-room/testing';
import { waitForJob } from '../actors/render/testing';

// The metrics the design names, read from /metrics as a scraper would, after driving the node
// as a client: logins (good and bad), a POC, a live dojo with chat, a report rendered.
let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc', 'dojo-room', 'render'] });
  tenant = await createTenant(app, { members: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

test('logins by outcome, POC creations, queue depth and age, render outcomes, room activations, pool use', async (t) => {
  const admin = tenant.admin;
  const before = await scrape(app.opsUrl);
  const wrong = await fetch(`${app.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenant.slug, username: admin.username, password: 'not-the-password-1' }),
  });
  t.is(wrong.status, 401);
  const good = await fetch(`${app.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenant.slug, username: admin.username, password: admin.password }),
  });
  t.is(good.status, 200);

  const poc = await api(app, 'POST', '/v1/pocs', admin.token, { name: 'Metrics POC', repo_url: 'https://example.com/r', language: 'TypeScript', tags: ['ops'], frameworks: [] });
  t.is(poc.status, 201, JSON.stringify(poc.body));

  const dojoId = await liveDojo(app, tenant, admin, [tenant.members[0]!]);
  const client = await WsClient.connect(app.wsUrl, admin.token);
  t.teardown(() => client.close());
  t.true((await client.request('room.join', { dojoId })).ok);
  t.true((await client.request('chat.send', { text: 'counted', clientMsgId: clientMsgId() })).ok);

  const requested = await api(app, 'POST', '/v1/report/anual', admin.token, { tenant_id: tenant.tenantId, format: 'csv' });
  t.is(requested.status, 202, JSON.stringify(requested.body));
  const view = await waitForJob(`${app.url}/v1/reports/${requested.body.report_id}`, admin.token);
  t.is(view.status, 'COMPLETED');

  const after = await scrape(app.opsUrl);
  const grew = (name: string, labels: Record<string, string> = {}) => sampled(after, name, labels) - sampled(before, name, labels);
  t.is(grew('pocdojo_logins_total', { outcome: 'ok' }), 1);
  t.is(grew('pocdojo_logins_total', { outcome: 'UNAUTHORIZED' }), 1);
  t.is(grew('pocdojo_pocs_created_total'), 1);
  t.is(grew('pocdojo_render_jobs_total', { kind: 'report', outcome: 'completed' }), 1);
  t.true(grew('pocdojo_dojo_activations_total', { outcome: 'activated' }) >= 1);
  t.is(sampled(after, 'pocdojo_dojo_failovers_total'), 0, 'a failover series, at zero on a single node');
  // The chat and notification queues: depth and the age of their oldest unacked message.
  for (const queue of ['chat', 'notifications']) {
    for (const name of ['pocdojo_queue_depth', 'pocdojo_queue_oldest_age_seconds']) {
      const found = samples(after, name).filter((s) => s.labels.queue === queue);
      t.is(found.length, 1, `${name}{queue="${queue}"}`);
      t.true(found[0]!.value >= 0, `${name}{queue="${queue}"} is a number`);
    }
  }
  t.true(sampled(after, 'pocdojo_db_pool_max') > 0);
  t.is(samples(after, 'pocdojo_db_pool_connections').length, 2, 'using and idle');
});
