import { Device, type types } from 'mediasoup-client';

// A dojo client as a web app writes it with mediasoup-client: one WebSocket to the gateway
// (protocol/ws.ts frames), a send and a recv transport, simulcast camera + microphone. The test
// drives it through `window.dojo` (playwright's page.evaluate) and reads what it saw.

interface Push {
  method: string;
  data: Record<string, unknown>;
}

class Signaling {
  readonly pushes: Push[] = [];
  readonly #pending = new Map<number, { resolve(data: unknown): void; reject(error: Error): void }>();
  #nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      const frame = JSON.parse(String(event.data)) as { id?: number; ok?: boolean; data?: unknown; error?: { code: string; message: string }; method?: string };
      if (frame.id !== undefined && this.#pending.has(frame.id)) {
        const pending = this.#pending.get(frame.id);
        this.#pending.delete(frame.id);
        if (frame.ok) pending?.resolve(frame.data);
        else pending?.reject(new Error(`${frame.error?.code}: ${frame.error?.message}`));
      } else if (frame.method) {
        this.pushes.push({ method: frame.method, data: (frame.data ?? {}) as Record<string, unknown> });
      }
    });
  }

  /** Opens the socket (the access token as a subprotocol) and waits for session.welcome. */
  static open(url: string, token: string): Promise<Signaling> {
    return new Promise((resolve, reject) => {
      const signaling = new Signaling(new WebSocket(url, ['pocdojo.v1', token]));
      const check = setInterval(() => {
        if (!signaling.pushes.some((p) => p.method === 'session.welcome')) return;
        clearInterval(check);
        resolve(signaling);
      }, 20);
      signaling.ws.addEventListener('close', (event) => reject(new Error(`socket closed: ${event.code} ${event.reason}`)));
    });
  }

  request<T>(method: string, data: unknown = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (data: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, data }));
    });
  }
}

interface JoinReply {
  routerRtpCapabilities: types.RtpCapabilities;
  producers: Array<{ producerId: string; userId: string; kind: string }>;
}

let signaling: Signaling | undefined;
const device = new Device();
let sendTransport: types.Transport | undefined;
let recvTransport: types.Transport | undefined;
const consumers = new Map<string, { consumer: types.Consumer; element: HTMLMediaElement }>();

function connected(): Signaling {
  if (!signaling) throw new Error('not joined');
  return signaling;
}

async function transport(direction: 'send' | 'recv'): Promise<types.Transport> {
  const s = connected();
  const info = await s.request<types.TransportOptions>('media.createTransport', { direction });
  const t = direction === 'send' ? device.createSendTransport(info) : device.createRecvTransport(info);
  t.on('connect', ({ dtlsParameters }, done, fail) => {
    s.request('media.connectTransport', { transportId: t.id, dtlsParameters }).then(() => done(), fail);
  });
  t.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
    s.request<{ producerId: string }>('media.produce', { transportId: t.id, kind, rtpParameters, appData }).then(({ producerId }) => done({ id: producerId }), fail);
  });
  return t;
}

const dojo = {
  /** Opens the socket, joins the dojo and loads the device with the room's router capabilities. */
  async join(url: string, token: string, dojoId: string): Promise<JoinReply['producers']> {
    signaling = await Signaling.open(url, token);
    const reply = await signaling.request<JoinReply>('room.join', { dojoId });
    if (!device.loaded) await device.load({ routerRtpCapabilities: reply.routerRtpCapabilities });
    return reply.producers;
  },

  /** Camera (three simulcast encodings, lowest first) and microphone, from Chromium's fake devices. */
  async publish(): Promise<{ video: string; audio: string }> {
    sendTransport ??= await transport('send');
    // 960x540: Chromium sends three simulcast layers from that size up (two below it).
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 960, height: 540, frameRate: 15 } });
    const [videoTrack] = stream.getVideoTracks();
    const [audioTrack] = stream.getAudioTracks();
    const video = await sendTransport.produce({
      track: videoTrack,
      encodings: [
        { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
        { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
        { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 900_000 },
      ],
    });
    const audio = await sendTransport.produce({ track: audioTrack });
    return { video: video.id, audio: audio.id };
  },

  /** Consumes a producer into a media element, resumed (consumers start paused). */
  async consume(producerId: string): Promise<{ consumerId: string; kind: string; scalabilityMode: string | undefined }> {
    const s = connected();
    recvTransport ??= await transport('recv');
    const options = await s.request<types.ConsumerOptions>('media.consume', { transportId: recvTransport.id, producerId, rtpCapabilities: device.rtpCapabilities });
    const consumer = await recvTransport.consume(options);
    const element = document.createElement(consumer.kind === 'video' ? 'video' : 'audio');
    element.autoplay = true;
    element.muted = true;
    element.srcObject = new MediaStream([consumer.track]);
    document.body.append(element);
    consumers.set(consumer.id, { consumer, element });
    await s.request('media.resumeConsumer', { consumerId: consumer.id });
    return { consumerId: consumer.id, kind: consumer.kind, scalabilityMode: options.rtpParameters.encodings?.[0]?.scalabilityMode };
  },

  /** What a consumer's track shows: picture size and inbound-rtp counters. */
  async received(consumerId: string): Promise<{ videoWidth: number; videoHeight: number; bytesReceived: number; framesDecoded: number }> {
    const entry = consumers.get(consumerId);
    if (!entry) throw new Error(`no consumer ${consumerId}`);
    let bytesReceived = 0;
    let framesDecoded = 0;
    (await entry.consumer.getStats()).forEach((report: { type: string; bytesReceived?: number; framesDecoded?: number }) => {
      if (report.type !== 'inbound-rtp') return;
      bytesReceived += report.bytesReceived ?? 0;
      framesDecoded += report.framesDecoded ?? 0;
    });
    const video = entry.element instanceof HTMLVideoElement ? entry.element : undefined;
    return { videoWidth: video?.videoWidth ?? 0, videoHeight: video?.videoHeight ?? 0, bytesReceived, framesDecoded };
  },

  /** Any other request on the socket (recording.stop, room.leave, ...). */
  request(method: string, data: unknown = {}): Promise<unknown> {
    return connected().request(method, data);
  },

  /** The pushes of a method received so far. */
  pushes(method: string): Array<Record<string, unknown>> {
    return connected()
      .pushes.filter((p) => p.method === method)
      .map((p) => p.data);
  },
};

export type DojoPage = typeof dojo;
(window as unknown as { dojo: DojoPage }).dojo = dojo;
