import type { LeaseManager } from '../kv';
import type { Logger } from '../logger';
import type { DurableQueue, Subscription } from '../queue';
import { JobQueue } from './JobQueue';
import { JobRunner } from './JobRunner';
import { JobTable } from './JobTable';
import { JobMetrics } from './metrics';
import { Recovery, type RecoveryOptions } from './Recovery';
import type { Sql } from '../db/sql';
import type { JobKind, JobMessage, JobNotification, JobRow } from './types';

/**
 * A claim's lease; progress writes renew it every quarter of it (a timer renews it through
 * silent steps too). It is how long a dead worker's job waits before the recovery sweep hands it
 * out again, so it is short: 20 s outlives three missed renewals, and a worker that loses its
 * claim to a longer database outage aborts at its next renewal (writes are fenced). 120 s made a
 * killed worker's video wait 150 s (test/chaos/render-worker.test.ts).
 */
const LEASE_SECONDS = 20;
const SWEEP_EVERY_MS = 30_000;
/** A row left unpublished this long was left by a crash between its insert and its publish. */
const UNPUBLISHED_AFTER_SECONDS = 10;
const LOST_AFTER_SECONDS = 120;
/**
 * After a publish fails (NATS restarting), it is tried again this many ms later, each in turn;
 * past the last the recovery sweep publishes the row. Without them a job asked for during a
 * 5 s NATS restart waited for the sweep: 31-33 s (test/chaos/outages.test.ts).
 */
const REPUBLISH_AFTER_MS = [500, 1_000, 2_000, 4_000, 8_000];

export interface JobKitOptions {
  /** `render`: the queue `render-jobs`, its durable `render`, metrics `pocdojo_render_…`, the sweep's lease. */
  name: string;
  sql: Sql;
  queue: DurableQueue;
  kinds: ReadonlyArray<JobKind<never>>;
  /** Leads a failure's stored message unless the error is a JobError ("Rendering failed: …"). */
  failurePrefix?: string;
  leaseSeconds?: number;
}

export interface JobWorkerOptions {
  /** Jobs running at once in this process. */
  concurrency: number;
  /** Attempts before a job is FAILED and dead-lettered (a permanent error fails at the first). */
  maxAttempts: number;
  /** Backoff before attempt 2; doubles each retry. */
  retryBaseMs: number;
  /** Longer than any job, so the queue redelivers only what a dead worker left. */
  ackWaitMs: number;
  logger: Logger;
  notify?(request: JobNotification): Promise<void>;
  /** Runs the recovery sweep, one process of the cluster at a time under a lease. */
  sweep?: { leases: LeaseManager; owner: string; everyMs?: number };
}

/**
 * The job machinery one job-like actor needs: rows in its tables are the jobs, a durable queue
 * carries pointers to them, a worker claims, fences, retries with backoff and dead-letters them,
 * progress is written to the row, the owner is told how it ended, and a sweep recovers what a
 * crash or a dead worker left. The request side only publishes; `start` makes this process a worker.
 */
export class JobKit {
  readonly queue: JobQueue;
  readonly #kinds: Map<string, { kind: JobKind<JobRow>; table: JobTable<JobRow> }>;
  #subscription: Subscription | undefined;
  #metrics: JobMetrics | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> = Promise.resolve();
  readonly #republishing = new Set<NodeJS.Timeout>();

