import { randomInt } from 'node:crypto';
import { loadConfig } from '../../config';
import { silentLogger, type Logger } from '../../infra/logger';
import type { RecorderSettings } from '../Recorder';
import { RoomMedia, type RoomMediaOptions } from '../RoomMedia';
import type { RtcSettings } from '../rtc';
import { WorkerPool } from '../WorkerPool';

/**
 * A random 200-port RTC window below Linux's ephemeral range, so test files running side by
 * side (each with its own workers) do not pick the same ports.
 */
export function rtcWindow(size = 200): RtcSettings {
  const minPort = 20000 + randomInt(0, 60) * size;
  return { listenIp: '127.0.0.1', announcedIp: undefined, minPort, maxPort: minPort + size - 1 };
}

/** Real mediasoup workers, with the binary the process configuration names (or the cached build). */
export function startPool(workers = 1, logger: Logger = silentLogger): Promise<WorkerPool> {
  const config = loadConfig();
  return WorkerPool.start({ config: { mediasoupWorkers: workers, mediasoupWorkerBin: config.mediasoupWorkerBin }, logger });
}

/** A logger that keeps what is logged, by level, for tests that check what a failure says. */
export function recordingLogger(): Logger & { lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; msg: string | undefined }> } {
  const lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; msg: string | undefined }> = [];
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (_obj: unknown, msg?: string) => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The process's FFMPEG_BIN setting, for media/ffmpeg.ts. */
export function ffmpegConfig(): { ffmpegBin: string | undefined } {
  return { ffmpegBin: loadConfig().ffmpegBin };
}

export interface TestRoom {
  media: RoomMedia;
  rtc: RtcSettings;
}

/**
 * A room's media on `pool`, in its own port window, with every participant joined under its
 * role, each with one session named as the user (`alice` calls as session `alice`).
 */
export async function newRoomWithParticipants(
  pool: WorkerPool,
  participants: Record<string, 'facilitator' | 'participant' | 'observer'>,
  options: Partial<RoomMediaOptions> & { recording?: RecorderSettings } = {},
): Promise<TestRoom> {
  const rtc = options.rtc ?? rtcWindow();
  const media = await RoomMedia.create({ roomId: `room-${randomInt(1e9)}`, pool, rtc, logger: silentLogger, ...options });
  for (const [userId, role] of Object.entries(participants)) media.join({ sessionId: userId, userId, role });
  return { media, rtc };
}

/** Resolves with the next `event` of an emitter, or rejects after `ms`. */
export function nextEvent<T>(emitter: { once(event: string, listener: (value: T) => void): unknown }, event: string, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms).unref();
    emitter.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Polls `check` until it returns true, or fails after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
