import { createSocket, type Socket } from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, RtpPacket, useNACK, usePLI, useTransportWideCC, useTWCC, useVP8 } from 'werift';
import { Child } from '../childProcess';
import type { TransportInfo } from '../types';
import { connected, sessionAnswer, type Signal } from './werift';

/** One simulcast encoding: its rid, picture size and the bitrate it is encoded at (and announced with). */
export interface SimulcastLayer {
  rid: string;
  width: number;
  height: number;
  bitrate: number;
}

/**
 * Three layers as a browser sends a 640x360 camera (scaleResolutionDownBy 4, 2, 1). Not larger:
 * ffmpeg encodes all three live, on machines (CI's included) with two cores to share.
 */
export const THREE_LAYERS: readonly SimulcastLayer[] = [
  { rid: 'q', width: 160, height: 90, bitrate: 80_000 },
  { rid: 'h', width: 320, height: 180, bitrate: 200_000 },
  { rid: 'f', width: 640, height: 360, bitrate: 600_000 },
];

const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const TCC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const FPS = 15;
const KEYFRAME_INTERVAL = 8;

/** What a client takes from `room.join`'s routerRtpCapabilities. */
export interface RouterCapabilities {
  codecs?: Array<{ kind: string; mimeType: string; preferredPayloadType?: number }>;
  headerExtensions?: Array<{ kind: string; uri: string; preferredId: number }>;
}

interface ConsumerReply {
  id: string;
  rtpParameters: { codecs: Array<{ payloadType: number }>; encodings: Array<{ ssrc: number }>; headerExtensions?: Array<{ id: number; uri: string }> };
}

/**
 * A VP8 simulcast publisher over WebRTC, as a browser publishes a camera with three encodings
 * (rids). werift cannot encode, and its sender sends one SSRC and no rid of its own: ffmpeg
 * encodes the layers (a test picture at each size) as plain RTP to local sockets, and each
 * layer goes out on a sendonly transceiver of its own, every packet tagged with its layer's
 * rid, which is how mediasoup tells the layers apart (no MID is negotiated, so the three
 * m-sections land in one producer).
 */
export class SimulcastPublisher {
  readonly pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', codecs: { video: [useVP8()] }, headerExtensions: { video: [] } });
  readonly #sockets: Socket[] = [];
  #ffmpeg: Child | undefined;
  producerId = '';
  transportId = '';
  /** RTP packets sent so far, per layer (lowest first). */
  readonly sent: number[];

  private constructor(readonly layers: readonly SimulcastLayer[]) {
    this.sent = layers.map(() => 0);
  }

