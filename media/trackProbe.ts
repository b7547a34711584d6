import type { Logger } from '../infra/logger';
import { run } from './childProcess';
import type { TrackFile } from './RecordingTrack';

interface Probed {
  streams?: Array<{ codec_type?: string; width?: number }>;
  packets?: unknown[];
}

/**
 * Why ffmpeg could not mix this track file, or undefined when it can: ffprobe must open it,
 * find a stream of the track's kind (a video with its picture size, which ffmpeg learns from a
 * keyframe) and read a first packet. A track that started just before the stop (a reloaded
 * page's microphone) can leave a file cut inside its header; one such file made ffmpeg fail
 * the whole mix.
 */
export async function unusableReason(ffprobe: string, track: TrackFile): Promise<string | undefined> {
  let probed: Probed;
  try {
    // %+#1: stop after the first packet, so a long recording is not read through.
    const out = await run(ffprobe, ['-v', 'error', '-read_intervals', '%+#1', '-show_entries', 'stream=codec_type,width:packet=stream_index', '-of', 'json', track.file], 30_000);
    probed = JSON.parse(out) as Probed;
  } catch (error) {
    return `unreadable: ${(error as Error).message.slice(-200)}`;
  }
  const stream = probed.streams?.find((s) => s.codec_type === track.kind);
  if (!stream) return `no ${track.kind} stream`;
  if (track.kind === 'video' && !(Number(stream.width) > 0)) return 'no picture size (no keyframe arrived)';
  if ((probed.packets?.length ?? 0) === 0) return 'no packet';
  return undefined;
}

/**
 * The track files ffmpeg can mix; the others are left out and logged, so the rest of the
 * recording is still finished. Without ffprobe (`ffprobe` undefined: ffmpeg-static ships none)
 * every file is kept (they all have bytes: RecordingTrack drops empty ones).
 */
export async function usableTracks(files: readonly TrackFile[], ffprobe: string | undefined, logger: Logger, recordingId: string): Promise<TrackFile[]> {
  if (ffprobe === undefined) return [...files];
  const reasons = await Promise.all(files.map((file) => unusableReason(ffprobe, file)));
  return files.filter((file, i) => {
    const reason = reasons[i];
    if (reason !== undefined) logger.warn({ recordingId, file: file.file, kind: file.kind, userId: file.userId, reason }, 'recording track left out of the mix');
    return reason === undefined;
  });
}
