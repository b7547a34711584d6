import dgram from 'node:dgram';
import type { RoomMedia } from '../RoomMedia';
import type { ConsumerInfo } from '../types';

export interface PlainReceiver {
  consumer: ConsumerInfo;
  /** RTP packets received (RTCP left out). */
  packets: number;
  /** VP8 payloads that start a keyframe. */
  keyframes: number;
  close(): void;
}

/** A subscriber on a plain transport: a UDP socket that counts the consumer's RTP packets. */
export async function plainReceiver(media: RoomMedia, sessionId: string, producerId: string): Promise<PlainReceiver> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const transport = await media.createPlainTransport(sessionId, 'recv', { rtcpMux: true });
  await media.connectPlainTransport(sessionId, transport.id, { ip: '127.0.0.1', port: socket.address().port });
  const consumer = await media.consume(sessionId, { transportId: transport.id, producerId, rtpCapabilities: media.rtpCapabilities });
  const receiver: PlainReceiver = { consumer, packets: 0, keyframes: 0, close: () => socket.close() };
  const pt = consumer.rtpParameters.codecs[0]?.payloadType;
  socket.on('message', (packet) => {
    if (packet.length < 12 || ((packet[1] as number) & 0x7f) !== pt) return;
    receiver.packets++;
    if (consumer.kind === 'video' && isVp8KeyframeStart(packet)) receiver.keyframes++;
  });
  await media.resumeConsumer(sessionId, consumer.id);
  return receiver;
}

/** RFC 7741: the VP8 payload descriptor, then a payload header whose P bit is 0 on keyframes. */
function isVp8KeyframeStart(packet: Buffer): boolean {
  const csrcs = (packet[0] as number) & 0x0f;
  let offset = 12 + csrcs * 4;
  if ((packet[0] as number) & 0x10) offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  const first = packet[offset] as number;
  if (!(first & 0x10) || (first & 0x07) !== 0) return false;
  offset++;
  if (first & 0x80) {
    const ext = packet[offset++] as number;
    if (ext & 0x80) offset += (packet[offset] as number) & 0x80 ? 2 : 1;
    if (ext & 0x40) offset++;
    if (ext & 0x30) offset++;
  }
  return ((packet[offset] as number) & 0x01) === 0;
}
