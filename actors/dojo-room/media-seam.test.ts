import test from 'ava';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import type { MediaHooks, MediaMember, MediaSession } from '../../media/MediaSession';
import type { MediaMethod } from '../../protocol/ws';
import type { RoomKey, RoomRole } from './types';
import { api, joined, liveDojo, startDojoNode } from './testing';

// A stand-in media session, as the media issue plugs its own into the same seam.
const calls: Array<{ dojoId: string; method: MediaMethod | 'recording.start'; sessionId?: string; userId?: string; role?: RoomRole }> = [];
const removed: Array<{ dojoId: string; sessionId: string }> = [];
const closed: string[] = [];
class FakeMedia implements MediaSession {
  #recording: string | undefined;
  constructor(
    readonly key: RoomKey,
    readonly hooks: MediaHooks,
  ) {}
  async ready() {}
  async handle(method: MediaMethod, { sessionId, userId, role }: MediaMember) {
    calls.push({ dojoId: this.key.dojoId, method, sessionId, userId, role });
    if (method === 'media.produce') {
      this.hooks.push('media.newProducer', { producerId: 'p1', userId, kind: 'audio' });
      return { producerId: 'p1' };
    }
    return {};
  }
  async startRecording() {
    calls.push({ dojoId: this.key.dojoId, method: 'recording.start' });
    if (!this.#recording) {
      this.#recording = randomUUID();
      await this.hooks.recordingStarted(this.#recording, new Date());
    }
    return { recordingId: this.#recording };
  }
  async stopRecording() {
    return { recordingId: await this.#stop() };
  }
  routerRtpCapabilities() {
    return { codecs: [] };
  }
  producers() {
    return [];
  }
  recordingId() {
    return this.#recording ?? null;
  }
  activeSpeaker() {
    return null;
  }
  async mute() {}

  async away() {}
  async removeSession(sessionId: string) {
    removed.push({ dojoId: this.key.dojoId, sessionId });
  }
  async close() {
    await this.#stop();
    closed.push(this.key.dojoId);
  }
  async #stop(): Promise<string | null> {
    const recordingId = this.#recording;
    if (!recordingId) return null;
    this.#recording = undefined;
    await this.hooks.recordingStopped(recordingId);
    // The real session joins and uploads the file after this; the fake's is there at once.
    await this.hooks.recordingFinished({
      recordingId,
      objectKey: `dojos/${this.key.tenantId}/${this.key.dojoId}/recordings/${recordingId}.webm`,
      mimeType: 'audio/webm',
      sizeBytes: 10,
      durationMs: 1000,
      endedAt: new Date(),
    });
    return recordingId;
  }
}

let app: TestNode;
let tenant: TestTenant;

test.before(async () => {
  // Rooms left empty close within a second, so a test sees the next activation.
  app = await startDojoNode({ emptyTimeoutMs: 1000 }, { media: (key, hooks) => new FakeMedia(key, hooks) });
  tenant = await createTenant(app, { members: 2, facilitators: 1 });
});

test.after.always(async () => {
  await app?.stop();
});

function sql<T extends object>(query: string, bind: unknown[]): Promise<T[]> {
  const db = app.node.infra.database!;
  return db.withTenant(tenant.tenantId, () => db.sequelize.query<T>(query, { bind, type: QueryTypes.SELECT }));
}

const recordings = (dojoId: string) => sql<{ id: string; status: string; error: string | null }>('SELECT id, status, error FROM recordings WHERE dojo_id = $1 ORDER BY started_at', [dojoId]);
const switchedOn = async (dojoId: string) => (await sql<{ recording: boolean }>('SELECT recording FROM dojos WHERE id = $1', [dojoId]))[0]?.recording;

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !(await check());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('media and recording methods reach the media session with the caller role; its pushes reach the room', async (t) => {
  const [fac, member, watcher] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [member], { observers: [watcher] });
  // POST /v1/dojo/start opened the room and its recording before anyone joined.
  const [running] = await recordings(dojoId);
  t.like(running, { status: 'RECORDING' });
  const host = await joined(app, fac, dojoId);
  t.deepEqual(host.reply.data.routerRtpCapabilities, { codecs: [] });
  t.is(host.reply.data.recording, running?.id, 'a joiner is told the room is being recorded');
  const guest = await joined(app, member, dojoId);
  const observer = await joined(app, watcher, dojoId);
  const before = calls.length;
  const produce = { transportId: 't1', kind: 'audio', rtpParameters: {} };
  t.like(await guest.client.request('media.produce', produce), { ok: true, data: { producerId: 'p1' } });
  t.like(await host.client.nextPushOf('media.newProducer'), { userId: member.userId });
  t.like(await observer.client.request('media.produce', produce), { ok: false, error: { code: 'FORBIDDEN', message: 'Observers cannot send media' } });
  t.like(await observer.client.request('media.createTransport', { direction: 'recv' }), { ok: true });
  t.like(await guest.client.request('recording.start', {}), { ok: false, error: { code: 'FORBIDDEN', message: 'Only a facilitator may record' } });
  t.like(await host.client.request('recording.start', {}), { ok: true, data: { recordingId: running?.id } }, 'starting again is fine');
  t.deepEqual(
    calls
      .slice(before)
      .filter((c) => c.dojoId === dojoId)
      .map((c) => [c.method, c.role, c.sessionId, c.userId]),
    [
      ['media.produce', 'participant', guest.sessionId, member.userId],
      ['media.createTransport', 'observer', observer.sessionId, watcher.userId],
      ['recording.start', undefined, undefined, undefined],
    ],
    'each call names the calling session and its user',
  );
  t.like(await host.client.request('recording.stop', {}), { ok: true, data: { recordingId: running?.id } });
  t.like(await recordings(dojoId), [{ id: running?.id, status: 'READY' }]);
  // The same user on a second device: leaving on one closes that session's media only.
  const phone = await joined(app, member, dojoId);
  await guest.client.request('room.leave');
  t.deepEqual(
    removed.filter((r) => r.dojoId === dojoId).map((r) => r.sessionId),
    [guest.sessionId],
  );
  await phone.client.request('room.leave');
  t.deepEqual(
    removed.filter((r) => r.dojoId === dojoId).map((r) => r.sessionId),
    [guest.sessionId, phone.sessionId],
  );
  t.is((await api(app, 'GET', `/v1/dojos/${dojoId}`, fac.token)).status, 200);
  await Promise.all([host.client.close(), guest.client.close(), phone.client.close(), observer.client.close()]);
});

test('whether a dojo records is kept with it: the next activation of its room records (or not) alike; stop ends the recording and marks rows a dead node left', async (t) => {
  const fac = tenant.facilitators[0]!;
  const dojoId = await liveDojo(app, tenant, fac, [tenant.members[0]!]);
  const closes = () => closed.filter((d) => d === dojoId).length;
  const leaveAndClose = async (client: Awaited<ReturnType<typeof joined>>['client']) => {
    const before = closes();
    await client.request('room.leave');
    await client.close();
    await until(() => closes() > before, 'the empty room to close');
  };

  let host = await joined(app, fac, dojoId);
  t.like(await host.client.request('recording.stop', {}), { ok: true });
  t.false(await switchedOn(dojoId));
  await leaveAndClose(host.client);
  host = await joined(app, fac, dojoId);
  t.is(host.reply.data.recording, null, 'stopped by the facilitator: the next activation does not record');

  const started = await host.client.request('recording.start', {});
  t.true(await switchedOn(dojoId));
  await leaveAndClose(host.client);
  t.like(
    (await recordings(dojoId)).find((r) => r.id === started.data.recordingId),
    { status: 'READY' },
    'the idle close finished it',
  );
  host = await joined(app, fac, dojoId);
  t.truthy(host.reply.data.recording, 'the next activation records again');
  t.not(host.reply.data.recording, started.data.recordingId);

  // A recording a node that died left RECORDING: nothing will ever finish it.
  const orphan = randomUUID();
  await sql(`INSERT INTO recordings (id, tenant_id, dojo_id, status, started_at) VALUES ($1, $2, $3, 'RECORDING', now() - interval '1 hour') RETURNING id`, [orphan, tenant.tenantId, dojoId]);
  t.like(await api(app, 'POST', '/v1/dojo/stop', fac.token, { tenant_id: tenant.tenantId, dojo_id: dojoId }), { status: 200 });
  await host.client.nextPushOf('room.closed');
  const rows = await recordings(dojoId);
  t.like(
    rows.find((r) => r.id === host.reply.data.recording),
    { status: 'READY' },
    'stop ended the running recording',
  );
  t.like(
    rows.find((r) => r.id === orphan),
    { status: 'FAILED', error: 'interrupted: the node recording it went away' },
  );
  t.false(rows.some((r) => r.status === 'RECORDING' || r.status === 'UPLOADING'));
  await host.client.close();
});
