import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { QueryTypes } from 'sequelize';
import { run } from '../../media/childProcess';
import { resolveFfprobe } from '../../infra/bin/ffmpeg';
import { eventually } from '../../media/testing/media';
import { WeriftClient } from '../../media/testing/werift';
import { authed, createTenant, type TestTenant } from '../../test/support/accounts';
import type { TestNode } from '../../test/support/node';
import { api, joined, liveDojo, startMediaNode, wsSignal } from './testing';

// The real app as nodes register it, media included (startMediaNode: WebRTC ports in a window of its own).
let app: TestNode;
let tenant: TestTenant;
let stranger: TestTenant;
const open: Array<{ close(): unknown }> = [];

test.before(async () => {
  app = await startMediaNode();
  [tenant, stranger] = await Promise.all([createTenant(app, { members: 3, facilitators: 1 }), createTenant(app, { members: 1 })]);
});

test.after.always(async () => {
  await Promise.all(open.map(async (o) => o.close()));
  await app?.stop();
});

interface RecordingRow {
  id: string;
  status: string;
  object_key: string | null;
  mime_type: string | null;
  error: string | null;
}

function recordings(dojoId: string): Promise<RecordingRow[]> {
  const db = app.node.infra.database!;
  return db.withTenant(tenant.tenantId, () =>
    db.sequelize.query<RecordingRow>('SELECT id, status, object_key, mime_type, error FROM recordings WHERE dojo_id = $1 ORDER BY started_at', { bind: [dojoId], type: QueryTypes.SELECT }),
  );
}

/** Stops the dojo and waits for its recording to be finished (uploaded, or failed). */
async function stopAndFinish(dojoId: string, token: string): Promise<RecordingRow[]> {
  const stopped = await api(app, 'POST', '/v1/dojo/stop', token, { tenant_id: tenant.tenantId, dojo_id: dojoId });
  if (stopped.status !== 200) throw new Error(`stop failed: ${stopped.status}`);
  let rows: RecordingRow[] = [];
  await eventually(
    async () => {
      rows = await recordings(dojoId);
      return rows.length > 0 && rows.every((r) => r.status === 'READY' || r.status === 'FAILED');
    },
    30_000,
    'the recording to be finished',
  );
  return rows;
}

const recordingOf = (dojoId: string, token: string) => fetch(`${app.url}/v1/dojos/${dojoId}/recording`, { headers: authed(token), redirect: 'manual' });

test('over the real app a member publishes Opus, an observer receives it and cannot produce; stop ends the recording, which downloads as a WebM with audio', async (t) => {
  const [fac, speaker, watcher] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[1]!];
  const dojoId = await liveDojo(app, tenant, fac, [speaker], { observers: [watcher] });
  const host = await joined(app, fac, dojoId);
  open.push(host.client);
  t.like(host.reply.data.routerRtpCapabilities, { codecs: [{ mimeType: 'audio/opus' }] });
  t.truthy(host.reply.data.recording, 'start began recording the session');
  t.true(
    Object.keys(require.cache).some((file) => file.includes(`${path.sep}node_modules${path.sep}mediasoup${path.sep}`)),
    'mediasoup is loaded on a media node',
  );
  const early = await recordingOf(dojoId, fac.token);
  t.is(early.status, 409);
  const conflict = (await early.json()) as { error: { code: string; message: string } };
  t.is(conflict.error.code, 'CONFLICT');
  t.regex(conflict.error.message, /still being recorded/);

  const sender = await joined(app, speaker, dojoId);
  open.push(sender.client);
  // The client says what it sends (appData.source): a value outside the enum is refused, naming the field.
  const unknownSource = await sender.client.request('media.produce', { transportId: 'any', kind: 'audio', rtpParameters: {}, appData: { source: 'mic' } });
  t.like(unknownSource, { ok: false, error: { code: 'VALIDATION_ERROR', fields: [{ field: 'data.appData.source' }] } });
  const signal = wsSignal(sender.client);
  const { client: publisher, producerId } = await WeriftClient.publish((method, data) => signal(method, method === 'media.produce' ? { ...data, appData: { source: 'microphone' } } : data));
  open.push(publisher);
  t.like(await host.client.nextPushOf('media.newProducer'), { producerId, userId: speaker.userId, kind: 'audio', source: 'microphone' });

  const observer = await joined(app, watcher, dojoId);
  open.push(observer.client);
  t.deepEqual(observer.reply.data.producers, [{ producerId, userId: speaker.userId, kind: 'audio', source: 'microphone' }]);
  const { client: receiver } = await WeriftClient.subscribe(wsSignal(observer.client), producerId);
  open.push(receiver);
  await publisher.sendOpus(100);
  await eventually(() => receiver.received > 0, 10_000, 'Opus packets at the observer');
  t.true(receiver.received > 0);

  const refused = await observer.client.request('media.produce', { transportId: receiver.transportId, kind: 'audio', rtpParameters: { codecs: [], encodings: [] } });
  t.like(refused, { ok: false, error: { code: 'FORBIDDEN' } });
  t.like(await observer.client.request('ping'), { ok: true });
  t.is(observer.client.closed, undefined);

  // The speaker leaves before the end: what it sent stays in the recording.
  t.like(await sender.client.request('room.leave'), { ok: true });
  await host.client.nextPushOf('participant.left', (d) => d.userId === speaker.userId);
  const rows = await stopAndFinish(dojoId, fac.token);
  await host.client.nextPushOf('room.closed');
  const [row] = rows;
  t.like(rows, [{ status: 'READY', mime_type: 'audio/webm', object_key: `dojos/${tenant.tenantId}/${dojoId}/recordings/${row?.id}.webm` }]);

  // Any member of the dojo downloads it through a pre-signed link; ffprobe reads an audio stream.
  const redirect = await recordingOf(dojoId, watcher.token);
  t.is(redirect.status, 302);
  const file = await fetch(redirect.headers.get('location') ?? '');
  t.is(file.status, 200);
  const saved = path.join(app.dataDir, `${randomUUID()}.webm`);
  await writeFile(saved, Buffer.from(await file.arrayBuffer()));
  const probe = JSON.parse(await run(resolveFfprobe(app.node.infra.config), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', saved])) as {
    streams: Array<{ codec_type: string; codec_name: string }>;
    format: { format_name: string };
  };
  t.regex(probe.format.format_name, /webm/);
  t.deepEqual(
    probe.streams.map((s) => `${s.codec_type}/${s.codec_name}`),
    ['audio/opus'],
  );
});

test('a session nobody sent media in leaves a row saying there is no file, and no recording to download; other tenants and non-members get none either', async (t) => {
  const [fac, member, outsider] = [tenant.facilitators[0]!, tenant.members[0]!, tenant.members[2]!];
  const dojoId = await liveDojo(app, tenant, fac, [member]);
  const host = await joined(app, fac, dojoId);
  open.push(host.client);
  const rows = await stopAndFinish(dojoId, fac.token);
  t.like(rows, [{ status: 'FAILED', object_key: null }]);
  t.regex(rows[0]?.error ?? '', /nothing was recorded/);
  const none = await recordingOf(dojoId, fac.token);
  t.is(none.status, 404);
  t.like(await none.json(), { error: { code: 'NOT_FOUND' } });
  t.is((await recordingOf(dojoId, outsider.token)).status, 403);
  t.is((await recordingOf(dojoId, stranger.admin.token)).status, 404);
  t.is((await recordingOf(randomUUID(), fac.token)).status, 404);
  t.is((await recordingOf('not-a-uuid', fac.token)).status, 422);
});
