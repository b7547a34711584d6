import test from 'ava';
import { createTenant, mailsTo, request, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import { WsClient } from '../../test/support/ws-client';

let app: TestNode;
let acme: TestTenant;

test.before(async () => {
  app = await startTestNode({ services: ['gateway', 'tenant', 'dojo-room', 'render'], env: { VIDEO_SLIDE_SECONDS: '1' } });
  acme = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

test('notification.new reaches a socket outside any room when a dojo starts, with the unread count', async (t) => {
  const [host, member] = [acme.facilitators[0]!, acme.members[0]!];
  const socket = await WsClient.connect(app.wsUrl, member.token);
  await socket.nextPushOf('session.welcome');
  const before = (await request(app, 'GET', '/v1/user/notification', member.token)).body.unread as number;
  const created = await request(app, 'POST', '/v1/dojo/create', host.token, { tenant_id: acme.tenantId, dojo_date: new Date().toISOString(), subject: 'Live katas', members: [member.userId] });
  t.is(created.status, 201);
  const invited = await socket.nextPushOf('notification.new', (d) => d.notification.type === 'dojo.invited');
  t.is(invited.unread, before + 1);
  t.deepEqual(socket.contractErrors, []);
  t.is((await request(app, 'POST', '/v1/dojo/start', host.token, { tenant_id: acme.tenantId, dojo_id: created.body.dojo_id })).status, 200);
  const starting = await socket.nextPushOf('notification.new', (d) => d.notification.type === 'dojo.starting');
  t.like(starting, { unread: before + 2, notification: { read: false, data: { dojoId: created.body.dojo_id } } });
  const listed = await request(app, 'GET', '/v1/user/notification', member.token);
  t.is(listed.body.notifications[0].id, starting.notification.id, 'the push is the stored notification');
  await socket.close();
});

test('notification.new reaches every socket of the user when their video completes, and only theirs', async (t) => {
  const [owner, other] = [acme.members[1]!, acme.members[0]!];
  const phone = await WsClient.connect(app.wsUrl, owner.token);
  const tablet = await WsClient.connect(app.wsUrl, owner.token);
  const bystander = await WsClient.connect(app.wsUrl, other.token);
  const generated = await request(app, 'POST', '/v1/videos/generate', owner.token, { year: new Date().getUTCFullYear() - 1 });
  t.is(generated.status, 202);
  const [onPhone, onTablet] = await Promise.all(
    [phone, tablet].map((s) => s.nextPushOf('notification.new', (d) => d.notification.type === 'video.ready' || d.notification.type === 'video.failed', 60_000)),
  );
  t.is(onPhone!.notification.type, 'video.ready');
  t.deepEqual(onPhone, onTablet);
  t.like(onPhone!.notification.data, { videoId: generated.body.id });
  // The bystander's socket got nothing about it (its own pushes came before, if any).
  await bystander.request('ping');
  t.false(bystander.pushes.some((f) => f.method === 'notification.new' && (f.data as { notification: { data: { videoId?: string } } }).notification.data.videoId === generated.body.id));
  await Promise.all([phone.close(), tablet.close(), bystander.close()]);
});

async function waitForMail(email: string, subject: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if ((await mailsTo(app, email)).some((m) => m.subject.includes(subject))) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('the email preference mails notifications; switching it off stops the mails, not the pushes', async (t) => {
  const other = await createTenant(app, { members: 1, facilitators: 1 });
  const [host, member] = [other.facilitators[0]!, other.members[0]!];
  const email = (await request(app, 'GET', `/v1/user?user_id=${member.userId}`, member.token)).body.email as string;
  const socket = await WsClient.connect(app.wsUrl, member.token);
  const create = (subject: string) => request(app, 'POST', '/v1/dojo/create', host.token, { tenant_id: other.tenantId, dojo_date: new Date().toISOString(), subject, members: [member.userId] });
  await create('Mailed dojo');
  await socket.nextPushOf('notification.new', (d) => d.notification.title.includes('Mailed dojo'));
  t.true(await waitForMail(email, 'Mailed dojo'), 'mailed by default');
  await request(app, 'POST', '/v1/account/profile', member.token, { user_id: member.userId, notifications: { email: false } });
  await create('Quiet dojo');
  await socket.nextPushOf('notification.new', (d) => d.notification.title.includes('Quiet dojo'));
  // Mails on again: once a later notification's mail has landed, the quiet one had its chance.
  await request(app, 'POST', '/v1/account/profile', member.token, { user_id: member.userId, notifications: { email: true } });
  await create('Later dojo');
  await waitForMail(email, 'Later dojo');
  t.false((await mailsTo(app, email)).some((m) => m.subject.includes('Quiet dojo')));
  await socket.close();
});

test('the AsyncAPI description of /v1/ws documents notification.new on the user channel', async (t) => {
  const doc = (await (await fetch(`${app.url}/v1/asyncapi.json`)).json()) as {
    asyncapi: string;
    channels: { signaling: { messages: Record<string, { summary: string; payload: { properties: { data: { properties: Record<string, unknown> } } } }> } };
    operations: Record<string, { action: string }>;
  };
  t.is(doc.asyncapi, '3.0.0');
  const push = doc.channels.signaling.messages['push.notification.new']!;
  t.regex(push.summary, /every authenticated socket of the user, in a room or not/);
  t.deepEqual(Object.keys(push.payload.properties.data.properties).sort(), ['notification', 'unread']);
  t.is(doc.operations['push.notification.new']?.action, 'receive');
  t.is(doc.operations['request.room.join']?.action, 'send');
});
