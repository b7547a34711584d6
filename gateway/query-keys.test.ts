import test from 'ava';
import { createTenant, fieldsOf, request, type TestTenant } from '../test/support/accounts';
import { startTestNode, type TestNode } from '../test/support/node';

let app: TestNode;
let acme: TestTenant;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc'] });
  acme = await createTenant(app);
});

test.after.always(async () => {
  await app?.stop();
});

test('unknown query keys are refused with 422 naming each, never silently dropped', async (t) => {
  const res = await request(app, 'GET', '/v1/pocs?q=x&limt=5&colour=red', acme.admin.token);
  t.is(res.status, 422);
  t.deepEqual(fieldsOf(res.body), ['colour', 'limt']);
  t.regex(res.body.error.fields[0].message, /not a query parameter of this route \(known: q, language/);
  t.is((await request(app, 'GET', '/v1/pocs?q=x&limit=5', acme.admin.token)).status, 200, 'known keys pass');
});

test('a route that takes no query refuses any key', async (t) => {
  const res = await request(app, 'GET', '/v1/billing?cachebust=1', acme.admin.token);
  t.is(res.status, 422);
  t.deepEqual(fieldsOf(res.body), ['cachebust']);
  t.regex(res.body.error.fields[0].message, /takes none/);
  t.is((await request(app, 'GET', '/v1/billing', acme.admin.token)).status, 200);
});

test('unknown keys and bad known values are reported together', async (t) => {
  const res = await request(app, 'GET', '/v1/users?limit=0&page=2', acme.admin.token);
  t.is(res.status, 422);
  t.deepEqual(fieldsOf(res.body), ['limit', 'page']);
});
