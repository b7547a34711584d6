import type { MediaMethod, WsData } from '../../protocol/ws';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import type { RoomMedia } from '../RoomMedia';
import { runMediaMethod } from '../RoomMediaSession';
import type { TransportInfo } from '../types';

/** How a test client sends a media method: typed as the protocol declares it (protocol/ws.ts). */
export type Signal = <M extends MediaMethod>(method: M, data: WsData<M>) => Promise<unknown>;

/** What the dojo room does with a `media.*` frame of a session (joined already). */
export function signalOf(media: RoomMedia, sessionId: string): Signal {
  return (method, data) => runMediaMethod(media, method, sessionId, data);
}

const OPUS = /a=rtpmap:(\d+) opus\/48000\/2/i;

/**
 * A WebRTC client made of werift (pure TypeScript, no browser) talking to a mediasoup
 * WebRtcTransport: the client offers, and the answer is written from the transport's ICE and
 * DTLS parameters, as mediasoup-client's handlers do. Audio (Opus) only.
 */
export class WeriftClient {
  readonly pc = new RTCPeerConnection({});
  transportId = '';
  received = 0;
  #track: MediaStreamTrack | undefined;
  #pt = 0;
  #seq = 0;
  /** What the answer was written from, kept for an ICE restart. */
  #transport: TransportInfo | undefined;
  #remoteDirection: 'recvonly' | 'sendonly' = 'recvonly';
  #ssrc: number | undefined;

  private constructor(readonly signal: Signal) {}

  /** Publishes an Opus track on a send transport; resolves with the producer id once DTLS is up. */
  static async publish(signal: Signal): Promise<{ client: WeriftClient; producerId: string }> {
    const client = new WeriftClient(signal);
    client.#track = new MediaStreamTrack({ kind: 'audio' });
    const transceiver = client.pc.addTransceiver(client.#track, { direction: 'sendonly' });
    const { offer, transport } = await client.#offer('send');
    const { producerId } = (await signal('media.produce', {
      transportId: client.transportId,
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: client.#pt, clockRate: 48000, channels: 2, parameters: {} }],
        encodings: [{ ssrc: transceiver.sender.ssrc }],
        headerExtensions: [],
        rtcp: { cname: 'werift', reducedSize: true },
      },
    })) as { producerId: string };
    await client.#answer(offer, transport, 'recvonly');
    return { client, producerId };
  }

