import type { types } from 'mediasoup-client';
import type { MediaSource } from './mediaTypes';

// How each source is sent. Video goes out as simulcast (lowest layer first): the server's
// layer selector (media/LayerSelector.ts) then gives each viewer the layer its bandwidth, its
// number of tiles and its `setPreferredLayers` allow, without asking the sender for anything.

export interface SendSettings {
  encodings?: types.RtpEncodingParameters[];
  codecOptions?: types.ProducerCodecOptions;
  /** What getUserMedia / getDisplayMedia is asked for when the SDK captures the source itself. */
  constraints: Record<string, unknown>;
}

export const SEND_SETTINGS: Record<MediaSource, SendSettings> = {
  // Three layers: a thumbnail, a tile, a spotlight. Chromium sends three layers from 960x540 up
  // (two below), so the camera is asked for that size.
  camera: {
    encodings: [
      { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
      { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
      { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 900_000 },
    ],
    codecOptions: { videoGoogleStartBitrate: 1000 },
    constraints: { video: { width: { ideal: 960 }, height: { ideal: 540 }, frameRate: { ideal: 24 } } },
  },
  // Code on a shared screen must stay legible: two layers at a low frame rate, the top one at full size.
  screen: {
    encodings: [
      { rid: 'r0', scaleResolutionDownBy: 2, maxBitrate: 500_000, maxFramerate: 5 },
      { rid: 'r1', scaleResolutionDownBy: 1, maxBitrate: 1_500_000, maxFramerate: 10 },
    ],
    constraints: { video: { frameRate: { max: 10 } }, audio: false },
  },
  // Opus with in-band FEC and DTX: speech survives some loss and silence costs nearly nothing.
  microphone: {
    codecOptions: { opusStereo: false, opusFec: true, opusDtx: true },
    constraints: { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } },
  },
};
