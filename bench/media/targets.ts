import type { types } from 'mediasoup';
import type { Config } from '../../config';
import { silentLogger } from '../../infra/logger';
import { observeWorker } from '../../media/observe';
import { RoomMedia } from '../../media/RoomMedia';
import { DEFAULT_MEDIA_CODECS, listenInfo, type RtcSettings } from '../../media/rtc';
import type { ProduceParams } from '../../media/types';
import { loadMediasoup } from '../../media/workerBinary';
import { WorkerPool } from '../../media/WorkerPool';
import type { ClientHost } from './clients';
import { PRODUCER_PARAMETERS, type RtpTarget } from './sources';

export type TransportKind = 'plain' | 'webrtc';

/** One router under load: where publishers send, and where subscribers are added. */
export interface Target {
  readonly path: string;
  readonly workerPid: number;
  /** Two comedia PlainTransports with a producer each (Opus, VP8); where ffmpeg must send. */
  addPublisher(index: number): Promise<{ audio: RtpTarget; video: RtpTarget }>;
  /** A subscriber's transport, connected to its remote end in `host`; the returned call consumes every producer. */
  addSubscriber(kind: TransportKind, host: ClientHost): Promise<() => Promise<number>>;
  /** What the worker sends out, over every transport (bps). */
  forwardedBps(): Promise<number>;
  close(): Promise<void>;
}

type Settings = Pick<Config, 'mediasoupWorkerBin'>;

/** Live transports of a worker, for the bitrate read after each step. */
function transportsOf(worker: types.Worker): Set<types.Transport> {
  const live = new Set<types.Transport>();
  observeWorker(worker, { transport: (t, delta) => (delta > 0 ? live.add(t) : live.delete(t)) });
  return live;
}

async function sendBitrate(transports: Iterable<types.Transport>): Promise<number> {
  const stats = await Promise.all([...transports].map((t) => t.getStats() as Promise<Array<{ sendBitrate: number }>>));
  return stats.flat().reduce((sum, s) => sum + s.sendBitrate, 0);
}

const tuple = (t: types.PlainTransport): RtpTarget => ({ ip: t.tuple.localAddress, port: t.tuple.localPort, rtcpPort: t.rtcpTuple?.localPort });

/** The baseline: mediasoup alone, a router and transports made straight from its API. */
export async function bareTarget(settings: Settings, rtc: RtcSettings): Promise<Target> {
  const worker = await loadMediasoup(settings).createWorker({ logLevel: 'none' });
  const transports = transportsOf(worker);
  const router = await worker.createRouter({ mediaCodecs: DEFAULT_MEDIA_CODECS });
  const producers: string[] = [];
  const ingest = async (kind: 'audio' | 'video') => {
    const transport = await router.createPlainTransport({ listenInfo: listenInfo(rtc, 'udp'), rtcpMux: false, comedia: true });
    producers.push((await transport.produce({ kind, rtpParameters: PRODUCER_PARAMETERS[kind] as types.RtpParameters })).id);
    return tuple(transport);
  };
  return {
    path: 'bare mediasoup',
    workerPid: worker.pid,
    addPublisher: async () => ({ audio: await ingest('audio'), video: await ingest('video') }),
    async addSubscriber(kind, host) {
      let transport: types.Transport;
      if (kind === 'plain') {
        const plain = await router.createPlainTransport({ listenInfo: listenInfo(rtc, 'udp'), rtcpMux: true, comedia: false });
        await plain.connect({ ip: '127.0.0.1', port: await host.sink() });
        transport = plain;
      } else {
        const webrtc = await router.createWebRtcTransport({ listenInfos: [listenInfo(rtc, 'udp')], iceConsentTimeout: 0 });
        const { id, iceParameters, iceCandidates, dtlsParameters } = webrtc;
        await host.connect({ id, iceParameters, iceCandidates, dtlsParameters }, (remote) => webrtc.connect({ dtlsParameters: remote }));
        transport = webrtc;
      }
      return async () => {
        for (const producerId of producers) await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities });
        return producers.length;
      };
    },
    forwardedBps: () => sendBitrate(transports),
    async close() {
      worker.close();
    },
  };
}

/**
 * The project's path: a WorkerPool of one worker and a RoomMedia, every transport, producer
 * and consumer made through RoomMedia's methods (the ones the signaling methods call). Piping
 * is off (one worker is what is measured); ICE consent is off because the remote ends are
 * stopped once connected.
 */
export async function appTarget(settings: Settings, rtc: RtcSettings): Promise<Target> {
  const pool = await WorkerPool.start({ config: { mediasoupWorkers: 1, mediasoupWorkerBin: settings.mediasoupWorkerBin }, logger: silentLogger });
  const worker = pool.workers()[0] as types.Worker;
  const transports = transportsOf(worker);
  const media = await RoomMedia.create({ roomId: 'bench', pool, rtc, logger: silentLogger, pipeThreshold: Number.MAX_SAFE_INTEGER, tuning: { iceConsentTimeout: 0 } });
  const producers: string[] = [];
  let subscribers = 0;
  const ingest = async (userId: string, kind: 'audio' | 'video') => {
    const info = await media.createPlainTransport(userId, 'send', { comedia: true, rtcpMux: false });
    producers.push((await media.produce(userId, { transportId: info.id, kind, rtpParameters: PRODUCER_PARAMETERS[kind] } satisfies ProduceParams)).producerId);
    return { ip: info.ip, port: info.port, rtcpPort: info.rtcpPort };
  };
  return {
    path: 'pocdojo media',
    workerPid: worker.pid,
    async addPublisher(index) {
      const userId = `publisher-${index}`;
      media.join({ sessionId: userId, userId, role: 'participant' });
      return { audio: await ingest(userId, 'audio'), video: await ingest(userId, 'video') };
    },
    async addSubscriber(kind, host) {
      const userId = `subscriber-${++subscribers}`;
      media.join({ sessionId: userId, userId, role: 'participant' });
      let transportId: string;
      if (kind === 'plain') {
        transportId = (await media.createPlainTransport(userId, 'recv', { rtcpMux: true })).id;
        await media.connectPlainTransport(userId, transportId, { ip: '127.0.0.1', port: await host.sink() });
      } else {
        const info = await media.createTransport(userId, 'recv');
        transportId = info.id;
        await host.connect(info, (dtlsParameters) => media.connectTransport(userId, info.id, dtlsParameters));
      }
      return async () => {
        for (const producerId of producers) {
          const consumer = await media.consume(userId, { transportId, producerId, rtpCapabilities: media.rtpCapabilities });
          await media.resumeConsumer(userId, consumer.id);
        }
        return producers.length;
      };
    },
    forwardedBps: () => sendBitrate(transports),
    async close() {
      await media.close();
      pool.close();
    },
  };
}
