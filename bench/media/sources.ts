import { existsSync } from 'node:fs';
import path from 'node:path';
import { Child, run } from '../../media/childProcess';
import { OPUS_PARAMETERS, OPUS_SSRC, vp8Parameters, VP8_SSRC } from '../../media/testing/ffmpegSender';

export const PRODUCER_PARAMETERS = { audio: OPUS_PARAMETERS, video: vp8Parameters(1) };

export interface RtpTarget {
  ip: string;
  port: number;
  rtcpPort: number | undefined;
}

/** 20 s of VP8 at ~500 kbps and Opus at 48 kbps, encoded once so senders only copy (`-c copy`). */
export async function prepareClip(ffmpeg: string, dir: string): Promise<string> {
  const clip = path.join(dir, 'clip-vp8-500k-opus.webm');
  if (existsSync(clip)) return clip;
  await run(ffmpeg, [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '20'],
    ...['-c:v', 'libvpx', '-b:v', '500k', '-minrate', '500k', '-maxrate', '500k', '-bufsize', '500k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '60'],
    ...['-c:a', 'libopus', '-b:a', '48k', '-ac', '2'],
    clip,
  ]);
  return clip;
}

/** A publisher: the clip looped in real time, copied into plain RTP towards two comedia PlainTransports. */
export function startPublisher(ffmpeg: string, clip: string, audio: RtpTarget, video: RtpTarget): Child {
  const out = (t: RtpTarget) => `rtp://${t.ip}:${t.port}?rtcpport=${t.rtcpPort ?? t.port}&pkt_size=1200`;
  const pt = (kind: 'audio' | 'video') => String(PRODUCER_PARAMETERS[kind].codecs[0]?.payloadType);
  return new Child(ffmpeg, [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip],
    ...['-map', '0:v', '-c', 'copy', '-f', 'rtp', '-ssrc', String(VP8_SSRC), '-payload_type', pt('video'), out(video)],
    ...['-map', '0:a', '-c', 'copy', '-f', 'rtp', '-ssrc', String(OPUS_SSRC), '-payload_type', pt('audio'), out(audio)],
  ]);
}
