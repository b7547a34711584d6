import type { Logger } from '../logger';
import { JobAbandonedError } from './errors';
import type { JobTable } from './JobTable';

const MIN_WRITE_INTERVAL_MS = 1000;

/**
 * A running job's progress and lease. Writes are throttled (progress of an encode moves many
 * times a second), and a timer keeps the lease alive through steps that report nothing. When a
 * write finds the job is no longer this worker's (cancelled, deleted, or handed to another after
 * a stall) `signal` aborts so the job stops.
 */
export class Progress {
  readonly #abort = new AbortController();
  readonly #timer: NodeJS.Timeout;
  #percent = 0;
  #lastWrite = 0;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly table: JobTable<object>,
    readonly tenantId: string,
    readonly id: string,
    readonly fence: number,
    readonly logger: Logger,
  ) {
    this.#timer = setInterval(() => void this.#write(), (table.leaseSeconds * 1000) / 4);
    this.#timer.unref();
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Records progress (0-99; completion writes 100); a write at most once a second. */
  readonly set = async (percent: number): Promise<void> => {
    if (percent <= this.#percent) return;
    this.#percent = percent;
    if (Date.now() - this.#lastWrite >= MIN_WRITE_INTERVAL_MS) await this.#write();
  };

  /** Throws JobAbandonedError once the job stopped being this worker's. */
  check(): void {
    if (this.#abort.signal.aborted) throw new JobAbandonedError(this.id);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  #write(): Promise<void> {
    // Chained so two writes never race and the last percent is the one that lands.
    this.#writing = this.#writing.then(async () => {
      if (this.#closed || this.#abort.signal.aborted) return;
      this.#lastWrite = Date.now();
      try {
        const ours = await this.table.heartbeat(this.tenantId, this.id, this.fence, this.#percent);
        if (!ours) this.#abort.abort(new JobAbandonedError(this.id));
      } catch (error) {
        // A missed heartbeat is not fatal: the lease outlives several of them.
        this.logger.warn({ err: error, jobId: this.id }, 'jobs: progress write failed');
      }
    });
    return this.#writing;
  }
}
