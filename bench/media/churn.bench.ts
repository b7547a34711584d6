import { readFileSync } from 'node:fs';
import { runMediaMethod } from '../../media/RoomMediaSession';
import type { RoomMedia } from '../../media/RoomMedia';
import { newRoomWithParticipants, startPool } from '../../media/testing/media';
import type { Row } from '../lib/table';

/** Lets the worker's closing notices arrive (a closed producer's consumers close after it), then collects garbage where allowed (NODE_OPTIONS=--expose-gc). */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  global.gc?.();
}

/** The node's memory (MB): resident, V8's heap used and committed, and outside V8 (Buffers). */
function nodeMemory() {
  const m = process.memoryUsage();
  return { nodeRss: m.rss / 2 ** 20, nodeHeap: m.heapUsed / 2 ** 20, nodeHeapCommitted: m.heapTotal / 2 ** 20, nodeExternal: m.external / 2 ** 20 };
}

/** Resident memory of a process, from /proc (MB). */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

const opus = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });
const vp8 = (ssrc: number) => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [0, 1, 2].map((i) => ({ ssrc: ssrc + i, maxBitrate: [150_000, 500_000, 1_500_000][i] })),
});

/**
 * One reconnect of the publisher as the room sees it: a new WebSocket session publishes audio and
 * simulcast video, every member consumes both, and the previous session departs (what the room
 * does after the departure timeout: RoomMedia.leave of that session).
 */
async function reconnect(media: RoomMedia, n: number, members: readonly string[], recv: Map<string, string>, previous: string | undefined): Promise<string> {
  const session = `publisher-${n}`;
  media.join({ sessionId: session, userId: 'publisher', role: 'participant' });
  const send = (await runMediaMethod(media, 'media.createTransport', session, { direction: 'send' })) as { id: string };
  const producers: string[] = [];
  for (const [kind, rtpParameters] of [
    ['audio', opus(10_000 + n * 10)],
    ['video', vp8(10_000 + n * 10 + 1)],
  ] as const) {
    producers.push(((await runMediaMethod(media, 'media.produce', session, { transportId: send.id, kind, rtpParameters })) as { producerId: string }).producerId);
  }
  const rtpCapabilities = media.rtpCapabilities as unknown as Record<string, unknown>;
  for (const member of members) {
    for (const producerId of producers) await runMediaMethod(media, 'media.consume', member, { transportId: recv.get(member) as string, producerId, rtpCapabilities });
  }
  if (previous) media.leave(previous);
  return session;
}

/**
 * Media churn (issue 14): one publisher reconnects many times in a row in a room of 20; after each
 * reconnect its old session departs. Server objects and memory must come back to where they were
 * (the node's RSS, the mediasoup worker's RSS, the room's transports, producers and consumers).
 * Signaling only, on a real worker: no RTP flows, so the figures are the objects' own cost.
 */
export async function run(options: { reconnects?: number; members?: number } = {}): Promise<Row[]> {
  const reconnects = options.reconnects ?? Number(process.env.CHURN_RECONNECTS ?? 100);
  const members = Array.from({ length: (options.members ?? 20) - 1 }, (_, i) => `member-${i}`);
  const pool = await startPool(1);
  try {
    const { media } = await newRoomWithParticipants(pool, Object.fromEntries(members.map((m) => [m, 'participant' as const])));
    const recv = new Map<string, string>();
    for (const member of members) recv.set(member, ((await runMediaMethod(media, 'media.createTransport', member, { direction: 'recv' })) as { id: string }).id);
    const worker = pool.workers()[0]?.pid as number;
    // Warm-up: ten reconnects, so the first figures are not the runtime's first allocations.
    let session: string | undefined;
    for (let n = 0; n < 10; n++) session = await reconnect(media, n, members, recv, session);
    await settle();
    const before = { ...media.counts(), ...nodeMemory(), workerRss: rssMb(worker) };
    const started = performance.now();
    for (let n = 10; n < 10 + reconnects; n++) session = await reconnect(media, n, members, recv, session);
    const perReconnectMs = (performance.now() - started) / reconnects;
    await settle();
    const after = { ...media.counts(), ...nodeMemory(), workerRss: rssMb(worker) };
    await media.close();
    const row = (what: keyof typeof before, unit = '') => ({
      figure: `${what}${unit}`,
      [`after warm-up`]: Number(before[what].toFixed(1)),
      [`after ${reconnects} more reconnects`]: Number(after[what].toFixed(1)),
      growth: before[what] === 0 ? after[what] - before[what] : `${(((after[what] - before[what]) / before[what]) * 100).toFixed(1)}%`,
    });
    return [
      row('peers'),
      row('transports'),
      row('producers'),
      row('consumers'),
      row('nodeRss', ' MB'),
      row('nodeHeap', ' MB used'),
      row('nodeHeapCommitted', ' MB'),
      row('nodeExternal', ' MB'),
      row('workerRss', ' MB'),
      { figure: 'ms per reconnect (2 producers, 38 consumers)', [`after ${reconnects} more reconnects`]: Number(perReconnectMs.toFixed(2)) },
    ];
  } finally {
    await pool.close();
  }
}
