import { getHeapStatistics } from 'node:v8';
import type { Config, ServiceName } from '../config';
import type { Logger } from '../infra/logger';

/**
 * Process memory settings, decided once here per node role, and applied where the process is
 * started (both must be in place before Node starts: glibc reads its environment at the first
 * allocation, V8 sizes its heap when it starts):
 *   - the image sets MALLOC_ARENA_MAX (deploy/Dockerfile); `npm start` sets it too (package.json);
 *   - each Kubernetes Deployment sets NODE_OPTIONS=--max-old-space-size for its SERVICES
 *     (deploy/k8s/base/*.yaml; deploy/k8s/k8s.test.ts checks they agree with this table);
 *   - start.ts logs what the process got and warns when it differs.
 *
 * MALLOC_ARENA_MAX: glibc gives each thread that allocates its own arena, up to 8 per core
 * (libuv's pool, V8's compiler and GC threads, the hashing pool): memory freed in one arena is
 * not reused by another and stays resident. Two arenas keep native memory (uWS buffers, pg and
 * zlib) close to what is in use; the soak's RSS grew without it while the heap did not.
 *
 * The V8 heap cap: V8 otherwise sizes its old space from the machine's memory, not the
 * container's limit, so a node under memory pressure is killed by the kernel before V8 collects
 * hard. The cap is a share of the role's container limit, leaving room for native memory (uWS,
 * mediasoup's workers and ffmpeg are other processes but the same pod).
 */
export const MALLOC_ARENA_MAX = 2;

/** Old-space cap in MB a service needs; a node hosting several gets the largest. */
const HEAP_MB: Record<ServiceName, number> = {
  gateway: 512,
  tenant: 384,
  poc: 640,
  // Live rooms: chat windows, Yjs documents and sessions of every room on the node.
  'dojo-room': 1536,
  kata: 512,
  media: 512,
  // The PDF report of a large tenant is built in memory.
  render: 1024,
  jobs: 384,
  'code-exec': 512,
};

export function heapCapMb(services: readonly ServiceName[]): number {
  return Math.max(...services.map((s) => HEAP_MB[s]));
}

/** The environment a node of `services` starts with (for launchers: compose, benchmarks, tests). */
export function memoryEnv(services: readonly ServiceName[]): { MALLOC_ARENA_MAX: string; NODE_OPTIONS: string } {
  return { MALLOC_ARENA_MAX: String(MALLOC_ARENA_MAX), NODE_OPTIONS: `--max-old-space-size=${heapCapMb(services)}` };
}

/** Logs the settings the process runs with; warns when they are not the role's. */
export function reportMemorySettings(config: Pick<Config, 'services' | 'mallocArenaMax'>, logger: Logger): void {
  const { services, mallocArenaMax } = config;
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const wanted = heapCapMb(services);
  const settings = { mallocArenaMax: mallocArenaMax ?? null, heapLimitMb, roleHeapCapMb: wanted };
  // heap_size_limit is the old space plus the young generation: a few tens of MB above the cap.
  const capped = heapLimitMb >= wanted && heapLimitMb <= wanted + 128;
  if (mallocArenaMax === undefined || !capped) {
    logger.warn(settings, `memory settings are not the role's: start with MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX} NODE_OPTIONS=--max-old-space-size=${wanted} (deploy/memory.ts)`);
  } else {
    logger.info(settings, 'memory settings');
  }
}
