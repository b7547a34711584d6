import { Counter, Gauge, Histogram, metric } from '../metrics';

export type JobOutcome = 'completed' | 'retried' | 'failed' | 'duplicate' | 'abandoned';

export interface JobMetricSources {
  /** Messages in the kit's queue not yet acknowledged. */
  depth(): Promise<number>;
  /** Unfinished jobs across tenants by kind and status (PENDING, PROCESSING). */
  unfinished(): Promise<Array<{ kind: string; status: string; count: number }>>;
}

// Gauges read at scrape time; a process runs one kit per name, so the latest sources serve.
const current = new Map<string, JobMetricSources>();

/**
 * A kit's Prometheus metrics (prom-client, served at GET /metrics), named `pocdojo_<name>_…`
 * (render's keep the names its dashboards know). Queue depth and unfinished jobs are read when
 * scraped; outcomes, run seconds and bytes are counted as they happen.
 */
export class JobMetrics {
  readonly #outcomes: Counter;
  readonly #seconds: Histogram;
  readonly #bytes: Counter;
  readonly #prefix: string;

  constructor(
    readonly name: string,
    readonly sources: JobMetricSources,
  ) {
    const p = `pocdojo_${name.replace(/\W/g, '_')}`;
    current.set(p, sources);
    this.#outcomes = metric(
      `${p}_jobs_total`,
      (registers) =>
        new Counter({
          name: `${p}_jobs_total`,
          help: `${name} job deliveries by kind and outcome`,
          labelNames: ['kind', 'outcome'],
          registers,
        }),
    );
    this.#seconds = metric(
      `${p}_seconds`,
      (registers) =>
        new Histogram({
          name: `${p}_seconds`,
          help: `Time to run one ${name} job and store its result`,
          labelNames: ['kind', 'format'],
          registers,
          buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640],
        }),
    );
    this.#bytes = metric(
      `${p}_bytes_stored_total`,
      (registers) =>
        new Counter({
          name: `${p}_bytes_stored_total`,
          help: `Bytes the ${name} jobs wrote to object storage`,
          labelNames: ['kind'],
          registers,
        }),
    );
    metric(
      `${p}_queue_depth`,
      (registers) =>
        new Gauge({
          name: `${p}_queue_depth`,
          help: `${name} jobs queued and not yet acknowledged`,
          registers,
          async collect() {
            const sources = current.get(p);
            this.set(sources ? await sources.depth().catch(() => Number.NaN) : 0);
          },
        }),
    );
    metric(
      `${p}_jobs`,
      (registers) =>
        new Gauge({
          name: `${p}_jobs`,
          help: `Unfinished ${name} jobs by kind and status, all tenants`,
          labelNames: ['kind', 'status'],
          registers,
          async collect() {
            this.reset();
            for (const row of (await current
              .get(p)
              ?.unfinished()
              .catch(() => [])) ?? [])
              this.set({ kind: row.kind, status: row.status }, row.count);
          },
        }),
    );
    this.#prefix = p;
  }

  /** Stops the scrape-time gauges reading sources that are closing. */
  close(): void {
    if (current.get(this.#prefix) === this.sources) current.delete(this.#prefix);
  }

  outcome(kind: string, outcome: JobOutcome): void {
    this.#outcomes.inc({ kind, outcome });
  }

  ran(kind: string, format: string, seconds: number, bytes: number): void {
    this.#seconds.observe({ kind, format }, seconds);
    if (bytes > 0) this.#bytes.inc({ kind }, bytes);
  }
}
