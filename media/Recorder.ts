import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { Logger } from '../infra/logger';
import type { ObjectStore } from '../infra/storage/types';
import { run } from './childProcess';
import { resolveFfmpeg, resolveFfprobe, type FfmpegConfig } from '../infra/bin/ffmpeg';
import { mixPlan } from './recordingMix';
import { RecordingTrack, type TrackFile } from './RecordingTrack';
import { usableTracks } from './trackProbe';

export interface RecorderSettings {
  objectStore: ObjectStore;
  /** FFMPEG_BIN; resolved as DESIGN §2 says (media/ffmpeg.ts). */
  ffmpeg: FfmpegConfig;
  /** Where track files are written while recording (a folder under DATA_DIR); removed after upload. */
  workDir: string;
}

/** Which recording: the room's id for it (the recordings row) and its dojo. */
export interface RecordingTarget {
  recordingId: string;
  tenantId: string;
  dojoId: string;
}

export interface RecordingResult {
  recordingId: string;
  /** dojos/{tenant}/{dojo}/recordings/{id}.webm; null when nothing was recorded or it failed. */
  objectKey: string | null;
  mimeType: 'video/webm' | 'audio/webm' | null;
  sizeBytes: number;
  durationMs: number;
  startedAt: Date;
  endedAt: Date;
  audioStreams: number;
  videoStreams: number;
  /** Producers whose media is in the file (all audio is mixed into its one audio stream). */
  tracks: number;
  /** Why there is no file. */
  error?: string;
}

export function recordingObjectKey(target: RecordingTarget): string {
  return `dojos/${target.tenantId}/${target.dojoId}/recordings/${target.recordingId}.webm`;
}

/**
 * Records a room: each producer, present at the start or appearing later, gets its own track
 * (RecordingTrack: PlainTransport consumer -> ffmpeg copying RTP into a file). At stop the tracks
 * are joined into one WebM (audio mixed at each track's offset, video streams kept), uploaded,
 * and the work files removed.
 *
 * Why a track per producer rather than one ffmpeg restarted with a new SDP each time a producer
 * appears: ffmpeg cannot add an input to a running SDP session, a restart loses the packets of
 * the switch and cuts every other stream, and the segments would then need joining with
 * different stream sets anyway. Separate tracks never interrupt each other, survive their
 * participant leaving, and copy RTP without transcoding while the session runs; the one
 * transcode (the audio mix) happens once, at stop, far faster than real time.
 */
export class Recorder {
  readonly startedAt = new Date();
  readonly #tracks = new Map<string, Promise<RecordingTrack | undefined>>();
  #count = 0;
  #stopped: Promise<RecordingResult> | undefined;

  private constructor(
    readonly target: RecordingTarget,
    readonly settings: RecorderSettings,
    readonly ffmpeg: string,
    readonly dir: string,
    readonly portRange: { min: number; max: number },
    readonly logger: Logger,
  ) {}

  /** Throws FfmpegNotFoundError (before anything is created) when ffmpeg cannot be found. */
  static async create(target: RecordingTarget, settings: RecorderSettings, portRange: { min: number; max: number }, logger: Logger): Promise<Recorder> {
    const ffmpeg = resolveFfmpeg(settings.ffmpeg);
    await mkdir(settings.workDir, { recursive: true });
    const dir = await mkdtemp(path.join(settings.workDir, `${target.recordingId}-`));
    return new Recorder(target, settings, ffmpeg, dir, portRange, logger);
  }

  get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Records a producer (once; ignored after stop). Starting happens in the background. */
  add(router: types.Router, producer: types.Producer, userId: string): void {
    if (this.#stopped || this.#tracks.has(producer.id) || producer.closed) return;
    const name = `${String(++this.#count).padStart(3, '0')}-${producer.kind}`;
    const starting = RecordingTrack.start({
      router,
      producer,
      userId,
      dir: this.dir,
      name,
      ffmpeg: this.ffmpeg,
      startedAt: this.startedAt.getTime(),
      portRange: this.portRange,
      logger: this.logger,
    }).catch((err: unknown) => {
      this.logger.warn({ err, recordingId: this.target.recordingId, producerId: producer.id }, 'a producer could not be recorded');
      return undefined;
    });
    this.#tracks.set(producer.id, starting);
  }

  /** Ends every track, joins and uploads the file. Safe to call twice (same result). */
  stop(): Promise<RecordingResult> {
    this.#stopped ??= this.#finish();
    return this.#stopped;
  }

  async #finish(): Promise<RecordingResult> {
    const endedAt = new Date();
    const tracks = await Promise.all(this.#tracks.values());
    const files = (await Promise.all(tracks.map((t) => t?.end()))).filter((f): f is TrackFile => f !== undefined);
    const base = { recordingId: this.target.recordingId, startedAt: this.startedAt, endedAt };
    const empty = { ...base, objectKey: null, mimeType: null, sizeBytes: 0, durationMs: endedAt.getTime() - this.startedAt.getTime(), audioStreams: 0, videoStreams: 0, tracks: 0 };
    try {
      if (files.length === 0) return { ...empty, error: 'nothing was recorded (no media arrived)' };
      const usable = await usableTracks(files, this.#ffprobe(), this.logger, this.target.recordingId);
      if (usable.length === 0) return { ...empty, error: `no track could be read (${files.length} track file(s) empty or truncated)` };
      const output = path.join(this.dir, 'recording.webm');
      const plan = mixPlan(usable, output);
      await run(this.ffmpeg, plan.args);
      const { size } = await stat(output);
      const mimeType = plan.video > 0 ? 'video/webm' : 'audio/webm';
      const objectKey = recordingObjectKey(this.target);
      await this.settings.objectStore.put(objectKey, createReadStream(output), mimeType, size);
      const durationMs = await this.#duration(output, empty.durationMs);
      return { ...base, objectKey, mimeType, sizeBytes: size, durationMs, audioStreams: plan.audio, videoStreams: plan.video, tracks: usable.length };
    } catch (error) {
      this.logger.error({ err: error, recordingId: this.target.recordingId }, 'recording could not be finished');
      return { ...empty, error: (error as Error).message.slice(0, 500) };
    } finally {
      await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** ffprobe, or undefined where there is none (ffmpeg-static ships no ffprobe). */
  #ffprobe(): string | undefined {
    try {
      return resolveFfprobe(this.settings.ffmpeg);
    } catch {
      return undefined;
    }
  }

  /** The file's own duration (ffprobe); the wall-clock span when ffprobe is missing or unsure. */
  async #duration(file: string, fallbackMs: number): Promise<number> {
    const ffprobe = this.#ffprobe();
    if (ffprobe === undefined) return fallbackMs;
    try {
      const out = await run(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], 30_000);
      const seconds = Number.parseFloat(out.trim());
      return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : fallbackMs;
    } catch {
      return fallbackMs;
    }
  }
}
