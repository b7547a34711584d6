import test from 'ava';
import { randomUUID } from 'node:crypto';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import type { MediaHooks, MediaMethod, MediaSession } from './MediaSession';
import type { RoomKey, RoomRole } from './types';
import { api, joined, liveDojo, startDojoNode } from './testing';

// A stand-in media session, as the media issue plugs its own into the same seam.
const calls: Array<{ method: MediaMethod; userId: string; role: RoomRole }> = [];
const removed: string[] = [];
class FakeMedia implements MediaSession {
  constructor(readonly key: RoomKey, readonly hooks: MediaHooks) {}
  async ready() {}
  async handle(method: MediaMethod, userId: string, _data: unknown, role: RoomRole) {
    calls.push({ method, userId, role });
    if (method === 'media.produce') {
      this.hooks.push('media.newProducer', { producerId: 'p1', userId, kind: 'audio' });
      return { producerId: 'p1' };
    }
    if (method === 'recording.start') {
      const recordingId = randomUUID();
      await this.hooks.recordingStarted(recordingId, new Date());
      await this.hooks.recordingFinished({ recordingId, objectKey: `dojos/${this.key.tenantId}/${this.key.dojoId}/recordings/${recordingId}.webm`, mimeType: 'video/webm', sizeBytes: 10, durationMs: 1000, endedAt: new Date() });
      return { recordingId };
    }
    return {};
  }
  routerRtpCapabilities() {
    return { codecs: [] };
  }
  producers() {
    return [];
  }
  async mute() {}
  async removeUser(userId: string) {
    removed.push(userId);
  }
  async close() {}
}

let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  app = await startDojoNode({}, { media: (key, hooks) => new FakeMedia(key, hooks) });
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

test('media and recording methods reach the media session with the caller role; its pushes reach the room', async (t) => {
  const [fac, member, watcher] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [member], { observers: [watcher] });
  const host = await joined(app, fac, dojoId);
  t.deepEqual(host.reply.data.routerRtpCapabilities, { codecs: [] });
  const guest = await joined(app, member, dojoId);
  const observer = await joined(app, watcher, dojoId);
  const produce = { transportId: 't1', kind: 'audio', rtpParameters: {} };
  t.like(await guest.client.request('media.produce', produce), { ok: true, data: { producerId: 'p1' } });
  t.like(await host.client.nextPush((f) => f.method === 'media.newProducer'), { data: { userId: member.userId } });
  t.like(await observer.client.request('media.produce', produce), { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await observer.client.request('media.createTransport', { direction: 'recv' }), { ok: true });
  t.like(await guest.client.request('recording.start', {}), { ok: false, error: { code: 'FORBIDDEN' } });
  const recording = await host.client.request('recording.start', {});
  t.true(recording.ok);
  t.deepEqual(calls.map((c) => [c.method, c.role]), [['media.produce', 'participant'], ['media.createTransport', 'observer'], ['recording.start', 'facilitator']]);
  const row = await app.node.infra.database!.withTenant(tenant.tenantId, async () =>
    (await app.node.infra.database!.sequelize.query('SELECT status, object_key FROM recordings WHERE id = $1', { bind: [recording.data.recordingId] }))[0],
  );
  t.like(row, [{ status: 'READY' }]);
  await guest.client.request('room.leave');
  t.deepEqual(removed, [member.userId]);
  t.is((await api(app, 'GET', `/v1/dojos/${dojoId}`, fac.token)).status, 200);
  await Promise.all([host.client.close(), guest.client.close(), observer.client.close()]);
});
