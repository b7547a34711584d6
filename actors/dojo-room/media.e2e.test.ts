import { randomInt } from 'node:crypto';
import path from 'node:path';
import test from 'ava';
import { QueryTypes } from 'sequelize';
import { eventually } from '../../media/testing/media';
import { WeriftClient, type Signal } from '../../media/testing/werift';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import { startTestNode, type TestNode } from '../../test/support/node';
import type { WsClient } from '../../test/support/ws-client';
import { api, joined, liveDojo } from './testing';

// The real app as nodes register it, media included, with WebRTC ports in a window of its own
// (40000-49999, apart from the media/*.test.ts windows) so test files running side by side never meet.
let app: TestNode;
let tenant: TestTenant;
const open: Array<{ close(): unknown }> = [];

test.before(async () => {
  const minPort = 40000 + randomInt(0, 50) * 200;
  app = await startTestNode({
    services: ['gateway', 'tenant', 'dojo-room', 'media'],
    env: { RTC_MIN_PORT: String(minPort), RTC_MAX_PORT: String(minPort + 199), MEDIASOUP_WORKERS: '1' },
  });
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await Promise.all(open.map(async (o) => o.close()));
  await app?.stop();
});

/** The socket as werift's signaling: a refused request throws, as a client SDK would. */
function signal(client: WsClient): Signal {
  return async (method, data) => {
    const reply = await client.request(method, data);
    if (!reply.ok) throw new Error(`${method} refused: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
}

test('over the real app one member publishes Opus and an observer receives it; the observer cannot produce and keeps its socket', async (t) => {
  const [fac, speaker, watcher] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [speaker], { observers: [watcher] });
  const host = await joined(app, fac, dojoId);
  open.push(host.client);
  t.like(host.reply.data.routerRtpCapabilities, { codecs: [{ mimeType: 'audio/opus' }] });
  t.true(Object.keys(require.cache).some((file) => file.includes(`${path.sep}node_modules${path.sep}mediasoup${path.sep}`)), 'mediasoup is loaded on a media node');

  const sender = await joined(app, speaker, dojoId);
  open.push(sender.client);
  const { client: publisher, producerId } = await WeriftClient.publish(signal(sender.client));
  open.push(publisher);
  t.like(await host.client.nextPush((f) => f.method === 'media.newProducer'), { data: { producerId, userId: speaker.userId, kind: 'audio' } });

  const observer = await joined(app, watcher, dojoId);
  open.push(observer.client);
  t.deepEqual(observer.reply.data.producers, [{ producerId, userId: speaker.userId, kind: 'audio' }]);
  const { client: receiver } = await WeriftClient.subscribe(signal(observer.client), producerId);
  open.push(receiver);
  await publisher.sendOpus(50);
  await eventually(() => receiver.received > 0, 10_000, 'Opus packets at the observer');
  t.true(receiver.received > 0);

  const refused = await observer.client.request('media.produce', { transportId: receiver.transportId, kind: 'audio', rtpParameters: { codecs: [], encodings: [] } });
  t.like(refused, { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await observer.client.request('ping'), { ok: true });
  t.is(observer.client.closed, undefined);

  // The speaker leaves before the end: what it sent stays in the recording.
  t.like(await sender.client.request('room.leave'), { ok: true });
  await host.client.nextPush((f) => f.method === 'participant.left' && f.data.userId === speaker.userId);
  // POST /v1/dojo/start started the recording; stop ends it, and its file is joined and uploaded after the reply.
  t.like(await api(app, 'POST', '/v1/dojo/stop', fac.token, { tenant_id: tenant.tenantId, dojo_id: dojoId }), { status: 200 });
  await host.client.nextPush((f) => f.method === 'room.closed');
  let rows: Array<{ status: string; object_key: string | null; mime_type: string | null }> = [];
  await eventually(async () => {
    rows = await recordings(dojoId);
    return rows.length > 0 && rows.every((r) => r.status === 'READY' || r.status === 'FAILED');
  }, 30_000, 'the recording to be uploaded');
  t.like(rows, [{ status: 'READY', object_key: `dojos/${tenant.tenantId}/${dojoId}/recordings/${(rows[0] as { id?: string }).id}.webm`, mime_type: 'audio/webm' }]);
});

function recordings(dojoId: string): Promise<Array<{ id: string; status: string; object_key: string | null; mime_type: string | null }>> {
  const db = app.node.infra.database!;
  return db.withTenant(tenant.tenantId, () =>
    db.sequelize.query('SELECT id, status, object_key, mime_type FROM recordings WHERE dojo_id = $1 ORDER BY started_at', { bind: [dojoId], type: QueryTypes.SELECT }),
  );
}
