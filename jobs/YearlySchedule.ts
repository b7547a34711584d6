import { Cron } from 'croner';
import type { KeyValueStore, LeaseManager } from '../infra/kv';
import type { Logger } from '../infra/logger';

const LEASE_TTL_MS = 5 * 60_000;
// The batch of a year is done once; the marker outlives any schedule that fires again that year.
const DONE_TTL_MS = 400 * 24 * 60 * 60_000;
// The schedule fires once a year: a batch that fails (database down at 03:00) is tried again.
const RETRY_MS = 10 * 60_000;
const RETRIES = 12;

export interface YearlyScheduleDeps {
  pattern: string;
  leases: LeaseManager;
  kv: KeyValueStore;
  /** This process, as the lease owner. */
  owner: string;
  logger: Logger;
  /** Runs the batch for `year`; stops when `signal` aborts (the lease was lost). */
  run(year: number, signal: AbortSignal): Promise<void>;
}

/**
 * Fires the yearly batch on its cron (UTC) for the previous year. Every `jobs` process schedules
 * it; a fenced lease per year lets exactly one of them run it, and a done marker keeps a late
 * tick elsewhere (clock skew, a restart) from starting it again.
 */
export class YearlySchedule {
  #cron: Cron | undefined;
  readonly #retries = new Set<NodeJS.Timeout>();

  constructor(readonly deps: YearlyScheduleDeps) {}

  start(): void {
    this.#cron = new Cron(this.deps.pattern, { timezone: 'UTC', protect: true }, async (self: Cron) => {
      const firedAt = self.currentRun() ?? new Date();
      await this.#attempt(firedAt.getUTCFullYear() - 1, 1);
    });
  }

  async #attempt(year: number, attempt: number): Promise<void> {
    try {
      await this.fire(year);
    } catch (err) {
      this.deps.logger.error({ err, year, attempt }, 'jobs: yearly batch failed');
      if (attempt >= RETRIES) return;
      const timer = setTimeout(() => {
        this.#retries.delete(timer);
        void this.#attempt(year, attempt + 1);
      }, RETRY_MS);
      timer.unref();
      this.#retries.add(timer);
    }
  }

  /** The next time it fires, for logs and tests. */
  next(): Date | null {
    return this.#cron?.nextRun() ?? null;
  }

  stop(): void {
    this.#cron?.stop();
    for (const timer of this.#retries) clearTimeout(timer);
    this.#retries.clear();
  }

  /** Runs the batch of `year` here unless another process holds it or it is done; true when it ran here. */
  async fire(year: number): Promise<boolean> {
    const { leases, kv, owner, logger } = this.deps;
    const name = `jobs:yearly:${year}`;
    if (await kv.get(`${name}:done`)) return false;
    const lease = await leases.acquire(name, owner, LEASE_TTL_MS);
    if (!lease) {
      logger.info({ year }, 'jobs: yearly batch runs in another process');
      return false;
    }
    const abort = new AbortController();
    const renew = setInterval(() => {
      void leases.renew(name, owner, lease.token, LEASE_TTL_MS).then(
        (kept) => kept || abort.abort(new Error('yearly batch lease lost')),
        (err: unknown) => logger.warn({ err, year }, 'jobs: lease renewal failed'),
      );
    }, LEASE_TTL_MS / 3);
    renew.unref();
    try {
      // Checked again under the lease: the previous holder may have finished just now.
      if (await kv.get(`${name}:done`)) return false;
      logger.info({ year }, 'jobs: yearly batch starting');
      await this.deps.run(year, abort.signal);
      if (!abort.signal.aborted) await kv.set(`${name}:done`, new Date().toISOString(), DONE_TTL_MS);
      return true;
    } finally {
      clearInterval(renew);
      await leases.release(name, owner, lease.token).catch(() => false);
    }
  }
}
