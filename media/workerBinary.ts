import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../config';
import { isExecutable } from '../infra/bin/executable';

type Mediasoup = typeof import('mediasoup');

const BUILD_SCRIPT = path.join(__dirname, 'worker-build', 'build-worker.sh');

/** The mediasoup worker binary cannot be found or run: start-up must stop with this message. */
export class WorkerBinaryError extends Error {
  override readonly name = 'WorkerBinaryError';
}

/**
 * Where the mediasoup-worker binary is: MEDIASOUP_WORKER_BIN (config) when set, else the
 * offline build cached by media/worker-build (the registry's prebuilt worker is unreachable
 * here, DESIGN §2). Throws a WorkerBinaryError that says how to build it.
 */
export function resolveWorkerBinary(config: Pick<Config, 'mediasoupWorkerBin'>, buildScript = BUILD_SCRIPT): string {
  if (config.mediasoupWorkerBin) {
    if (!isExecutable(config.mediasoupWorkerBin)) {
      throw new WorkerBinaryError(`MEDIASOUP_WORKER_BIN=${config.mediasoupWorkerBin} is not an executable file`);
    }
    return config.mediasoupWorkerBin;
  }
  let cached: string | undefined;
  try {
    // --print-path only computes the cache path (keyed by version + build files); it never builds.
    const out = execFileSync('bash', [buildScript, '--print-path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    cached = out.trim().split('\n').pop();
  } catch (error) {
    throw new WorkerBinaryError(`cannot ask ${buildScript} for the cached mediasoup worker: ${(error as Error).message}`);
  }
  if (!cached || !isExecutable(cached)) {
    throw new WorkerBinaryError(
      `the mediasoup worker is not built (expected ${cached ?? 'a path from build-worker.sh'}): ` +
        'run `npm ci` (its postinstall builds it) or `media/worker-build/build-worker.sh`, or set MEDIASOUP_WORKER_BIN',
    );
  }
  return cached;
}

let loaded: { mediasoup: Mediasoup; bin: string } | undefined;

/**
 * Loads mediasoup on first use, so processes that host no media never load it (nor need its
 * worker). Later calls return the same module; asking for another binary then is an error,
 * because mediasoup fixed its binary when the module loaded.
 */
export function loadMediasoup(config: Pick<Config, 'mediasoupWorkerBin'>): Mediasoup {
  const bin = resolveWorkerBinary(config);
  if (loaded) {
    if (loaded.bin !== bin) throw new WorkerBinaryError(`mediasoup is already loaded with worker ${loaded.bin}, not ${bin}`);
    return loaded.mediasoup;
  }
  // The one environment write of the project: mediasoup reads MEDIASOUP_WORKER_BIN once, when
  // its module loads, and offers no other way to name the binary.
  process.env.MEDIASOUP_WORKER_BIN = bin;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mediasoup = require('mediasoup') as Mediasoup;
  if (mediasoup.workerBin !== bin) {
    throw new WorkerBinaryError(`mediasoup was loaded elsewhere before its worker was set (it uses ${mediasoup.workerBin}); load it through media/workerBinary`);
  }
  loaded = { mediasoup, bin };
  return mediasoup;
}
