import { randomUUID } from 'node:crypto';
import test from 'ava';
import { authed, createTenant, type TestUser } from '../../test/support/accounts';
import { tenantNode } from './testing';

const fixture = tenantNode({ members: 1 });

type Outcome = { success: boolean; payment_id: string; status: string; decline_reason?: string };
type BillingView = {
  tenant_id: string;
  plan: string | null;
  price: number | null;
  expiration: string | null;
  autorenew: boolean;
  active: boolean;
  payments: Array<{ id: string; total: number; status: string }>;
};

const pay = (user: TestUser, body: Record<string, unknown>, key: string | null = randomUUID()) =>
  fetch(`${fixture.app.url}/v1/payment`, { method: 'POST', headers: { ...authed(user.token), ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) });
const billing = async (user: TestUser) => (await (await fetch(`${fixture.app.url}/v1/billing`, { headers: authed(user.token) })).json()) as BillingView;
const DAY = 24 * 60 * 60 * 1000;

test('a payment extends the plan, and the same Idempotency-Key never charges twice', async (t) => {
  const tenant = await createTenant(fixture.app);
  t.like(await billing(tenant.admin), { plan: null, active: false, payments: [] });
  const body = { tenant_id: tenant.tenantId, total: 99.9, payment_gateway: 'sandbox', plan: 'M' };
  const key = randomUUID();
  const first = (await (await pay(tenant.admin, body, key)).json()) as Outcome;
  t.like(first, { success: true, status: 'APPROVED' });
  const second = (await (await pay(tenant.admin, body, key)).json()) as Outcome;
  t.deepEqual(second, first);
  const view = await billing(tenant.admin);
  t.like(view, { plan: 'M', price: 99.9, currency: 'BRL', autorenew: true, active: true });
  t.is(view.payments.length, 1);
  const expiresIn = Date.parse(view.expiration!) - Date.now();
  t.true(expiresIn > 27 * DAY && expiresIn < 32 * DAY);
  // The same key for a different payment is a client bug, not a retry.
  const reused = await pay(tenant.admin, { ...body, plan: 'Y', total: undefined }, key);
  t.is(reused.status, 409);
  t.like(await reused.json(), { error: { fields: [{ field: 'Idempotency-Key' }] } });
  // A yearly payment before expiry adds a year to the current expiration.
  const yearly = (await (await pay(tenant.admin, { ...body, plan: 'Y', total: 999, autorenew: false })).json()) as Outcome;
  t.true(yearly.success);
  const after = await billing(tenant.admin);
  t.like(after, { plan: 'Y', price: 999, autorenew: false });
  t.true(Date.parse(after.expiration!) - Date.parse(view.expiration!) >= 365 * DAY);
});

test('two concurrent requests with one key make one payment', async (t) => {
  const tenant = await createTenant(fixture.app);
  const body = { tenant_id: tenant.tenantId, payment_gateway: 'sandbox', plan: 'M' };
  const key = randomUUID();
  const responses = await Promise.all([pay(tenant.admin, body, key), pay(tenant.admin, body, key)]);
  for (const res of responses) t.true(res.status === 200 || res.status === 409, `status ${res.status}`);
  t.is((await billing(tenant.admin)).payments.length, 1);
});

test('the sandbox test gateways decline, and a decline changes no plan', async (t) => {
  const tenant = await createTenant(fixture.app);
  const declined = (await (await pay(tenant.admin, { tenant_id: tenant.tenantId, payment_gateway: 'sandbox-card-declined', plan: 'M' })).json()) as Outcome;
  t.like(declined, { success: false, status: 'DECLINED', decline_reason: 'card_declined' });
  const broke = (await (await pay(tenant.admin, { tenant_id: tenant.tenantId, payment_gateway: 'sandbox-insufficient-funds', plan: 'Y' })).json()) as Outcome;
  t.like(broke, { success: false, decline_reason: 'insufficient_funds' });
  const view = await billing(tenant.admin);
  t.like(view, { plan: null, active: false });
  t.deepEqual(
    view.payments.map((p) => p.status),
    ['DECLINED', 'DECLINED'],
  );
});

test('only admins pay; another tenant gets 404; bad input names its fields', async (t) => {
  const body = { tenant_id: fixture.acme.tenantId, payment_gateway: 'sandbox', plan: 'M' };
  t.is((await pay(fixture.acme.members[0]!, body)).status, 403);
  const other = await createTenant(fixture.app);
  t.is((await pay(other.admin, body)).status, 404);
  const noKey = await pay(fixture.acme.admin, body, null);
  t.is(noKey.status, 422);
  t.like(await noKey.json(), { error: { fields: [{ field: 'Idempotency-Key' }] } });
  const unknownGateway = await pay(fixture.acme.admin, { ...body, payment_gateway: 'paypal' });
  t.like(await unknownGateway.json(), { error: { fields: [{ field: 'payment_gateway' }] } });
  const bad = await pay(fixture.acme.admin, { tenant_id: 'x', total: -1.234, plan: 'W' });
  t.is(bad.status, 422);
  const fields = ((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields.map((f) => f.field).sort();
  t.deepEqual(fields, ['payment_gateway', 'plan', 'tenant_id', 'total', 'total']);
  t.is((await billing(fixture.acme.admin)).payments.length, 0, 'no refused request left a payment behind');
  t.like(await billing(fixture.acme.members[0]!), { error: { code: 'FORBIDDEN' } }, 'billing is for admins only');
});

test("the price comes from the plan in the tenant's currency, never from the client", async (t) => {
  const tenant = await createTenant(fixture.app);
  const cheap = await pay(tenant.admin, { tenant_id: tenant.tenantId, total: 0.01, payment_gateway: 'sandbox', plan: 'Y' });
  t.is(cheap.status, 422);
  t.like(await cheap.json(), { error: { fields: [{ field: 'total', message: "must be the plan's price, 999.00 BRL (or be left out)" }] } });
  t.deepEqual((await billing(tenant.admin)).payments, [], 'nothing was charged');
  const settings = await fetch(`${fixture.app.url}/v1/tenant`, { method: 'PUT', headers: authed(tenant.admin.token), body: JSON.stringify({ settings: { currency: 'USD' } }) });
  t.is(settings.status, 200);
  t.like(await (await pay(tenant.admin, { tenant_id: tenant.tenantId, payment_gateway: 'sandbox', plan: 'M' })).json(), { success: true });
  const view = await billing(tenant.admin);
  t.like(view, { plan: 'M', price: 19.99, currency: 'USD' });
  t.like(view.payments[0], { total: 19.99, status: 'APPROVED' });
});
