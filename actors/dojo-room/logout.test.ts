import test from 'ava';
import { CloseCode } from '../../protocol/closeCodes';
import type { TestNode } from '../../test/support/node';
import { WsClient } from '../../test/support/ws-client';
import { api, clientMsgId, createTenant, joined, liveDojo, startDojoNode } from './testing';

let app: TestNode;

test.before(async () => {
  app = await startDojoNode();
});

test.after.always(async () => {
  await app?.stop();
});

test('logout closes the open socket with SESSION_REVOKED: no chat after it, and the room sees the member leave', async (t) => {
  const tenant = await createTenant(app, { members: 1, facilitators: 1 });
  const [host, member] = [tenant.facilitators[0]!, tenant.members[0]!];
  const dojoId = await liveDojo(app, tenant, host, [member]);
  const facilitator = await joined(app, host, dojoId);
  const speaker = await joined(app, member, dojoId);
  t.like(await speaker.client.request('chat.send', { text: 'before', clientMsgId: clientMsgId() }), { ok: true });
  await facilitator.client.nextPushOf('chat.message', (d) => d.text === 'before');

  const logout = await api(app, 'POST', '/v1/logout', member.token, { username: member.username });
  t.deepEqual(logout, { status: 200, body: { success: true } });

  t.like(await speaker.client.whenClosed(), { code: CloseCode.SESSION_REVOKED });
  t.like(await facilitator.client.nextPushOf('participant.left', (d) => d.userId === member.userId), { reason: 'ended' });
  // The logged-out token opens no new socket, so nothing more can be said with it.
  await t.throwsAsync(WsClient.connect(app.wsUrl, member.token), { message: /401/ });
  t.is(facilitator.client.closed, undefined, 'the facilitator, logged in separately, stays');
  await facilitator.client.close();
});