  /** Consumes a producer on a recv transport, counts the RTP packets that arrive, and resumes it. */
  static async subscribe(signal: Signal, producerId: string): Promise<{ client: WeriftClient; consumerId: string }> {
    const client = new WeriftClient(signal);
    const transceiver = client.pc.addTransceiver('audio', { direction: 'recvonly' });
    transceiver.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => client.received++));
    const { offer, transport } = await client.#offer('recv');
    const consumer = (await signal('media.consume', {
      transportId: client.transportId,
      producerId,
      rtpCapabilities: { codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: client.#pt, clockRate: 48000, channels: 2 }], headerExtensions: [] },
    })) as { id: string; rtpParameters: { encodings: Array<{ ssrc: number }> } };
    await client.#answer(offer, transport, 'sendonly', consumer.rtpParameters.encodings[0]?.ssrc);
    await signal('media.resumeConsumer', { consumerId: consumer.id });
    return { client, consumerId: consumer.id };
  }

  /** Sends `count` Opus frames (20 ms of silence each), paced like a microphone. */
  async sendOpus(count: number): Promise<void> {
    if (!this.#track) throw new Error('not a publisher');
    for (let i = 0; i < count; i++) {
      const seq = this.#seq++;
      const header = new RtpHeader({ payloadType: this.#pt, sequenceNumber: seq & 0xffff, timestamp: (seq * 960) >>> 0, marker: seq === 0 });
      this.#track.writeRtp(new RtpPacket(header, Buffer.from([0xf8, 0xff, 0xfe])));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * What mediasoup-client's `transport.restartIce()` does after a network change: new ICE
   * parameters from the server (media.restartIce), an offer with new local credentials, and the
   * answer written from the new parameters; resolves once ICE is connected again.
   */
  async restartIce(): Promise<TransportInfo['iceParameters']> {
    const transport = this.#transport;
    if (!transport) throw new Error('no transport yet');
    const { iceParameters } = (await this.signal('media.restartIce', { transportId: this.transportId })) as { iceParameters: TransportInfo['iceParameters'] };
    this.#transport = { ...transport, iceParameters };
    const restarted = iceConnectedAgain(this.pc);
    const offer = await this.pc.createOffer({ iceRestart: true });
    await this.pc.setLocalDescription(offer);
    const sdp = this.pc.localDescription?.sdp ?? '';
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp(sdp, this.#transport, this.#pt, this.#remoteDirection, this.#ssrc) });
    // werift (0.24) starts ICE checks only while DTLS is down: with DTLS up, as after an ICE
    // restart, its new checks are started here (what a browser does by itself).
    await Promise.all(this.pc.iceTransports.map((ice) => ice.start()));
    await restarted;
    return iceParameters;
  }

  /** The ICE username fragment this client now checks the server with. */
  get remoteIceUsername(): string | undefined {
    return this.pc.iceTransports[0]?.connection.remoteUsername;
  }

  /**
   * Closes the connection. werift sends no DTLS close alert: to the server this client just
   * goes quiet, as a phone that lost its network does.
   */
  async close(): Promise<void> {
    await this.pc.close();
  }

  async #offer(direction: 'send' | 'recv'): Promise<{ offer: string; transport: TransportInfo }> {
    const transport = (await this.signal('media.createTransport', { direction })) as TransportInfo;
    this.transportId = transport.id;
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const sdp = this.pc.localDescription?.sdp ?? '';
    const { pt, fingerprint } = offerFacts(sdp);
    this.#pt = pt;
    // werift answers DTLS as the client (mediasoup's answer below says setup:passive).
    await this.signal('media.connectTransport', { transportId: transport.id, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] } });
    return { offer: sdp, transport };
  }

  async #answer(offer: string, transport: TransportInfo, direction: 'recvonly' | 'sendonly', ssrc?: number): Promise<void> {
    this.#transport = transport;
    this.#remoteDirection = direction;
    this.#ssrc = ssrc;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp(offer, transport, this.#pt, direction, ssrc) });
    await connected(this.pc);
  }
}

/** mediasoup's side of the offer/answer, written from its transport's ICE and DTLS parameters. */
export function answerSdp(offer: string, transport: TransportInfo, pt: number, direction: 'recvonly' | 'sendonly', ssrc?: number): string {
  const mid = /a=mid:(\S+)/.exec(offer)?.[1] ?? '0';
  return sessionAnswer(transport, [{ kind: 'audio', mid, pt, rtpmap: 'opus/48000/2', direction, ssrc }]);
}

/** One m-section of an answer: what mediasoup receives or sends on it. */
export interface AnswerSection {
  kind: 'audio' | 'video';
  mid: string;
  pt: number;
  /** The codec as the rtpmap line names it ("opus/48000/2", "VP8/90000"). */
  rtpmap: string;
  direction: 'recvonly' | 'sendonly';
  /** What mediasoup sends from (a consumer's SSRC), when it sends. */
  ssrc?: number;
  rtcpFeedback?: readonly string[];
  extensions?: ReadonlyArray<{ id: number; uri: string }>;
}

/** An ice-lite answer bundling `sections` on one mediasoup WebRtcTransport. */
export function sessionAnswer(transport: TransportInfo, sections: readonly AnswerSection[]): string {
  const candidates = transport.iceCandidates.filter((c) => c.protocol === 'udp');
  const port = candidates[0]?.port ?? 9;
  const media = sections.flatMap((s) => [
    `m=${s.kind} ${port} UDP/TLS/RTP/SAVPF ${s.pt}`,
    'c=IN IP4 127.0.0.1',
    `a=mid:${s.mid}`,
    `a=${s.direction}`,
    'a=rtcp-mux',
    `a=ice-ufrag:${transport.iceParameters.usernameFragment}`,
    `a=ice-pwd:${transport.iceParameters.password}`,
    ...transport.dtlsParameters.fingerprints.filter((f) => f.algorithm === 'sha-256').map((f) => `a=fingerprint:${f.algorithm} ${f.value}`),
    'a=setup:passive',
    `a=rtpmap:${s.pt} ${s.rtpmap}`,
    ...(s.rtcpFeedback ?? []).map((fb) => `a=rtcp-fb:${s.pt} ${fb}`),
    ...(s.extensions ?? []).map((e) => `a=extmap:${e.id} ${e.uri}`),
    ...(s.ssrc ? [`a=ssrc:${s.ssrc} cname:mediasoup`] : []),
    ...candidates.map((c) => `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address} ${c.port} typ host`),
    'a=end-of-candidates',
  ]);
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=ice-lite', `a=group:BUNDLE ${sections.map((s) => s.mid).join(' ')}`, 'a=msid-semantic: WMS *', ...media, ''].join('\r\n');
}

/** The offer's Opus payload type and DTLS fingerprint (what mediasoup needs from the client). */
export function offerFacts(offer: string): { pt: number; fingerprint: string } {
  return { pt: Number(OPUS.exec(offer)?.[1]), fingerprint: /a=fingerprint:sha-256 (\S+)/.exec(offer)?.[1] ?? '' };
}

/** Resolves once ICE goes through checking and is connected again (after an ICE restart). */
function iceConnectedAgain(pc: RTCPeerConnection, ms = 15_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let checking = false;
    const timer = setTimeout(() => reject(new Error(`werift ICE did not reconnect (${pc.iceConnectionState})`)), ms);
    pc.iceConnectionStateChange.subscribe((state) => {
      if (state === 'checking' || state === 'new') checking = true;
      if (!checking || (state !== 'connected' && state !== 'completed')) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves once ICE and DTLS are up. */
export function connected(pc: RTCPeerConnection, ms = 15_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (pc.connectionState === 'connected') return resolve();
    const timer = setTimeout(() => reject(new Error(`werift did not connect (${pc.connectionState})`)), ms);
    pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected') return;
      clearTimeout(timer);
      resolve();
    });
  });
}
