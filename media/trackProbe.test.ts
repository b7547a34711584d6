import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../infra/logger';
import { resolveFfmpeg, resolveFfprobe } from '../infra/bin/ffmpeg';
import { tempDataDir } from '../test/support/dirs';
import { run } from './childProcess';
import { mixPlan } from './recordingMix';
import type { TrackFile } from './RecordingTrack';
import { ffmpegConfig } from './testing/media';
import { usableTracks } from './trackProbe';

// The mix step of a recording with real ffmpeg: track files as RecordingTrack leaves them
// (Matroska, Opus / VP8), one of them cut inside its header like the file of a track that
// started just before the stop.

let data: Awaited<ReturnType<typeof tempDataDir>>;
let ffmpeg: string;
let ffprobe: string;
let audio: TrackFile;
let video: TrackFile;
let truncated: TrackFile;

test.before(async () => {
  data = await tempDataDir();
  ffmpeg = resolveFfmpeg(ffmpegConfig());
  ffprobe = resolveFfprobe(ffmpegConfig());
  const file = (name: string) => path.join(data.path, name);
  const quiet = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  await run(ffmpeg, [...quiet, '-f', 'lavfi', '-i', 'sine=f=440:d=3', '-c:a', 'libopus', '-f', 'matroska', file('001-audio.mkv')]);
  await run(ffmpeg, [...quiet, '-f', 'lavfi', '-i', 'testsrc=s=160x120:d=3:r=15', '-c:v', 'libvpx', '-b:v', '200k', '-f', 'matroska', file('002-video.mkv')]);
  await writeFile(file('003-audio.mkv'), (await readFile(file('001-audio.mkv'))).subarray(0, 300));
  audio = { file: file('001-audio.mkv'), kind: 'audio', mimeType: 'audio/opus', userId: 'a', offsetMs: 0 };
  video = { file: file('002-video.mkv'), kind: 'video', mimeType: 'video/VP8', userId: 'a', offsetMs: 0 };
  truncated = { file: file('003-audio.mkv'), kind: 'audio', mimeType: 'audio/opus', userId: 'b', offsetMs: 2500 };
});

test.after.always(async () => {
  await data?.remove();
});

function capturingLogger(): { logger: Logger; warnings: unknown[] } {
  const warnings: unknown[] = [];
  const logger: Logger = { info() {}, debug() {}, error() {}, warn: (obj) => void warnings.push(obj) };
  return { logger, warnings };
}

test('a truncated track file fails the whole mix when it is kept', async (t) => {
  const plan = mixPlan([audio, video, truncated], path.join(data.path, 'all.webm'));
  await t.throwsAsync(run(ffmpeg, plan.args));
});

test('a truncated track file is left out (and logged); the good tracks are mixed into a WebM', async (t) => {
  const { logger, warnings } = capturingLogger();
  const usable = await usableTracks([audio, video, truncated], ffprobe, logger, 'rec-1');
  t.deepEqual(
    usable.map((u) => u.file),
    [audio.file, video.file],
  );
  t.is(warnings.length, 1);
  t.like(warnings[0], { recordingId: 'rec-1', file: truncated.file, userId: 'b' });

  const output = path.join(data.path, 'good.webm');
  const plan = mixPlan(usable, output);
  await run(ffmpeg, plan.args);
  const probed = JSON.parse(await run(ffprobe, ['-v', 'error', '-show_streams', '-of', 'json', output])) as { streams: Array<{ codec_type: string; codec_name: string }> };
  t.deepEqual(probed.streams.map((s) => `${s.codec_type}/${s.codec_name}`).sort(), ['audio/opus', 'video/vp8']);
});

test('a file without a stream of its kind is left out; without ffprobe every file is kept', async (t) => {
  const { logger, warnings } = capturingLogger();
  const mislabelled: TrackFile = { ...audio, kind: 'video', mimeType: 'video/VP8' };
  t.deepEqual(await usableTracks([mislabelled, truncated], ffprobe, logger, 'rec-2'), []);
  t.is(warnings.length, 2);
  t.deepEqual(await usableTracks([audio, truncated], undefined, logger, 'rec-3'), [audio, truncated]);
});
