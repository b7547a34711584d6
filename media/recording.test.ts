import test from 'ava';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { types } from 'mediasoup';
import { silentLogger } from '../infra/logger';
import { createObjectStore, type ObjectStore } from '../infra/storage';
import { tempDataDir } from '../test/support/dirs';
import { run } from './childProcess';
import { MediaUnavailableError } from './errors';
import { resolveFfmpeg, resolveFfprobe } from '../infra/bin/ffmpeg';
import { runMediaMethod } from './RoomMediaSession';
import { recordingObjectKey, type RecorderSettings } from './Recorder';
import { eventually, ffmpegConfig, newRoomWithParticipants, startPool } from './testing/media';
import { startIngest } from './testing/ffmpegSender';
import { WeriftClient } from './testing/werift';
import type { WorkerPool } from './WorkerPool';

let pool: WorkerPool;
let store: ObjectStore;
let data: Awaited<ReturnType<typeof tempDataDir>>;
let settings: RecorderSettings;

test.before(async () => {
  data = await tempDataDir();
  pool = await startPool(1);
  // The embedded S3 server (the test never needs a real S3 for a round trip through presigned URLs).
  store = await createObjectStore({ bucket: 'pocdojo-test', region: 'us-east-1', dataDir: data.path, logger: silentLogger });
  settings = { objectStore: store, ffmpeg: ffmpegConfig(), workDir: path.join(data.path, 'recordings') };
});

test.after.always(async () => {
  pool?.close();
  await store?.close();
  await data?.remove();
});

interface Probe {
  streams: Array<{ codec_type: string; codec_name: string }>;
  format: { duration: string; format_name: string };
}

async function probe(url: string): Promise<Probe> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`download failed: ${response.status}`);
  const file = path.join(data.path, `${randomUUID()}.webm`);
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
  const out = await run(resolveFfprobe(ffmpegConfig()), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  return JSON.parse(out) as Probe;
}

/**
 * Recording consumers the pool's worker creates from now on. Their packet counts tell when media
 * reaches a recording: a fixed wait was too short on a busy machine (the tracks' ffmpegs were
 * still starting when the room closed, and the recording came out empty).
 */
function recordingConsumers(): types.Consumer[] {
  const found: types.Consumer[] = [];
  pool.workers()[0]?.observer.on('newrouter', (router) =>
    router.observer.on('newtransport', (transport) =>
      transport.observer.on('newconsumer', (consumer) => {
        if (consumer.appData.recording) found.push(consumer);
      }),
    ),
  );
  return found;
}

async function mediaReaches(consumers: types.Consumer[], producerIds: string[]): Promise<void> {
  await eventually(
    async () => {
      const mine = consumers.filter((c) => producerIds.includes(c.producerId) && !c.closed);
      if (mine.length < producerIds.length) return false;
      const stats = await Promise.all(mine.map((c) => c.getStats().catch(() => [])));
      return stats.every((s) => s.some((stat) => stat.type === 'outbound-rtp' && stat.packetCount > 0));
    },
    20_000,
    'media reaching every recording track',
  );
}