  static async publish(signal: Signal, ffmpeg: string, capabilities: RouterCapabilities, layers = THREE_LAYERS, seconds = 120): Promise<SimulcastPublisher> {
    const client = new SimulcastPublisher(layers);
    const tracks = layers.map(() => new MediaStreamTrack({ kind: 'video' }));
    for (const track of tracks) client.pc.addTransceiver(track, { direction: 'sendonly' });
    const { offer, transport } = await open(client.pc, signal, 'send');
    client.transportId = transport.id;
    const pt = payloadType(offer, 'VP8/90000');
    const ridId = capabilities.headerExtensions?.find((e) => e.kind === 'video' && e.uri === RID_URI)?.preferredId ?? 10;
    const { producerId } = (await signal('media.produce', {
      transportId: transport.id,
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: pt, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
        headerExtensions: [{ uri: RID_URI, id: ridId }],
        encodings: layers.map((l) => ({ rid: l.rid, maxBitrate: l.bitrate })),
        rtcp: { cname: 'werift-simulcast', reducedSize: true },
      },
    })) as { producerId: string };
    client.producerId = producerId;
    const mids = [...offer.matchAll(/a=mid:(\S+)/g)].map((m) => m[1] as string);
    await client.pc.setRemoteDescription({
      type: 'answer',
      sdp: sessionAnswer(
        transport,
        mids.map((mid) => ({ kind: 'video', mid, pt, rtpmap: 'VP8/90000', direction: 'recvonly', rtcpFeedback: ['nack', 'nack pli'] })),
      ),
    });
    await connected(client.pc);
    const ports = await Promise.all(
      layers.map((layer, i) =>
        client.#listen((packet) => {
          packet.header.extensions = [{ id: ridId, payload: Buffer.from(layer.rid) }];
          (tracks[i] as MediaStreamTrack).writeRtp(packet);
          client.sent[i]++;
        }),
      ),
    );
    client.#ffmpeg = new Child(ffmpeg, encodeLayers(layers, ports, seconds));
    return client;
  }

  /** What ffmpeg said if it stopped early (it runs for the whole test otherwise). */
  async ffmpegError(): Promise<string | undefined> {
    const ffmpeg = this.#ffmpeg;
    if (!ffmpeg || ffmpeg.running) return undefined;
    return (await ffmpeg.exited).stderr;
  }

  async close(): Promise<void> {
    await this.#ffmpeg?.stop(2000);
    for (const socket of this.#sockets) socket.close();
    await this.pc.close();
  }

  /** A local port taking one layer's RTP from ffmpeg (its RTCP, on the same port, is dropped). */
  #listen(onRtp: (packet: RtpPacket) => void): Promise<number> {
    const socket = createSocket('udp4');
    this.#sockets.push(socket);
    socket.on('message', (buf) => {
      // RTCP packet types 200-204 sit where RTP has its marker bit and payload type (101 or 229).
      const type = buf[1] as number;
      if (buf.length < 12 || (type >= 200 && type <= 204)) return;
      onRtp(RtpPacket.deSerialize(buf));
    });
    return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
  }
}

/** ffmpeg: one test picture scaled to every layer's size, each VP8 at its bitrate, as RTP to its port. */
function encodeLayers(layers: readonly SimulcastLayer[], ports: readonly number[], seconds: number): string[] {
  const top = layers.at(-1) as SimulcastLayer;
  const split = `[0:v]split=${layers.length}${layers.map((_, i) => `[s${i}]`).join('')};${layers.map((l, i) => `[s${i}]scale=${l.width}:${l.height}[v${i}]`).join(';')}`;
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${top.width}x${top.height}:rate=${FPS}:duration=${seconds}`, '-filter_complex', split],
    ...layers.flatMap((l, i) => {
      const rate = `${Math.round(l.bitrate / 1000)}k`;
      return [
        ...['-map', `[v${i}]`, '-c:v', 'libvpx', '-b:v', rate, '-maxrate', rate, '-bufsize', rate, '-deadline', 'realtime', '-cpu-used', '8'],
        // A keyframe every half second: mediasoup switches layers on a keyframe of the new layer,
        // and this sender cannot answer its PLI (a browser encodes one at once).
        ...['-g', String(KEYFRAME_INTERVAL), '-keyint_min', String(KEYFRAME_INTERVAL), '-f', 'rtp', '-payload_type', '101'],
        `rtp://127.0.0.1:${ports[i]}?rtcpport=${ports[i]}&pkt_size=1100`,
      ];
    }),
  ];
}

/** A decoded VP8 keyframe's picture size. */
export interface FrameSize {
  width: number;
  height: number;
}

/**
 * A WebRTC subscriber of one video producer (werift, recvonly): it negotiates transport-wide
 * congestion control, as browsers do, so mediasoup estimates its bandwidth and picks layers by
 * it. It counts the RTP packets of its consumer and reads the picture size of every keyframe.
 */
export class VideoSubscriber {
  readonly pc: RTCPeerConnection;
  received = 0;
  readonly keyframes: FrameSize[] = [];
  consumerId = '';
  transportId = '';

  private constructor(vp8: number) {
    this.pc = new RTCPeerConnection({ codecs: { video: [useVP8({ payloadType: vp8, rtcpFeedback: [useNACK(), usePLI(), useTWCC()] })] }, headerExtensions: { video: [useTransportWideCC()] } });
  }

