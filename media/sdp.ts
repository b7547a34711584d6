import type { types } from 'mediasoup';

/**
 * The SDP an ffmpeg receiver reads to take one consumer's plain RTP: its codec, payload type
 * and the local ports it must listen on (RTP, and RTCP on the next port).
 */
export function receiverSdp(rtpParameters: types.RtpParameters, kind: types.MediaKind, ip: string, rtpPort: number, rtcpPort: number): string {
  const codec = rtpParameters.codecs[0];
  if (!codec) throw new Error('consumer has no codec');
  const family = ip.includes(':') ? 'IP6' : 'IP4';
  const [, name] = codec.mimeType.split('/');
  const encoding = codec.channels && codec.channels > 1 ? `${name}/${codec.clockRate}/${codec.channels}` : `${name}/${codec.clockRate}`;
  const fmtp = Object.entries(codec.parameters ?? {})
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
  return [
    'v=0',
    `o=- 0 0 IN ${family} ${ip}`,
    's=pocdojo recording',
    `c=IN ${family} ${ip}`,
    't=0 0',
    `m=${kind} ${rtpPort} RTP/AVP ${codec.payloadType}`,
    `a=rtcp:${rtcpPort}`,
    `a=rtpmap:${codec.payloadType} ${encoding}`,
    ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    'a=recvonly',
    '',
  ].join('\r\n');
}
