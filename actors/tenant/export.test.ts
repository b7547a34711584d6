import test from 'ava';
import { createTenant, request, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { WsClient } from '../../test/support/ws-client';

let app: TestNode;
let acme: TestTenant;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'poc'] });
  acme = await createTenant(app, { members: 2 });
});

test.after.always(async () => {
  await app?.stop();
});

test('export my data: a job makes a JSON archive, export.ready arrives live, and a pre-signed link downloads it', async (t) => {
  const user = acme.members[0]!;
  const poc = await request(app, 'POST', '/v1/pocs', user.token, { name: 'Exported POC', repo_url: 'https://example.com/r', language: 'Go', tags: ['x'], frameworks: [] });
  t.is(poc.status, 201);
  const socket = await WsClient.connect(app.wsUrl, user.token);
  const requested = await request(app, 'POST', '/v1/account/export', user.token);
  t.is(requested.status, 202);
  t.like(requested.body, { status: 'PENDING', progress: 0 });
  const ready = await socket.nextPushOf('notification.new', (d) => d.notification.type === 'export.ready' && d.notification.data.exportId === requested.body.id, 30_000);
  t.truthy(ready.notification.title);
  const done = await request(app, 'GET', `/v1/account/export/${requested.body.id}`, user.token);
  t.like(done.body, { id: requested.body.id, status: 'COMPLETED', progress: 100 });
  const archive = (await (await fetch(done.body.url)).json()) as { user_id: string; profile: Record<string, unknown>; pocs: Array<{ name: string }>; sessions: unknown[] };
  t.is(archive.user_id, user.userId);
  t.like(archive.profile, { id: user.userId, username: user.username });
  t.false('password_hash' in archive.profile, 'no secret leaves');
  t.deepEqual(
    archive.pocs.map((p) => p.name),
    ['Exported POC'],
  );
  t.true(archive.sessions.length >= 1);
  await socket.close();
});

test("someone else's export is 404, in the tenant or from another", async (t) => {
  const requested = await request(app, 'POST', '/v1/account/export', acme.members[0]!.token);
  t.is((await request(app, 'GET', `/v1/account/export/${requested.body.id}`, acme.members[1]!.token)).status, 404);
  t.is((await request(app, 'GET', `/v1/account/export/${requested.body.id}`, acme.admin.token)).status, 404);
  const other = await createTenant(app);
  t.is((await request(app, 'GET', `/v1/account/export/${requested.body.id}`, other.admin.token)).status, 404);
});
