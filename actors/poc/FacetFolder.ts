import type { Logger } from '../../infra/logger';
import type { FacetCounts } from './FacetCounts';

/** How long after a write its tenant's pending facet writes are folded (more writes join it). */
export const FOLD_DELAY_MS = 250;

/**
 * Folds each tenant's pending facet writes (migration 945) shortly after writes, at most one
 * timer per tenant on this node: a burst of creates is folded a few times a second, not once per
 * create, and no writer waits for it. Counts are exact without it (readers add pending writes);
 * folding keeps what readers add small.
 */
export class FacetFolder {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(
    readonly facets: FacetCounts,
    readonly logger: Pick<Logger, 'warn'>,
    readonly delayMs = FOLD_DELAY_MS,
  ) {}

  /** Call after a write that may have changed counts committed. */
  written(tenantId: string): void {
    if (this.#stopped || this.#timers.has(tenantId)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(tenantId);
      this.facets.fold(tenantId).then(
        // Another node (or an earlier fold still running) holds the lock: try again after it.
        (folded) => folded || this.written(tenantId),
        (err: unknown) => this.logger.warn({ err, tenantId }, 'poc facet fold failed; pending writes stay counted and fold with the next write'),
      );
    }, this.delayMs);
    timer.unref();
    this.#timers.set(tenantId, timer);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
