import type { TrackFile } from './RecordingTrack';

export interface MixPlan {
  args: string[];
  audio: number;
  video: number;
}

/**
 * The ffmpeg arguments that join a recording's track files into one WebM: every audio track
 * delayed to where it started and mixed into one Opus stream (what the room heard), every
 * video track kept as its own stream at its offset. VP8 is copied as is; other video codecs
 * (H264 from mobile encoders) are re-encoded to VP8, which WebM requires.
 */
export function mixPlan(tracks: readonly TrackFile[], output: string): MixPlan {
  const audio = tracks.filter((t) => t.kind === 'audio');
  const video = tracks.filter((t) => t.kind === 'video');
  const inputs: string[] = [];
  const maps: string[] = [];
  const filters: string[] = [];
  const mixed: string[] = [];
  audio.forEach((track, i) => {
    inputs.push('-i', track.file);
    const delay = Math.max(0, Math.round(track.offsetMs));
    // aresample=async fills the gaps a paused microphone leaves, so later audio stays in place.
    filters.push(`[${i}:a]aresample=async=1:first_pts=0,adelay=${delay}:all=1[a${i}]`);
    mixed.push(`[a${i}]`);
  });
  if (audio.length === 1) filters.push('[a0]anull[aout]');
  else if (audio.length > 1) filters.push(`${mixed.join('')}amix=inputs=${audio.length}:duration=longest:dropout_transition=0:normalize=0[aout]`);
  if (audio.length > 0) maps.push('-map', '[aout]', '-c:a', 'libopus', '-b:a', '96k');
  video.forEach((track, i) => {
    const input = audio.length + i;
    inputs.push('-itsoffset', (Math.max(0, track.offsetMs) / 1000).toFixed(3), '-i', track.file);
    maps.push('-map', `${input}:v`);
    if (track.mimeType.toLowerCase() === 'video/vp8') maps.push(`-c:v:${i}`, 'copy');
    else maps.push(`-c:v:${i}`, 'libvpx', `-b:v:${i}`, '1M', '-deadline', 'realtime', '-cpu-used', '8');
  });
  const args = [...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'], ...inputs, ...(filters.length > 0 ? ['-filter_complex', filters.join(';')] : []), ...maps, ...['-f', 'webm', output]];
  return { args, audio: audio.length > 0 ? 1 : 0, video: video.length };
}
