import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JobNotice, JobOutcomeOf, JobResult, Progress } from '../../../infra/jobs';
import type { ObjectStore } from '../../../infra/storage';
import { FfmpegNotFoundError, resolveFfmpeg, type FfmpegConfig } from '../../../infra/bin/ffmpeg';
import { RenderError } from '../errors';
import { resolveFonts } from '../fonts';
import { objectKeys } from '../keys';
import type { Sql } from '../../../infra/db/sql';
import type { VideoRow } from '../types';
import { encode } from './Encoder';
import { buildFilterGraph } from './FilterGraph';
import { tenantLocale } from '../locale/settings';
import { composeSlides } from './Slides';
import { TextLayout } from './TextLayout';
import { VideoData } from './VideoData';

/** Slides of POCs in one video; past this the outro counts the rest (a filter graph per slide has a cost). */
export const MAX_POC_SLIDES = 100;

export interface VideoRendererOptions {
  ffmpeg: FfmpegConfig;
  slideSeconds: number;
}

/**
 * The render worker's video jobs: read the user's POCs of the year, lay out the slides, encode
 * them in one ffmpeg run in a private temporary directory, and store the MP4 and its thumbnail
 * under the job's keys.
 */
export class VideoRenderer {
  readonly #data: VideoData;
  #layout: TextLayout | undefined;

  constructor(
    readonly sql: Sql,
    readonly objectStore: ObjectStore,
    readonly options: VideoRendererOptions,
  ) {
    this.#data = new VideoData(sql);
  }

  async render(row: VideoRow, progress: Progress): Promise<JobResult> {
    const ffmpeg = ffmpegBinary(this.options.ffmpeg);
    const fonts = resolveFonts();
    const locale = await tenantLocale(this.sql, row.tenant_id);
    const options = row.options ?? {};
    const figures = await this.#data.load(row.tenant_id, row.user_id, row.year, MAX_POC_SLIDES, locale.timeZone, options);
    this.#layout ??= new TextLayout(fonts);
    const slides = composeSlides(figures, this.#layout, locale, { title: options.title, secondsPerPoc: options.seconds_per_poc });
    const graph = buildFilterGraph(slides, this.options.slideSeconds, fonts);
    await progress.set(5);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pocdojo-video-'));
    try {
      await Promise.all([...graph.files].map(([name, text]) => writeFile(path.join(dir, name), text, 'utf8')));
      await writeFile(path.join(dir, 'graph.txt'), graph.script, 'utf8');
      const videoFile = path.join(dir, 'video.mp4');
      const thumbnailFile = path.join(dir, 'thumbnail.jpg');
      await encode({
        ffmpeg,
        dir,
        scriptFile: 'graph.txt',
        videoFile,
        thumbnailFile,
        durationSeconds: graph.durationSeconds,
        signal: progress.signal,
        onProgress: (fraction) => void progress.set(5 + fraction * 85),
      });
      progress.check();
      const key = objectKeys.video(row.tenant_id, row.user_id, row.year, row.id);
      const thumbnailKey = objectKeys.thumbnail(row.tenant_id, row.user_id, row.year, row.id);
      const [video, thumbnail] = await Promise.all([stat(videoFile), stat(thumbnailFile)]);
      await this.objectStore.put(key, createReadStream(videoFile), 'video/mp4', video.size);
      await progress.set(97);
      await this.objectStore.put(thumbnailKey, createReadStream(thumbnailFile), 'image/jpeg', thumbnail.size);
      return {
        columns: { object_key: key, thumbnail_key: thumbnailKey, size_bytes: video.size, duration_ms: Math.round(graph.durationSeconds * 1000) },
        discard: async () => void (await Promise.all([this.objectStore.delete(key), this.objectStore.delete(thumbnailKey)])),
        bytes: video.size + thumbnail.size,
        format: 'mp4',
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  notice(row: VideoRow, outcome: JobOutcomeOf): JobNotice {
    const data = { videoId: row.id, year: row.year };
    return outcome.ok
      ? { type: 'video.ready', title: `Your ${row.year} POC video is ready`, body: 'Watch it or download it from your videos.', data }
      : { type: 'video.failed', title: `Your ${row.year} POC video could not be made`, body: outcome.error, data };
  }
}

function ffmpegBinary(config: FfmpegConfig): string {
  try {
    return resolveFfmpeg(config);
  } catch (error) {
    if (error instanceof FfmpegNotFoundError) throw new RenderError('Video rendering is not available on this server', error.message, true);
    throw error;
  }
}