  static async subscribe(signal: Signal, producerId: string, capabilities: RouterCapabilities): Promise<VideoSubscriber> {
    // The router's payload type and extension id: a consumer sends with those.
    const vp8 = capabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8')?.preferredPayloadType ?? 101;
    const tcc = capabilities.headerExtensions?.find((e) => e.kind === 'video' && e.uri === TCC_URI)?.preferredId ?? 5;
    const client = new VideoSubscriber(vp8);
    const transceiver = client.pc.addTransceiver('video', { direction: 'recvonly' });
    transceiver.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe((packet) => {
        client.received++;
        const size = vp8KeyframeSize(packet.payload);
        if (size) client.keyframes.push(size);
      }),
    );
    const { offer, transport } = await open(client.pc, signal, 'recv');
    client.transportId = transport.id;
    const consumer = (await signal('media.consume', {
      transportId: transport.id,
      producerId,
      rtpCapabilities: {
        codecs: [{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: vp8, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'transport-cc' }] }],
        headerExtensions: [{ kind: 'video', uri: TCC_URI, preferredId: tcc, direction: 'sendrecv' }],
      },
    })) as ConsumerReply;
    client.consumerId = consumer.id;
    const mid = /a=mid:(\S+)/.exec(offer)?.[1] ?? '0';
    const { codecs, encodings, headerExtensions } = consumer.rtpParameters;
    const section = {
      kind: 'video' as const,
      mid,
      pt: codecs[0]?.payloadType ?? vp8,
      rtpmap: 'VP8/90000',
      direction: 'sendonly' as const,
      ssrc: encodings[0]?.ssrc,
      rtcpFeedback: ['nack', 'nack pli', 'transport-cc'],
      extensions: headerExtensions ?? [],
    };
    await client.pc.setRemoteDescription({ type: 'answer', sdp: sessionAnswer(transport, [section]) });
    await connected(client.pc);
    await signal('media.resumeConsumer', { consumerId: consumer.id });
    return client;
  }

  /** The size of the last keyframe received. */
  get lastKeyframe(): FrameSize | undefined {
    return this.keyframes.at(-1);
  }

  async close(): Promise<void> {
    await this.pc.close();
  }
}

/** A transport of `direction`, the client's offer, and its DTLS fingerprint handed to mediasoup. */
async function open(pc: RTCPeerConnection, signal: Signal, direction: 'send' | 'recv'): Promise<{ offer: string; transport: TransportInfo }> {
  const transport = (await signal('media.createTransport', { direction })) as TransportInfo;
  await pc.setLocalDescription(await pc.createOffer());
  const offer = pc.localDescription?.sdp ?? '';
  const fingerprint = /a=fingerprint:sha-256 (\S+)/.exec(offer)?.[1] ?? '';
  await signal('media.connectTransport', { transportId: transport.id, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] } });
  return { offer, transport };
}

function payloadType(offer: string, rtpmap: string): number {
  const pt = new RegExp(`a=rtpmap:(\\d+) ${rtpmap}`, 'i').exec(offer)?.[1];
  if (!pt) throw new Error(`the offer has no ${rtpmap}`);
  return Number(pt);
}

/**
 * The picture size of a VP8 keyframe starting in this RTP payload (RFC 7741 payload
 * descriptor, then the VP8 frame header of RFC 6386 9.1), or undefined.
 */
export function vp8KeyframeSize(payload: Buffer): FrameSize | undefined {
  if (payload.length < 1) return undefined;
  const first = payload[0] as number;
  const start = (first & 0x10) !== 0 && (first & 0x07) === 0;
  if (!start) return undefined;
  let offset = 1;
  if (first & 0x80) {
    const ext = payload[offset++] ?? 0;
    if (ext & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (ext & 0x40) offset += 1; // TL0PICIDX
    if (ext & 0x30) offset += 1; // TID / KEYIDX
  }
  const frame = payload.subarray(offset);
  const keyframe = frame.length >= 10 && ((frame[0] as number) & 0x01) === 0 && frame[3] === 0x9d && frame[4] === 0x01 && frame[5] === 0x2a;
  if (!keyframe) return undefined;
  return { width: frame.readUInt16LE(6) & 0x3fff, height: frame.readUInt16LE(8) & 0x3fff };
}