  constructor(readonly options: JobKitOptions) {
    const lease = options.leaseSeconds ?? LEASE_SECONDS;
    this.#kinds = new Map(
      options.kinds.map((k) => {
        const kind = k as unknown as JobKind<JobRow>;
        return [kind.name, { kind, table: new JobTable<JobRow>(options.sql, kind.table, kind.live ?? 'true', lease) }];
      }),
    );
    this.queue = new JobQueue(options.queue, options.sql, options.name, new Map([...this.#kinds].map(([name, { kind }]) => [name, kind.table])));
  }

  /** Publishes jobs whose rows are written; see JobQueue.publish for `generation`. */
  publish(jobs: readonly JobMessage[], generation?: string): Promise<void> {
    return this.queue.publish(jobs, generation);
  }

  /**
   * Publishes for a request: never throws, since the row is the job. A failed publish is logged
   * and tried again in the background (REPUBLISH_AFTER_MS), then left to the recovery sweep.
   */
  async enqueue(jobs: readonly JobMessage[], logger: Logger, generation?: string): Promise<void> {
    const attempt = async (retry: number): Promise<void> => {
      try {
        await this.publish(jobs, generation);
        if (retry > 0) logger.info({ jobs: jobs.map((j) => j.id), retry }, `${this.options.name}: jobs queued on a later try`);
      } catch (error) {
        const delay = REPUBLISH_AFTER_MS[retry];
        logger.warn({ err: error, jobs: jobs.map((j) => j.id), retry }, `${this.options.name}: jobs not queued yet`);
        if (delay === undefined) return;
        const timer = setTimeout(() => {
          this.#republishing.delete(timer);
          void attempt(retry + 1);
        }, delay);
        timer.unref();
        this.#republishing.add(timer);
      }
    };
    await attempt(0);
  }

  /** The sweep, for the kit's own timer and for tests that drive it. */
  recovery(options: RecoveryOptions): Recovery {
    const tables = [...this.#kinds.values()].map(({ kind, table }) => ({ kind: kind.name, table: table.table, live: table.live }));
    return new Recovery(this.options.sql, this.queue, tables, options);
  }

  /** Consumes the queue in this process (and sweeps, when asked). */
  async start(worker: JobWorkerOptions): Promise<void> {
    const { name } = this.options;
    this.#metrics = new JobMetrics(name, { depth: () => this.queue.depth(), unfinished: () => this.#unfinished() });
    const runner = new JobRunner({
      kinds: this.#kinds,
      metrics: this.#metrics,
      logger: worker.logger,
      maxAttempts: worker.maxAttempts,
      name,
      failurePrefix: this.options.failurePrefix ?? `The ${name} job failed`,
      notify: worker.notify,
    });
    this.#subscription = await this.queue.consume(runner.handle, worker);
    if (worker.sweep) this.#startSweep(worker, worker.sweep);
  }

  /** Stops taking jobs and waits for the running ones and a running sweep. Safe to call twice. */
  async stop(): Promise<void> {
    clearInterval(this.#sweeper);
    for (const timer of this.#republishing) clearTimeout(timer);
    this.#republishing.clear();
    await this.#subscription?.stop();
    await this.#sweeping;
    this.#metrics?.close();
  }

  #startSweep(worker: JobWorkerOptions, { leases, owner, everyMs = SWEEP_EVERY_MS }: NonNullable<JobWorkerOptions['sweep']>): void {
    const recovery = this.recovery({ maxAttempts: worker.maxAttempts, unpublishedAfterSeconds: UNPUBLISHED_AFTER_SECONDS, lostAfterSeconds: LOST_AFTER_SECONDS });
    const leaseName = `jobs:${this.options.name}-recovery`;
    const sweep = async () => {
      if (!(await leases.acquire(leaseName, owner, everyMs * 2))) return;
      const result = await recovery.sweep();
      if (result.published + result.republished + result.failed > 0) worker.logger.info({ ...result }, `${this.options.name}: jobs recovered`);
    };
    this.#sweeper = setInterval(() => {
      this.#sweeping = sweep().catch((err: unknown) => worker.logger.warn({ err }, `${this.options.name}: recovery sweep failed`));
    }, everyMs);
    this.#sweeper.unref();
  }

  /** Unfinished jobs of every tenant by status, for the scrape-time gauge (partial indexes keep it cheap). */
  #unfinished(): Promise<Array<{ kind: string; status: string; count: number }>> {
    const parts = [...this.#kinds.values()].map(
      ({ table }, i) => `SELECT $${i + 1}::text AS kind, status, count(*)::int AS count FROM ${table.table} WHERE status IN ('PENDING', 'PROCESSING') GROUP BY status`,
    );
    const { sql } = this.options;
    return sql.system(() => sql.rows(parts.join('\nUNION ALL\n'), [...this.#kinds.keys()]));
  }
}
