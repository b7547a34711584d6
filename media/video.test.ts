import test from 'ava';
import { resolveFfmpeg } from '../infra/bin/ffmpeg';
import { eventually, ffmpegConfig, newRoomWithParticipants, startPool } from './testing/media';
import { startIngest } from './testing/ffmpegSender';
import { plainReceiver } from './testing/plainReceiver';
import type { RoomMediaEvents } from './types';
import type { WorkerPool } from './WorkerPool';

let pool: WorkerPool;
let ffmpeg: string;

test.before(async () => {
  ffmpeg = resolveFfmpeg(ffmpegConfig());
  pool = await startPool(1);
});

test.after.always(() => pool?.close());

test('ffmpeg sends VP8 and Opus over plain RTP; a subscriber receives both, video with keyframes', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { studio: 'participant', viewer: 'observer' });
  const ingest = await startIngest(media, 'studio', ffmpeg);
  try {
    const video = await plainReceiver(media, 'viewer', ingest.videoProducerId);
    const audio = await plainReceiver(media, 'viewer', ingest.audioProducerId);
    t.is(video.consumer.kind, 'video');
    t.is(video.consumer.rtpParameters.codecs[0]?.mimeType, 'video/VP8');
    t.is(audio.consumer.rtpParameters.codecs[0]?.mimeType, 'audio/opus');
    await eventually(() => video.packets > 30 && audio.packets > 30 && video.keyframes > 0, 15_000, 'video and audio flowing');
    t.pass(`video ${video.packets} packets (${video.keyframes} keyframes), audio ${audio.packets}`);
    video.close();
    audio.close();
  } finally {
    await ingest.ffmpeg.stop();
    await media.close();
  }
});

test('simulcast: the subscriber picks its layers with media.setPreferredLayers and is told when they change', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { studio: 'participant', viewer: 'participant' });
  const ingest = await startIngest(media, 'studio', ffmpeg, 2);
  try {
    const video = await plainReceiver(media, 'viewer', ingest.videoProducerId);
    t.is(video.consumer.type, 'simulcast');
    const layers: Array<RoomMediaEvents['layersChanged'][0]> = [];
    media.on('layersChanged', (event) => layers.push(event));
    const last = () => layers.at(-1);
    await eventually(() => last()?.spatialLayer === 1, 15_000, 'the top layer');
    t.like(last(), { sessionId: 'viewer', consumerId: video.consumer.id });
    await media.setPreferredLayers('viewer', { consumerId: video.consumer.id, spatialLayer: 0, temporalLayer: 0 });
    await eventually(() => last()?.spatialLayer === 0, 15_000, 'the preferred low layer');
    t.like(last(), { sessionId: 'viewer', consumerId: video.consumer.id, spatialLayer: 0 });
    const before = video.packets;
    await eventually(() => video.packets > before + 10, 10_000, 'video still flowing on the low layer');
    video.close();
  } finally {
    await ingest.ffmpeg.stop();
    await media.close();
  }
});
