import test from 'ava';
import { QueryTypes } from 'sequelize';
import { createTenant, request, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';

let app: TestNode;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'render'] });
});

test.after.always(async () => {
  await app?.stop();
});

/** Moves the tenant's expiration (tests only: a month passing). */
async function expireIn(tenant: TestTenant, ms: number): Promise<void> {
  const db = app.node.infra.database!;
  await db.asSystem(() =>
    db.sequelize.query(`UPDATE billing SET expiration = now() + $2::bigint * interval '1 millisecond' WHERE tenant_id = $1 RETURNING tenant_id`, {
      bind: [tenant.tenantId, ms],
      type: QueryTypes.SELECT,
    }),
  );
}

const payMonthly = (tenant: TestTenant, autorenew: boolean) =>
  fetch(`${app.url}/v1/payment`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.admin.token}`, 'content-type': 'application/json', 'idempotency-key': `k-${tenant.slug}` },
    body: JSON.stringify({ tenant_id: tenant.tenantId, payment_gateway: 'sandbox', plan: 'M', autorenew }),
  });

test('an expired plan refuses new renders with a clear 402; reads still work; paying restores it', async (t) => {
  const tenant = await createTenant(app, { members: 1 });
  t.is((await payMonthly(tenant, false)).status, 200);
  await expireIn(tenant, -1000);
  const video = await request(app, 'POST', '/v1/videos/generate', tenant.members[0]!.token, {});
  t.is(video.status, 402);
  t.like(video.body, { error: { code: 'PAYMENT_REQUIRED' } });
  t.regex(video.body.error.message, /plan has expired: videos resume once an admin renews it/);
  const report = await request(app, 'POST', '/v1/report/anual', tenant.admin.token, { tenant_id: tenant.tenantId });
  t.is(report.status, 402);
  t.is((await request(app, 'GET', '/v1/videos', tenant.members[0]!.token)).status, 200, 'reading is not refused');
  t.like((await request(app, 'GET', '/v1/billing', tenant.admin.token)).body, { active: false });
  const renewed = await request(app, 'POST', '/v1/payment', tenant.admin.token, { tenant_id: tenant.tenantId, payment_gateway: 'sandbox', plan: 'M' });
  t.is(renewed.status, 422, 'the Idempotency-Key header is still required');
  const paid = await fetch(`${app.url}/v1/payment`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tenant.admin.token}`, 'content-type': 'application/json', 'idempotency-key': 'again' },
    body: JSON.stringify({ tenant_id: tenant.tenantId, payment_gateway: 'sandbox', plan: 'M' }),
  });
  t.is(paid.status, 200);
  t.is((await request(app, 'POST', '/v1/videos/generate', tenant.members[0]!.token, {})).status, 202);
});

test('a tenant that never had a plan is not expired', async (t) => {
  const tenant = await createTenant(app, { members: 1 });
  t.is((await request(app, 'POST', '/v1/videos/generate', tenant.members[0]!.token, {})).status, 202);
});

test('renewal charges an autorenewing plan that is due once per period, at the plan price', async (t) => {
  const tenant = await createTenant(app);
  const quiet = await createTenant(app);
  t.is((await payMonthly(tenant, true)).status, 200);
  t.is((await payMonthly(quiet, false)).status, 200);
  await expireIn(tenant, 60_000);
  await expireIn(quiet, 60_000);
  const before = Date.parse((await request(app, 'GET', '/v1/billing', tenant.admin.token)).body.expiration);
  // What the jobs scheduler calls every hour; twice, as two jobs processes might.
  await app.node.broker.call('tenant.renewPlans', {});
  await app.node.broker.call('tenant.renewPlans', {});
  const view = (await request(app, 'GET', '/v1/billing', tenant.admin.token)).body;
  t.is(view.payments.length, 2, 'one renewal charge');
  t.like(view.payments[0], { total: 99.9, status: 'APPROVED' });
  t.true(Date.parse(view.expiration) - before >= 27 * 24 * 60 * 60 * 1000, 'a month added to the old expiration');
  t.is((await request(app, 'GET', '/v1/billing', quiet.admin.token)).body.payments.length, 1, 'no autorenew, no charge');
});
