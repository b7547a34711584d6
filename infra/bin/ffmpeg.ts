import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isExecutable } from './executable';

/** The part of Config the resolvers read. */
export interface FfmpegConfig {
  readonly ffmpegBin: string | undefined;
}

/** No usable ffmpeg/ffprobe: the message says what was tried and how to fix it. */
export class FfmpegNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FfmpegNotFoundError';
  }
}

const resolved = new Map<string, string>();

/**
 * The ffmpeg binary, as DESIGN §2 says: FFMPEG_BIN -> ffmpeg-static's binary if it was downloaded
 * (it cannot be offline) -> `ffmpeg` on PATH (Debian's package) -> a clear error. Cached per setting.
 */
export function resolveFfmpeg(config: FfmpegConfig): string {
  return cached(`ffmpeg:${config.ffmpegBin ?? ''}`, () => {
    if (config.ffmpegBin) return executable(config.ffmpegBin, 'FFMPEG_BIN');
    const bundled = ffmpegStaticPath();
    if (bundled && existsSync(bundled)) return bundled;
    if (runs('ffmpeg')) return 'ffmpeg';
    throw new FfmpegNotFoundError("ffmpeg not found: set FFMPEG_BIN, or install Debian's ffmpeg (apt-get install ffmpeg); ffmpeg-static's binary was not downloaded");
  });
}

/**
 * ffprobe: beside the resolved ffmpeg when that is a path (FFMPEG_BIN or a local build ship both),
 * else `ffprobe` on PATH. ffmpeg-static ships no ffprobe.
 */
export function resolveFfprobe(config: FfmpegConfig): string {
  return cached(`ffprobe:${config.ffmpegBin ?? ''}`, () => {
    const ffmpeg = resolveFfmpeg(config);
    if (path.isAbsolute(ffmpeg)) {
      const sibling = path.join(path.dirname(ffmpeg), path.basename(ffmpeg).replace(/ffmpeg/, 'ffprobe'));
      if (sibling !== ffmpeg && isExecutable(sibling)) return sibling;
    }
    if (runs('ffprobe')) return 'ffprobe';
    throw new FfmpegNotFoundError("ffprobe not found beside ffmpeg nor on PATH: install Debian's ffmpeg (apt-get install ffmpeg)");
  });
}

function cached(key: string, resolve: () => string): string {
  let bin = resolved.get(key);
  if (bin === undefined) {
    bin = resolve();
    resolved.set(key, bin);
  }
  return bin;
}

function executable(file: string, setting: string): string {
  if (!isExecutable(file)) throw new FfmpegNotFoundError(`${setting}=${file} is not an executable file`);
  return file;
}

function ffmpegStaticPath(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('ffmpeg-static') as string | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Whether a bare command name runs (PATH lookup by the OS, so no environment is read here). */
function runs(command: string): boolean {
  const result = spawnSync(command, ['-version'], { stdio: 'ignore', timeout: 10_000 });
  return !result.error && result.status === 0;
}
