import type { types } from 'mediasoup';
import type { Config } from '../config';

export type RtcSettings = Config['rtc'];

/**
 * The codecs every room router offers. Opus keeps payload type 96 because werift (the test
 * client) offers it there and refuses a consumer that sends it back under another number. VP8
 * for browsers and werift; H264 baseline for mobile hardware encoders.
 */
export const DEFAULT_MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 96 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** Where transports listen: RTC_LISTEN_IP, announced as RTC_ANNOUNCED_IP, ports in RTC_MIN_PORT..RTC_MAX_PORT. */
export function listenInfo(rtc: RtcSettings, protocol: 'udp' | 'tcp'): types.TransportListenInfo {
  return {
    protocol,
    ip: rtc.listenIp,
    ...(rtc.announcedIp ? { announcedAddress: rtc.announcedIp } : {}),
    portRange: { min: rtc.minPort, max: rtc.maxPort },
  };
}

export interface TransportTuning {
  /** Also listen on TCP for clients whose network drops UDP (one more port per transport). */
  tcp: boolean;
  /** Starting estimate of a recv transport's bandwidth (bps), before congestion control measures it. */
  initialAvailableOutgoingBitrate: number;
  /** Cap on what one client may send (bps) on a send transport. */
  maxIncomingBitrate: number;
  /** Seconds without the client's ICE consent checks before sending stops and ICE says disconnected (0: never). */
  iceConsentTimeout: number;
  /** How long ICE may stay disconnected before the transport is closed (MEDIA_ICE_DISCONNECT_GRACE_MS). */
  iceDisconnectGraceMs: number;
}

export const DEFAULT_TRANSPORT_TUNING: TransportTuning = {
  tcp: true,
  initialAvailableOutgoingBitrate: 1_000_000,
  maxIncomingBitrate: 3_000_000,
  iceConsentTimeout: 30,
  iceDisconnectGraceMs: 15_000,
};

export function webRtcTransportOptions(rtc: RtcSettings, tuning: TransportTuning, appData: types.AppData): types.WebRtcTransportOptions {
  return {
    listenInfos: tuning.tcp ? [listenInfo(rtc, 'udp'), listenInfo(rtc, 'tcp')] : [listenInfo(rtc, 'udp')],
    enableUdp: true,
    enableTcp: tuning.tcp,
    preferUdp: true,
    initialAvailableOutgoingBitrate: tuning.initialAvailableOutgoingBitrate,
    iceConsentTimeout: tuning.iceConsentTimeout,
    appData,
  };
}
