import { spawn } from 'node:child_process';
import { RenderError } from '../errors';

export interface EncodeJob {
  ffmpeg: string;
  /** ffmpeg's working directory: the filter script and its text files are here. */
  dir: string;
  scriptFile: string;
  videoFile: string;
  thumbnailFile: string;
  durationSeconds: number;
  signal: AbortSignal;
  /** Fraction of the video encoded so far, 0-1. */
  onProgress(fraction: number): void;
}

const STDERR_KEPT = 4000;

/**
 * The ffmpeg arguments of a yearly video: one H.264 (veryfast, tuned for still images) + AAC
 * encode with the thumbnail JPEG as a second output of the same run. faststart moves the index
 * to the front so players start before the whole file is downloaded.
 */
export function encoderArgs(job: Pick<EncodeJob, 'scriptFile' | 'videoFile' | 'thumbnailFile'>): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-progress',
    'pipe:1',
    '-nostats',
    '-filter_complex_script',
    job.scriptFile,
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'stillimage',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '250',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-movflags',
    '+faststart',
    job.videoFile,
    '-map',
    '[thumb]',
    '-frames:v',
    '1',
    '-q:v',
    '3',
    job.thumbnailFile,
  ];
}

/** Runs ffmpeg; rejects with a RenderError whose message is safe to show and whose details hold stderr. */
export function encode(job: EncodeJob): Promise<void> {
  // Generous: an encode runs many times faster than real time, even on a busy machine.
  const timeoutMs = 120_000 + job.durationSeconds * 3000;
  return new Promise((resolve, reject) => {
    const child = spawn(job.ffmpeg, encoderArgs(job), { cwd: job.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      job.signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(job.signal.reason instanceof Error ? job.signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new RenderError(`Video encoding took longer than ${Math.round(timeoutMs / 1000)} s`, stderr));
    }, timeoutMs);
    if (job.signal.aborted) return onAbort();
    job.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // out_time_us is the position reached in the output (out_time_ms is microseconds too, despite its name).
        const match = /^out_time_us=(\d+)/.exec(line);
        if (match) job.onProgress(Math.min(1, Number(match[1]) / 1e6 / job.durationSeconds));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    child.on('error', (error) => finish(new RenderError(`Video encoding could not start: ${error.message}`, stderr)));
    child.on('close', (code, signal) => {
      if (code === 0) finish();
      else finish(new RenderError(`Video encoding failed: ffmpeg exited with ${code === null ? `signal ${signal}` : `code ${code}`}`, stderr));
    });
  });
}
