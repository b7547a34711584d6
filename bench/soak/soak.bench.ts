import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { tempDataDir } from '../../test/support/dirs';
import { deleteQueueStreams } from '../../test/support/nats';
import type { ServiceName } from '../../config';
import { memoryEnv } from '../../deploy/memory';
import { startBenchProcess, type BenchProcess } from '../dojo/spawn';
import type { Row } from '../lib/table';
import { LoadHost } from './loadHost';
import { resolveMetricsUrl, sampleNode, type NodeSample } from './metrics';
import { emptyCounts } from './plan';
import { nodeRows, progressLine, trafficRows } from './report';
import type { SoakReady } from './server';

export interface SoakOptions {
  /** Measured minutes after the warm-up: 30 by default; `--minutes N` or SOAK_MINUTES for shorter runs. */
  minutes?: number;
  warmupSeconds?: number;
  /** Seconds between scrapes; each event-loop p99 covers one such interval. */
  sampleSeconds?: number;
  /** The soak node's metrics; by default its operations port when it has one, else its gateway port. */
  metricsUrl?: string;
  sockets?: number;
  rooms?: number;
  chatPerRoom?: number;
  editsPerRoom?: number;
  restPerSecond?: number;
  /** An idle node of the same build beside the soak node, sampled at the same times (the baseline). */
  idleBaseline?: boolean;
  /**
   * What the nodes host: by default the actors the traffic reaches. Media, render and jobs get
   * none of it; `--services` adds them to soak their idle timers and sweeps too.
   */
  services?: string;
  /** Start the nodes with their role's memory settings (deploy/memory.ts), as production does: on by default. */
  memorySettings?: boolean;
}

const TENANTS = 5;

function options(given: SoakOptions): Required<Omit<SoakOptions, 'metricsUrl'>> & { metricsUrl?: string } {
  const number = { type: 'string' } as const;
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      minutes: number,
      'warmup-seconds': number,
      'sample-seconds': number,
      'metrics-url': number,
      sockets: number,
      rooms: number,
      'chat-per-room': number,
      'edits-per-room': number,
      'rest-per-second': number,
      services: number,
      'no-idle': { type: 'boolean' },
      'no-memory-settings': { type: 'boolean' },
    },
    strict: false,
    allowPositionals: true,
  });
  const arg = (name: string, fallback: number) => Number(values[name] ?? fallback);
  return {
    minutes: given.minutes ?? arg('minutes', Number(process.env.SOAK_MINUTES ?? 30)),
    warmupSeconds: given.warmupSeconds ?? arg('warmup-seconds', 60),
    sampleSeconds: given.sampleSeconds ?? arg('sample-seconds', 10),
    metricsUrl: given.metricsUrl ?? (values['metrics-url'] as string | undefined),
    sockets: given.sockets ?? arg('sockets', 1_000),
    rooms: given.rooms ?? arg('rooms', 50),
    chatPerRoom: given.chatPerRoom ?? arg('chat-per-room', 1),
    editsPerRoom: given.editsPerRoom ?? arg('edits-per-room', 2),
    restPerSecond: given.restPerSecond ?? arg('rest-per-second', 25),
    idleBaseline: given.idleBaseline ?? values['no-idle'] !== true,
    services: given.services ?? (values.services as string | undefined) ?? 'gateway,tenant,poc,dojo-room',
    memorySettings: given.memorySettings ?? values['no-memory-settings'] !== true,
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SoakNode {
  process: BenchProcess<SoakReady>;
  metricsUrl: string;
  sample(minute: number): Promise<NodeSample>;
}

/**
 * Soak: a node under an hour-of-the-day load for half an hour: 1,000 sockets in 50 dojos
 * chatting and editing the code, REST traffic beside them, all from a separate process. The
 * node's RSS, heap, event-loop lag p99, open fds and active handles are read at the start (after
 * warm-up), every few minutes and at the end; the first window is compared with the last, and an
 * idle node of the same build, sampled alongside, shows what growth the build has without load.
 * Meant for the real services (DATABASE_URL, REDIS_URL, TRANSPORTER); it runs on embedded ones too.
 */
export async function run(given: SoakOptions = {}): Promise<Row[]> {
  const o = options(given);
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL || !process.env.TRANSPORTER) {
    log('[soak] DATABASE_URL, REDIS_URL and TRANSPORTER are not all set: embedded stand-ins run inside the node and their memory counts as its own');
  }
  const roomSize = Math.max(1, Math.round(o.sockets / o.rooms));
  const roomsPerTenant = Math.max(1, Math.round(o.rooms / TENANTS));
  // The rooms are spread evenly over the tenants, so the counts are rounded to fit.
  const rooms = roomsPerTenant * TENANTS;
  const jwtSecret = randomBytes(32).toString('hex');
  const cleanups: Array<() => Promise<unknown>> = [];
  let load: LoadHost | undefined;
  try {
    const start = (role: string) => startNode(role, { jwtSecret, services: o.services, tenants: TENANTS, roomsPerTenant, roomSize, memorySettings: o.memorySettings }, cleanups);
    const soak = await start('soak');
    const idle = o.idleBaseline ? await start('idle') : undefined;
    const soakMetrics = o.metricsUrl ? await resolveMetricsUrl([o.metricsUrl]) : soak.metricsUrl;
    log(`[soak] node pid ${soak.process.info.pid}, metrics at ${soakMetrics}${idle ? `; idle twin pid ${idle.process.info.pid}` : ''}`);
    const plan = {
      httpUrl: `http://127.0.0.1:${soak.process.info.port}`,
      wsUrl: `ws://127.0.0.1:${soak.process.info.port}/v1/ws`,
      jwtSecret,
      tokenSeconds: (o.minutes + 60) * 60 + o.warmupSeconds,
      world: soak.process.info,
      chatPerRoom: o.chatPerRoom,
      editsPerRoom: o.editsPerRoom,
      restPerSecond: o.restPerSecond,
      pocsPerTenant: 20,
    };
    load = await LoadHost.start(plan);
    log(`[soak] ${(await load.counts()).socketsOpen} sockets joined ${rooms} rooms; warming up for ${o.warmupSeconds} s`);
    await sleep(Math.max(0, o.warmupSeconds - o.sampleSeconds) * 1000);
    const sampleAll = (minute: number) => Promise.all([sampleNode(soakMetrics, () => soak.process.rss(), minute), idle?.sample(minute)]);
    // This scrape only resets the lag histogram, so the start's p99 covers one interval under load.
    await sampleAll(0);
    await sleep(o.sampleSeconds * 1000);
    const soakSamples: NodeSample[] = [];
    const idleSamples: NodeSample[] = [];
    const began = Date.now();
    const progressEvery = o.minutes >= 15 ? 5 : 1;
    let nextProgress = 0;
    let counts = emptyCounts();
    for (;;) {
      const minute = (Date.now() - began) / 60_000;
      const [s, i] = await sampleAll(minute);
      soakSamples.push(s);
      if (i) idleSamples.push(i);
      const done = minute >= o.minutes;
      if (minute >= nextProgress || done) {
        counts = done ? await load.stop() : await load.counts();
        log(progressLine(minute, o.minutes, soakSamples, idleSamples, counts));
        nextProgress += progressEvery;
      }
      if (done) break;
      await sleep(o.sampleSeconds * 1000);
    }
    const windowMinutes = Math.min(5, o.minutes / 3);
    return [
      ...nodeRows(`pocdojo node under soak (${roomSize * rooms} sockets)`, soakSamples, o.minutes, windowMinutes),
      ...(idle ? nodeRows('idle node, same build (baseline)', idleSamples, o.minutes, windowMinutes) : []),
      ...trafficRows(counts),
    ];
  } finally {
    load?.kill();
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => log(`[soak] cleanup: ${error.message}`));
  }
}

