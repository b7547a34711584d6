import { Counter, Gauge, Histogram, metric } from '../../infra/metrics';
import type { JobKind } from './types';

let current: RenderMetricSources | undefined;

export type JobOutcome = 'completed' | 'retried' | 'failed' | 'duplicate' | 'abandoned';

export interface RenderMetricSources {
  /** Messages in the render queue not yet acknowledged. */
  depth(): Promise<number>;
  /** Unfinished jobs across tenants by kind and status (PENDING, PROCESSING). */
  unfinished(): Promise<Array<{ kind: JobKind; status: string; count: number }>>;
}

/**
 * The render actor's Prometheus metrics (prom-client, served at GET /metrics). Queue depth and
 * unfinished jobs are read when scraped; outcomes, render seconds and bytes are counted as they happen.
 */
export class RenderMetrics {
  readonly #sources: RenderMetricSources;
  readonly #outcomes = metric('pocdojo_render_jobs_total', (registers) => new Counter({
    name: 'pocdojo_render_jobs_total', help: 'Render job deliveries by kind and outcome', labelNames: ['kind', 'outcome'], registers,
  }));
  readonly #seconds = metric('pocdojo_render_seconds', (registers) => new Histogram({
    name: 'pocdojo_render_seconds', help: 'Time to render and store one job', labelNames: ['kind', 'format'], registers,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640],
  }));
  readonly #bytes = metric('pocdojo_render_bytes_stored_total', (registers) => new Counter({
    name: 'pocdojo_render_bytes_stored_total', help: 'Bytes of reports, videos and thumbnails written to object storage', labelNames: ['kind'], registers,
  }));

  constructor(sources: RenderMetricSources) {
    // Gauges read at scrape time; a process has one render service, so the latest sources serve.
    current = sources;
    this.#sources = sources;
    metric('pocdojo_render_queue_depth', (registers) => new Gauge({
      name: 'pocdojo_render_queue_depth', help: 'Render jobs queued and not yet acknowledged', registers,
      async collect() {
        this.set(current ? await current.depth().catch(() => Number.NaN) : 0);
      },
    }));
    metric('pocdojo_render_jobs', (registers) => new Gauge({
      name: 'pocdojo_render_jobs', help: 'Unfinished render jobs by kind and status, all tenants', labelNames: ['kind', 'status'], registers,
      async collect() {
        this.reset();
        for (const row of (await current?.unfinished().catch(() => [])) ?? []) this.set({ kind: row.kind, status: row.status }, row.count);
      },
    }));
  }

  /** Stops the scrape-time gauges reading sources that are closing. */
  close(): void {
    if (current === this.#sources) current = undefined;
  }

  outcome(kind: JobKind, outcome: JobOutcome): void {
    this.#outcomes.inc({ kind, outcome });
  }

  rendered(kind: JobKind, format: string, seconds: number, bytes: number): void {
    this.#seconds.observe({ kind, format }, seconds);
    this.#bytes.inc({ kind }, bytes);
  }
}