test('a recording takes the producers present and those that come later, survives a participant leaving, and uploads a WebM ffprobe reads', async (t) => {
  const consumers = recordingConsumers();
  const { media } = await newRoomWithParticipants(pool, { studio: 'participant', alice: 'participant', host: 'facilitator' }, { recording: settings });
  const target = { recordingId: randomUUID(), tenantId: randomUUID(), dojoId: randomUUID() };
  const ingest = await startIngest(media, 'studio', resolveFfmpeg(ffmpegConfig()));
  try {
    t.deepEqual(await media.startRecording(target), { recordingId: target.recordingId, started: true });
    t.deepEqual(await media.startRecording({ ...target, recordingId: randomUUID() }), { recordingId: target.recordingId, started: false }, 'starting twice is fine');
    t.is(media.recordingId, target.recordingId);
    // Two plain transports per recorded producer appear as the tracks start.
    await eventually(() => media.counts().transports === 2, 1000, 'ingest transports');

    // A producer that appears after the start is recorded too.
    const { client: alice } = await WeriftClient.publish((m, d) => runMediaMethod(media, m, 'alice', d));
    await alice.sendOpus(100);
    media.leave('alice');
    await alice.close();
    // The studio's tracks must have media before the stop (on a loaded machine the video
    // track's ffmpeg was still starting after a fixed wait and the recording had no video).
    await mediaReaches(consumers, [ingest.audioProducerId, ingest.videoProducerId]);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const stopping = media.stopRecording();
    const again = media.stopRecording();
    const result = await stopping;
    t.is(await again, result, 'stopping twice gives the same result');
    t.is(media.recordingId, undefined);
    t.is(result?.error, undefined);
    t.like(result, { recordingId: target.recordingId, objectKey: recordingObjectKey(target), mimeType: 'video/webm', audioStreams: 1, videoStreams: 1, tracks: 3 });
    t.true((result?.sizeBytes ?? 0) > 10_000, `size ${result?.sizeBytes}`);
    t.true((result?.durationMs ?? 0) > 2000, `duration ${result?.durationMs}`);
    t.is(result?.objectKey, `dojos/${target.tenantId}/${target.dojoId}/recordings/${target.recordingId}.webm`);

    const probed = await probe(await store.presignGet(result?.objectKey as string, 60));
    t.deepEqual(probed.streams.map((s) => `${s.codec_type}/${s.codec_name}`).sort(), ['audio/opus', 'video/vp8']);
    t.regex(probed.format.format_name, /webm/);
    t.true(Number(probed.format.duration) > 2, `duration ${probed.format.duration}`);
    t.deepEqual(await media.stopRecording(), result, 'stopping after the end is still fine');
  } finally {
    await ingest.ffmpeg.stop();
    await media.close();
  }
});

test('a recording with nothing to record ends without a file; room close finishes a running recording', async (t) => {
  const consumers = recordingConsumers();
  const { media } = await newRoomWithParticipants(pool, { host: 'facilitator' }, { recording: settings });
  await media.startRecording({ recordingId: randomUUID(), tenantId: randomUUID(), dojoId: randomUUID() });
  const empty = await media.stopRecording();
  t.like(empty, { objectKey: null, sizeBytes: 0, audioStreams: 0, videoStreams: 0 });
  t.regex(empty?.error ?? '', /nothing was recorded/);

  const ingest = await startIngest(media, 'host', resolveFfmpeg(ffmpegConfig()));
  const target = { recordingId: randomUUID(), tenantId: randomUUID(), dojoId: randomUUID() };
  await media.startRecording(target);
  await mediaReaches(consumers, [ingest.audioProducerId, ingest.videoProducerId]);
  const stopped = new Promise<unknown>((resolve) => media.once('recordingStopped', resolve));
  await media.close();
  await ingest.ffmpeg.stop();
  t.like(await stopped, { recordingId: target.recordingId, objectKey: recordingObjectKey(target), videoStreams: 1, audioStreams: 1 });
  t.truthy(await store.head(recordingObjectKey(target)));
});

test('without recorder settings, recording is refused as unavailable', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { host: 'facilitator' });
  await t.throwsAsync(media.startRecording({ recordingId: randomUUID(), tenantId: randomUUID(), dojoId: randomUUID() }), { message: /not available/ });
  t.is(await media.stopRecording(), null);
  await media.close();
});

test('without ffmpeg, recording is refused as unavailable (a client error, not a fault)', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { host: 'facilitator' }, { recording: { ...settings, ffmpeg: { ffmpegBin: path.join(data.path, 'no-ffmpeg') } } });
  const error = await t.throwsAsync(media.startRecording({ recordingId: randomUUID(), tenantId: randomUUID(), dojoId: randomUUID() }), { instanceOf: MediaUnavailableError });
  t.regex(error?.message ?? '', /not available on this node: FFMPEG_BIN=/);
  t.is(media.recordingId, undefined);
  await media.close();
});
