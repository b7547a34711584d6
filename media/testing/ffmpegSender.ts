import { Child } from '../childProcess';
import type { RoomMedia } from '../RoomMedia';

export const OPUS_SSRC = 11111111;
export const VP8_SSRC = 22222222;
const OPUS_PT = 100;
const VP8_PT = 101;

export const OPUS_PARAMETERS = {
  codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 } }],
  encodings: [{ ssrc: OPUS_SSRC }],
};

/** VP8 in `layers` simulcast encodings (same picture, one SSRC each), with their nominal bitrates. */
export function vp8Parameters(layers = 1) {
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000 }],
    encodings: Array.from({ length: layers }, (_, i) => ({ ssrc: VP8_SSRC + i, maxBitrate: 150_000 * (i + 1) })),
  };
}

export interface Ingest {
  audioProducerId: string;
  videoProducerId: string;
  ffmpeg: Child;
}

/**
 * A server-side sender in the room: ffmpeg encodes a test picture (VP8) and tone (Opus) and
 * sends them as plain RTP into two PlainTransports (comedia: mediasoup learns ffmpeg's ports
 * from the first packets). With `simulcastLayers` > 1 the same VP8 stream goes out under one
 * SSRC per layer, from one local port, as a simulcast producer.
 */
export async function startIngest(media: RoomMedia, sessionId: string, ffmpeg: string, simulcastLayers = 1, seconds = 60): Promise<Ingest> {
  const audio = await media.createPlainTransport(sessionId, 'send', { comedia: true, rtcpMux: false });
  const video = await media.createPlainTransport(sessionId, 'send', { comedia: true, rtcpMux: simulcastLayers > 1 });
  const { producerId: audioProducerId } = await media.produce(sessionId, { transportId: audio.id, kind: 'audio', rtpParameters: OPUS_PARAMETERS });
  const { producerId: videoProducerId } = await media.produce(sessionId, { transportId: video.id, kind: 'video', rtpParameters: vp8Parameters(simulcastLayers) });
  const videoOut =
    simulcastLayers > 1
      ? ['-f', 'tee', tee(video.port, simulcastLayers)]
      : ['-f', 'rtp', '-ssrc', String(VP8_SSRC), '-payload_type', String(VP8_PT), `rtp://${video.ip}:${video.port}?rtcpport=${video.rtcpPort ?? video.port}&pkt_size=1200`];
  const child = new Child(ffmpeg, [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'],
    ...['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=15:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`],
    ...['-map', '0:v', '-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '15', '-keyint_min', '15'],
    ...videoOut,
    ...['-map', '1:a', '-c:a', 'libopus', '-b:a', '48k', '-ac', '2', '-f', 'rtp', '-ssrc', String(OPUS_SSRC), '-payload_type', String(OPUS_PT)],
    `rtp://${audio.ip}:${audio.port}?rtcpport=${audio.rtcpPort}&pkt_size=1200`,
  ]);
  return { audioProducerId, videoProducerId, ffmpeg: child };
}

// One RTP muxer per layer, all bound to the same local port (reuse) so comedia accepts them all.
function tee(port: number, layers: number): string {
  const localPort = 30000 + Math.floor(Math.random() * 2000) * 2;
  return Array.from({ length: layers }, (_, i) => `[f=rtp:ssrc=${VP8_SSRC + i}:payload_type=${VP8_PT}]udp://127.0.0.1:${port}?localport=${localPort}&reuse=1&pkt_size=1200`).join('|');
}