async function startNode(
  role: string,
  seed: { jwtSecret: string; services: string; tenants: number; roomsPerTenant: number; roomSize: number; memorySettings: boolean },
  cleanups: Array<() => Promise<unknown>>,
): Promise<SoakNode> {
  const namespace = `soak-${role}-${randomBytes(3).toString('hex')}`;
  const dir = await tempDataDir();
  cleanups.push(() => dir.remove());
  // A database of its own on the configured server (never the server's default one), else embedded.
  let database: TestDatabase | undefined;
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase();
    cleanups.push(() => (database as TestDatabase).drop());
  }
  const transporter = process.env.TRANSPORTER;
  if (transporter) cleanups.push(() => deleteQueueStreams(transporter, namespace));
  const child = await startBenchProcess<SoakReady>('bench/soak/server.ts', {
    NAMESPACE: namespace,
    HOST: '127.0.0.1',
    PORT: '0',
    // Builds with an operations listener: a free port each, reported in benchReady.
    OPS_PORT: '0',
    DATA_DIR: dir.path,
    JWT_SECRET: seed.jwtSecret,
    SERVICES: seed.services,
    DATABASE_URL: database?.url,
    REDIS_URL: process.env.REDIS_URL,
    TRANSPORTER: transporter,
    SOAK_TENANTS: String(seed.tenants),
    SOAK_ROOMS: String(seed.roomsPerTenant),
    SOAK_ROOM_SIZE: String(seed.roomSize),
    // As the role starts in production (deploy/memory.ts); `--no-memory-settings` for a run without.
    ...(seed.memorySettings ? memoryEnv(seed.services.split(',') as ServiceName[]) : {}),
  });
  cleanups.push(() => child.stop());
  const { port, opsPort } = child.info;
  const metricsUrl = await resolveMetricsUrl([opsPort ? `http://127.0.0.1:${opsPort}/metrics` : undefined, `http://127.0.0.1:${port}/metrics`]);
  return { process: child, metricsUrl, sample: (minute) => sampleNode(metricsUrl, () => child.rss(), minute) };
}
