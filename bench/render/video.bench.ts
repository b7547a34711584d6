import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRenderJobs } from '../../actors/render/domain';
import { resolveFonts } from '../../actors/render/fonts';
import { Sql } from '../../infra/db/sql';
import { encoderArgs } from '../../actors/render/video/Encoder';
import { buildFilterGraph } from '../../actors/render/video/FilterGraph';
import { composeSlides } from '../../actors/render/video/Slides';
import { TextLayout } from '../../actors/render/video/TextLayout';
import { VideoData } from '../../actors/render/video/VideoData';
import { silentLogger } from '../../infra/logger';
import { queueThroughRender } from '../../jobs/renderQueue';
import { YearlyBatch } from '../../jobs/YearlyBatch';
import { resolveFfmpeg } from '../../infra/bin/ffmpeg';
import type { Row } from '../lib/table';
import { median, seedPocs, seedTenant, startRenderNode, waitForRows, YEAR } from './fixture';

const POCS_PER_USER = 30;
const SLIDE_SECONDS = 4;
const RUNS = 3;

/**
 * A yearly video of a 30-POC user at 1280x720, through the whole render job (queue, database,
 * ffmpeg, object storage) vs ffmpeg alone encoding the same filter graph; then the batch
 * throughput in users per hour at RENDER_CONCURRENCY 1 and 2 on this machine.
 */
export async function run(options: { batchUsers?: number } = {}): Promise<Row[]> {
  const rows: Row[] = [];
  const bench = await startRenderNode({ VIDEO_SLIDE_SECONDS: String(SLIDE_SECONDS), RENDER_CONCURRENCY: '1' });
  try {
    const { database: db, node } = bench;
    const { tenantId, userIds } = await seedTenant(db, RUNS);
    for (const userId of userIds) await seedPocs(db, tenantId, [userId], POCS_PER_USER);
    const videoSeconds = (POCS_PER_USER + 2) * SLIDE_SECONDS;

    // ffmpeg alone: the same graph, files already written, nothing around the process.
    const fonts = resolveFonts();
    const figures = await new VideoData(new Sql(db)).load(tenantId, userIds[0]!, YEAR, 100);
    const graph = buildFilterGraph(composeSlides(figures, new TextLayout(fonts)), SLIDE_SECONDS, fonts);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-ffmpeg-'));
    const raw: number[] = [];
    const app: number[] = [];
    try {
      for (const [name, text] of graph.files) await writeFile(path.join(dir, name), text);
      await writeFile(path.join(dir, 'graph.txt'), graph.script);
      const ffmpeg = resolveFfmpeg(node.infra.config);
      const jobs = createRenderJobs(node.infra);
      // Alternate the two so a busy moment of the machine hits both alike.
      for (let i = 0; i < RUNS; i++) {
        raw.push(await timed(() => runFfmpeg(ffmpeg, dir)));
        app.push(
          await timed(async () => {
            const { row } = await jobs.videos.request({ tenantId, userId: userIds[i]! }, YEAR);
            await jobs.kit.publish([{ kind: 'video', id: row.id, tenantId }]);
            await waitForRows(db, 'content_requests', [row.id]);
          }),
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const rawS = median(raw);
    const appS = median(app);
    rows.push({ path: 'ffmpeg alone, same filter graph (baseline)', 'video s': videoSeconds, 'wall s': rawS, 'x realtime': videoSeconds / rawS, ratio: 1 });
    rows.push({ path: 'render job: queue > db > ffmpeg > S3 > db', 'video s': videoSeconds, 'wall s': appS, 'x realtime': videoSeconds / appS, ratio: appS / rawS });
  } finally {
    await bench.stop();
  }
  for (const concurrency of [1, 2]) rows.push(await batchThroughput(concurrency, options.batchUsers ?? 4));
  return rows;
}

/** The yearly batch for one tenant of `users` 30-POC users on one node: users per hour. */
async function batchThroughput(concurrency: number, users: number): Promise<Row> {
  const bench = await startRenderNode({ VIDEO_SLIDE_SECONDS: String(SLIDE_SECONDS), RENDER_CONCURRENCY: String(concurrency) });
  try {
    const { database: db, node } = bench;
    const { tenantId, userIds } = await seedTenant(db, users);
    for (const userId of userIds) await seedPocs(db, tenantId, [userId], POCS_PER_USER);
    const jobs = createRenderJobs(node.infra);
    const batch = new YearlyBatch(jobs.sql, queueThroughRender(node.broker, silentLogger));
    const seconds = await timed(async () => {
      await batch.run({ year: YEAR });
      for (;;) {
        const counts = await batch.statuses(YEAR);
        if ((counts.PENDING ?? 0) + (counts.PROCESSING ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    return {
      path: `yearly batch, ${users} users x ${POCS_PER_USER} POCs, RENDER_CONCURRENCY=${concurrency}`,
      'wall s': seconds,
      'users/hour': (users / seconds) * 3600,
      cores: os.availableParallelism(),
    };
  } finally {
    await bench.stop();
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function runFfmpeg(ffmpeg: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, encoderArgs({ scriptFile: 'graph.txt', videoFile: path.join(dir, 'out.mp4'), thumbnailFile: path.join(dir, 'out.jpg') }), { cwd: dir, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
  });
}
