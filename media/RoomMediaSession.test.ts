import test from 'ava';
import path from 'node:path';
import type { MediaSession } from '../actors/dojo-room/MediaSession';
import { silentLogger } from '../infra/logger';
import { createObjectStore } from '../infra/storage';
import { tempDataDir } from '../test/support/dirs';
import type { RecordingResult } from './Recorder';
import { RoomMediaSession } from './RoomMediaSession';
import { eventually, ffmpegConfig, rtcWindow, startPool } from './testing/media';
import { WeriftClient } from './testing/werift';

test('the dojo room drives media through the session: requests in, pushes out, recording rows written', async (t) => {
  const pool = await startPool(1);
  const data = await tempDataDir();
  const store = await createObjectStore({ bucket: 'pocdojo-test', region: 'us-east-1', dataDir: data.path, logger: silentLogger });
  t.teardown(async () => {
    pool.close();
    await store.close();
    await data.remove();
  });
  const pushes: Array<{ method: string; data: unknown; to?: string }> = [];
  const rows: { started: string[]; finished: RecordingResult[] } = { started: [], finished: [] };
  const key = { tenantId: 'tenant-1', dojoId: 'dojo-1' };
  const session = new RoomMediaSession(
    key,
    { pool, rtc: rtcWindow(), logger: silentLogger, recording: { objectStore: store, ffmpeg: ffmpegConfig(), workDir: path.join(data.path, 'rec') } },
    {
      push: (method, data, to) => pushes.push({ method, data, to }),
      recordingStarted: async (id) => void rows.started.push(id),
      recordingFinished: async (result) => void rows.finished.push(result),
    },
  );
  // It fills the dojo room's seam as it is.
  const seam: MediaSession = session;
  await session.ready();
  t.truthy(seam.routerRtpCapabilities());

  const { client: alice, producerId } = await WeriftClient.publish((m, d) => session.handle(m, 'alice', d));
  t.deepEqual(pushes.at(-1), { method: 'media.newProducer', data: { producerId, userId: 'alice', kind: 'audio' }, to: undefined });
  t.deepEqual(session.producers(), [{ producerId, userId: 'alice', kind: 'audio' }]);
  const { client: bob, consumerId } = await WeriftClient.subscribe((m, d) => session.handle(m, 'bob', d, 'observer'), producerId);

  const first = (await session.handle('recording.start', 'alice', {})) as { recordingId: string };
  t.deepEqual(await session.handle('recording.start', 'alice', {}), first, 'idempotent');
  t.deepEqual(rows.started, [first.recordingId]);
  await alice.sendOpus(100);
  t.deepEqual(await session.handle('recording.stop', 'alice', {}), { recordingId: first.recordingId });
  t.deepEqual(await session.handle('recording.stop', 'alice', {}), { recordingId: null }, 'stopping twice is fine');
  await eventually(() => rows.finished.length === 1, 20_000, 'the recording row update');
  t.like(rows.finished[0], { recordingId: first.recordingId, mimeType: 'audio/webm', audioStreams: 1, videoStreams: 0 });

  await session.handle('media.closeProducer', 'alice', { producerId });
  // The subscriber hears of it when the worker reports the closed producer to its consumer.
  await eventually(() => pushes.some((p) => p.method === 'media.consumerClosed'), 5000, 'consumerClosed');
  t.deepEqual(
    pushes.filter((p) => p.method !== 'media.activeSpeaker').map((p) => [p.method, p.to]),
    [
      ['media.newProducer', undefined],
      ['recording.started', undefined],
      ['recording.stopped', undefined],
      ['media.producerClosed', undefined],
      ['media.consumerClosed', 'bob'],
    ],
  );
  t.deepEqual(pushes.find((p) => p.method === 'media.consumerClosed')?.data, { consumerId, producerId });
  await seam.removeUser('alice');
  await seam.removeUser('bob');
  await Promise.all([alice.close(), bob.close()]);
  await seam.close();
  await seam.close();
});
