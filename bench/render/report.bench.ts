import { createRenderJobs } from '../../actors/render/domain';
import { resolveFonts } from '../../actors/render/fonts';
import { AnnualData } from '../../actors/render/report/AnnualData';
import { toCsv } from '../../actors/render/report/csv';
import { toPdf } from '../../actors/render/report/pdf';
import { annualDoc } from '../../actors/render/report/ReportDoc';
import { Sql } from '../../infra/db/sql';
import { sampleMemory } from '../lib/memory';
import type { Row } from '../lib/table';
import { median, seedPocs, seedTenant, startRenderNode, waitForRows, YEAR } from './fixture';

const RUNS = 3;

/**
 * The annual report of a tenant with 10,000 POCs (50 authors): reading the figures (the baseline:
 * the aggregate queries alone), rendering the PDF, and the whole job through the queue; the peak
 * memory the render adds to the process.
 */
export async function run(options: { pocs?: number } = {}): Promise<Row[]> {
  const pocs = options.pocs ?? 10_000;
  const bench = await startRenderNode({ RENDER_CONCURRENCY: '1' });
  try {
    const { database: db, node } = bench;
    const { tenantId, userIds } = await seedTenant(db, 50);
    await seedPocs(db, tenantId, userIds, pocs);
    const data = new AnnualData(new Sql(db));
    const fonts = resolveFonts();
    await toPdf(annualDoc(await data.load(tenantId, YEAR)), fonts); // warm: fonts, JIT
    const query: number[] = [];
    const pdf: number[] = [];
    const job: number[] = [];
    let bytes = 0;
    let peak = 0;
    const jobs = createRenderJobs(node.infra);
    for (let i = 0; i < RUNS; i++) {
      const memory = sampleMemory();
      let figures!: Awaited<ReturnType<AnnualData['load']>>;
      query.push(await timed(async () => (figures = await data.load(tenantId, YEAR))));
      pdf.push(
        await timed(async () => {
          const doc = annualDoc(figures);
          bytes = (await toPdf(doc, fonts, { name: 'figures.csv', csv: toCsv(doc) })).length;
        }),
      );
      peak = Math.max(peak, memory.stop());
      job.push(
        await timed(async () => {
          const row = await jobs.reports.create({ tenantId, userId: userIds[0]!, type: 'ANNUAL', year: YEAR, format: 'pdf' });
          await jobs.kit.publish([{ kind: 'report', id: row.id, tenantId }]);
          await waitForRows(db, 'reports', [row.id]);
        }),
      );
    }
    const ms = (s: number) => Math.round(s * 1000);
    return [
      { step: `aggregate queries alone (baseline), ${pocs} POCs`, ms: ms(median(query)) },
      { step: 'PDF render (pdfkit, chart, tables, CSV attached)', ms: ms(median(pdf)), 'PDF KiB': Math.round(bytes / 1024), 'peak RSS +MiB': Math.round(peak / 2 ** 20) },
      { step: 'whole job: queue > queries > PDF > S3 > db', ms: ms(median(job)), 'x queries': median(job) / median(query) },
    ];
  } finally {
    await bench.stop();
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}
