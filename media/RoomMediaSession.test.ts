import test from 'ava';
import path from 'node:path';
import type { MediaSessionFactory } from './MediaSession';
import { silentLogger } from '../infra/logger';
import { createObjectStore, type ObjectStore } from '../infra/storage';
import { tempDataDir } from '../test/support/dirs';
import type { RecordingResult } from './Recorder';
import { RoomMediaSession } from './RoomMediaSession';
import { eventually, ffmpegConfig, rtcWindow, startPool } from './testing/media';
import { WeriftClient } from './testing/werift';
import type { WorkerPool } from './WorkerPool';

let pool: WorkerPool;
let store: ObjectStore;
let data: Awaited<ReturnType<typeof tempDataDir>>;
// Everything a test opens, closed in after.always: a failed assertion must not leave a worker,
// a werift socket or a session holding the process open ("Failed to exit").
const open: Array<{ close(): unknown }> = [];

test.before(async () => {
  data = await tempDataDir();
  pool = await startPool(1);
  store = await createObjectStore({ bucket: 'pocdojo-test', region: 'us-east-1', dataDir: data.path, logger: silentLogger });
});

test.after.always(async () => {
  await Promise.all(open.map(async (o) => o.close()));
  pool?.close();
  await store?.close();
  await data?.remove();
});

test('the dojo room drives media through the session: requests in, pushes out, recording rows written', async (t) => {
  const pushes: Array<{ method: string; data: unknown; to?: string }> = [];
  const rows: { started: string[]; stopped: string[]; finished: RecordingResult[] } = { started: [], stopped: [], finished: [] };
  const key = { tenantId: 'tenant-1', dojoId: 'dojo-1' };
  const deps = { pool, rtc: rtcWindow(), logger: silentLogger, recording: { objectStore: store, ffmpeg: ffmpegConfig(), workDir: path.join(data.path, 'rec') } };
  // The factory the dojo room takes (createDojoRoomService's settings.media).
  const factory: MediaSessionFactory = (roomKey, hooks) => new RoomMediaSession(roomKey, deps, hooks);
  const session = factory(key, {
    push: (method, data, to) => void pushes.push({ method, data, to }),
    recordingStarted: async (id) => void rows.started.push(id),
    recordingStopped: async (id) => void rows.stopped.push(id),
    recordingFinished: async (result) => void rows.finished.push(result as RecordingResult),
  });
  open.push(session);
  await session.ready?.();
  t.truthy(session.routerRtpCapabilities());

  // Media is per WebSocket session: the room names the calling session, its user and role.
  const aliceMember = { sessionId: 'alice-phone', userId: 'alice', role: 'participant' } as const;
  const bobMember = { sessionId: 'bob-laptop', userId: 'bob', role: 'observer' } as const;
  const { client: alice, producerId } = await WeriftClient.publish((m, d) => session.handle(m, aliceMember, d));
  open.push(alice);
  // Not the last push: the active speaker observer may already have spoken after it.
  t.deepEqual(
    pushes.find((p) => p.method === 'media.newProducer'),
    { method: 'media.newProducer', data: { producerId, userId: 'alice', kind: 'audio' }, to: undefined },
  );
  t.deepEqual(session.producers(), [{ producerId, userId: 'alice', kind: 'audio' }]);
  const { client: bob, consumerId } = await WeriftClient.subscribe((m, d) => session.handle(m, bobMember, d), producerId);
  open.push(bob);

  const first = (await session.startRecording()) as { recordingId: string };
  t.deepEqual(await session.startRecording(), first, 'idempotent');
  t.deepEqual(rows.started, [first.recordingId]);
  t.is(session.recordingId(), first.recordingId);
  await alice.sendOpus(100);
  t.deepEqual(await session.stopRecording(), { recordingId: first.recordingId });
  t.deepEqual(rows.stopped, [first.recordingId], 'the row says UPLOADING before the reply');
  t.is(session.recordingId(), null);
  t.deepEqual(await session.stopRecording(), { recordingId: null }, 'stopping twice is fine');
  await eventually(() => rows.finished.length === 1, 20_000, 'the recording row update');
  t.like(rows.finished[0], { recordingId: first.recordingId, mimeType: 'audio/webm', audioStreams: 1, videoStreams: 0 });

  await session.handle('media.closeProducer', aliceMember, { producerId });
  // The subscriber hears of it when the worker reports the closed producer to its consumer.
  await eventually(() => pushes.some((p) => p.method === 'media.consumerClosed'), 5000, 'consumerClosed');
  t.deepEqual(
    pushes.filter((p) => p.method !== 'media.activeSpeaker').map((p) => [p.method, p.to]),
    [
      ['media.newProducer', undefined],
      ['recording.started', undefined],
      ['recording.stopped', undefined],
      ['media.producerClosed', undefined],
      ['media.consumerClosed', 'bob-laptop'],
    ],
  );
  t.deepEqual(pushes.find((p) => p.method === 'media.consumerClosed')?.data, { consumerId, producerId });
  await session.removeSession('alice-phone');
  await session.removeSession('bob-laptop');
  await Promise.all([alice.close(), bob.close()]);
  await session.close();
  await session.close();
});
