import type { types } from 'mediasoup';
import type { RoomRole } from '../protocol/auth';
import type { MediaSource } from '../protocol/media';
import type { RecordingResult } from './Recorder';

/**
 * Who calls a media method: the WebSocket session its media belongs to (transports, producers
 * and consumers are the session's, not the user's), its user, and its role in the room.
 */
export interface MediaMember {
  sessionId: string;
  userId: string;
  role: RoomRole;
}

/** media.produce data (already validated against protocol/ws.ts). */
export interface ProduceParams {
  transportId: string;
  kind: types.MediaKind;
  rtpParameters: unknown;
  appData?: { source?: MediaSource; [key: string]: unknown };
}

/** media.consume data. */
export interface ConsumeParams {
  transportId: string;
  producerId: string;
  rtpCapabilities: unknown;
}

/** media.setPreferredLayers data. */
export interface LayersParams {
  consumerId: string;
  spatialLayer: number;
  temporalLayer?: number;
}

/** media.createTransport's reply. */
export interface TransportInfo {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

/** media.consume's reply (DESIGN §6, plus what mediasoup-client also reads). */
export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  type: types.ConsumerType;
  producerPaused: boolean;
}

export interface ProducerInfo {
  producerId: string;
  userId: string;
  kind: types.MediaKind;
  /** What its client said it is (media.produce appData.source); absent when it did not say. */
  source?: MediaSource;
}

/** The dominant speaker: whose audio producer. */
export interface ActiveSpeaker {
  userId: string;
  producerId: string;
}

/**
 * RoomMedia's events: the pushes the room sends. `sessionId` in consumerClosed and layersChanged
 * is the subscriber's session, the only one to tell; the others go to everyone in the room
 * (newProducer may skip its own sender).
 */
export interface RoomMediaEvents {
  /** -> media.newProducer */
  newProducer: [ProducerInfo];
  /** -> media.producerClosed */
  producerClosed: [{ producerId: string; userId: string }];
  /** -> media.consumerClosed, to the subscriber's session only */
  consumerClosed: [{ sessionId: string; consumerId: string; producerId: string }];
  /** -> media.activeSpeaker */
  activeSpeaker: [ActiveSpeaker];
  /** -> media.layersChanged, to the subscriber's session only (null layers: nothing is being sent) */
  layersChanged: [{ sessionId: string; consumerId: string; spatialLayer: number | null; temporalLayer: number | null }];
  /**
   * The worker under the room died and its media was rebuilt on another: every client must
   * create its transports again and re-produce (the room can push room.updated {reason:'media'}).
   */
  reset: [{ reason: 'worker-died'; rtpCapabilities: types.RtpCapabilities }];
  /** A recording finished (by stopRecording or by close) and its file is uploaded (or it failed). */
  recordingStopped: [RecordingResult];
}

/** RoomMedia.createPlainTransport's reply: where to send RTP to (or, without comedia, what sends from). */
export interface PlainTransportInfo {
  id: string;
  ip: string;
  port: number;
  /** Only when rtcpMux is off. */
  rtcpPort: number | undefined;
}
