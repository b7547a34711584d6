import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { Logger } from '../infra/logger';
import { Child } from './childProcess';
import { receiverSdp } from './sdp';
import { freeUdpPair, isUdpPortTaken, sendBye } from './udpPorts';

export interface TrackFile {
  file: string;
  kind: types.MediaKind;
  mimeType: string;
  userId: string;
  /** When its first packet arrived, from the recording's start (ms): where it sits in the mix. */
  offsetMs: number;
}

export interface TrackOptions {
  router: types.Router;
  producer: types.Producer;
  userId: string;
  /** Where the track's .sdp and .mkv go. */
  dir: string;
  name: string;
  ffmpeg: string;
  /** The recording's start (epoch ms). */
  startedAt: number;
  /** Port range for the PlainTransport (the RTC range). */
  portRange: { min: number; max: number };
  logger: Logger;
}

const LOOPBACK = '127.0.0.1';
const BIND_WAIT_MS = 5000;
const PROBE_SECONDS = 1;
const BYE_WAIT_MS = 3000;
/** Video keyframes asked for after the start: ffmpeg needs one to learn the picture size, and may miss the first. */
const KEYFRAME_RETRIES_MS = [500, 1500, 3000];

/**
 * One producer recorded to its own file: a PlainTransport consumer sends plain RTP on loopback
 * to an ffmpeg that copies it, without transcoding, into a Matroska file. It ends when the
 * recording stops or its source goes (the producer closes, the participant leaves, the router
 * closes); the file keeps what was received.
 */
export class RecordingTrack {
  readonly #transport: types.PlainTransport;
  readonly #consumer: types.Consumer;
  readonly #child: Child;
  readonly #file: string;
  readonly #rtcpPort: number;
  #firstPacketAt: number | undefined;
  #ended: Promise<TrackFile | undefined> | undefined;
  #timers: NodeJS.Timeout[] = [];

  private constructor(
    readonly options: TrackOptions,
    transport: types.PlainTransport,
    consumer: types.Consumer,
    child: Child,
    file: string,
    rtcpPort: number,
  ) {
    this.#rtcpPort = rtcpPort;
    this.#transport = transport;
    this.#consumer = consumer;
    this.#child = child;
    this.#file = file;
  }

  /** Starts the track; resolves once ffmpeg listens and the consumer sends. Retries when a port was taken. */
  static async start(options: TrackOptions): Promise<RecordingTrack> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await RecordingTrack.#tryStart(options);
      } catch (error) {
        if (attempt >= 3 || options.producer.closed || options.router.closed) throw error;
        options.logger.warn({ err: error, attempt }, 'recording track failed to start; retrying');
      }
    }
  }

  static async #tryStart(options: TrackOptions): Promise<RecordingTrack> {
    const { router, producer } = options;
    const { rtpPort, rtcpPort } = await freeUdpPair(LOOPBACK);
    // rtcpMux off and comedia off: ffmpeg's RTP demuxer listens on two ports and never sends first.
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: LOOPBACK, portRange: options.portRange }, rtcpMux: false, comedia: false, appData: { recording: true } });
    try {
      await transport.connect({ ip: LOOPBACK, port: rtpPort, rtcpPort });
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true, appData: { recording: true } });
      const sdpFile = path.join(options.dir, `${options.name}.sdp`);
      const file = path.join(options.dir, `${options.name}.mkv`);
      await writeFile(sdpFile, receiverSdp(consumer.rtpParameters, consumer.kind, LOOPBACK, rtpPort, rtcpPort));
      const child = new Child(options.ffmpeg, [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
        // Probing stops after PROBE_SECONDS of media (ffmpeg's 5 s default would lose short recordings).
        ...['-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-analyzeduration', String(PROBE_SECONDS * 1e6), '-f', 'sdp', '-i', sdpFile],
        ...['-map', '0', '-c', 'copy', '-f', 'matroska', file],
      ]);
      const track = new RecordingTrack(options, transport, consumer, child, file, rtcpPort);
      await track.#listening(rtpPort);
      await track.#flow();
      return track;
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get producerId(): string {
    return this.options.producer.id;
  }

  /** Stops ffmpeg gently (it finishes the file) and closes the transport. Safe to call twice. */
  end(): Promise<TrackFile | undefined> {
    this.#ended ??= this.#finish();
    return this.#ended;
  }

  async #finish(): Promise<TrackFile | undefined> {
    for (const timer of this.#timers) clearTimeout(timer);
    // Stopped while ffmpeg still probes its input: let it open the file first, or what it holds is lost.
    if (this.#firstPacketAt !== undefined) await this.#fileStarted(PROBE_SECONDS * 3000);
    // An RTCP BYE ends ffmpeg's RTP input like an end of file, so it finishes the file normally.
    // SIGINT alone does not do when the source has gone quiet: ffmpeg stays blocked on the read
    // until the next packet, and a second signal aborts the file's trailer.
    await sendBye(this.#rtcpPort, this.#consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0);
    if (!(await this.#child.exitsWithin(BYE_WAIT_MS))) this.options.logger.warn({ producerId: this.producerId }, 'ffmpeg ignored RTCP BYE; interrupting it');
    const exit = await this.#child.stop();
    this.#transport.close();
    const size = await stat(this.#file).then(
      (s) => s.size,
      () => 0,
    );
    if (size === 0 || this.#firstPacketAt === undefined) {
      this.options.logger.debug({ producerId: this.producerId, code: exit.code, stderr: exit.stderr.slice(-300) }, 'recording track has no media');
      return undefined;
    }
    const { kind, rtpParameters } = this.#consumer;
    const mimeType = rtpParameters.codecs[0]?.mimeType ?? '';
    return { file: this.#file, kind, mimeType, userId: this.options.userId, offsetMs: this.#firstPacketAt - this.options.startedAt };
  }

  async #fileStarted(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.#child.running && Date.now() < deadline) {
      if (
        (await stat(this.#file).then(
          (s) => s.size,
          () => 0,
        )) > 0
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits until ffmpeg holds the RTP port, so the first packets are not sent into nothing. */
  async #listening(rtpPort: number): Promise<void> {
    const deadline = Date.now() + BIND_WAIT_MS;
    while (!(await isUdpPortTaken(LOOPBACK, rtpPort))) {
      if (!this.#child.running) {
        const exit = await this.#child.exited;
        throw new Error(`ffmpeg exited before listening (${exit.code ?? exit.signal}): ${exit.stderr.trim().slice(-300)}`);
      }
      if (Date.now() > deadline) {
        await this.#child.stop(1000);
        throw new Error(`ffmpeg did not listen on ${rtpPort} within ${BIND_WAIT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async #flow(): Promise<void> {
    const consumer = this.#consumer;
    // The first packet's arrival places the track in the mix; one trace event is all it takes.
    consumer.on('trace', (trace) => {
      if (trace.type !== 'rtp' || this.#firstPacketAt !== undefined) return;
      this.#firstPacketAt = Date.now();
      void consumer.enableTraceEvent([]).catch(() => undefined);
    });
    await consumer.enableTraceEvent(['rtp']);
    consumer.once('producerclose', () => void this.end());
    consumer.once('transportclose', () => void this.end());
    this.#child.exited.then(
      () => void this.end(),
      () => undefined,
    );
    await consumer.resume();
    if (consumer.kind === 'video') {
      this.#timers = KEYFRAME_RETRIES_MS.map((ms) => setTimeout(() => void consumer.requestKeyFrame().catch(() => undefined), ms));
    }
  }
}
