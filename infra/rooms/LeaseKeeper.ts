import type { LeaseManager } from '../kv';
import type { Logger } from '../logger';

export interface LeaseTiming {
  ttlMs: number;
  renewMs: number;
  safetyMs: number;
}

/**
 * Keeps a room's lease while the room is active. The room may act only while `valid()`: until
 * the TTL counted from when the last successful renewal was *sent*, minus a safety margin. The
 * store expires the lease no earlier than that, so the room stops acting before anyone else can
 * take over, whatever the clocks of other nodes say. A lost lease is reported at once.
 */
export class LeaseKeeper {
  #validUntil: number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    readonly leases: LeaseManager,
    readonly name: string,
    readonly owner: string,
    readonly token: number,
    acquiredAt: number,
    readonly timing: LeaseTiming,
    readonly onLost: (reason: string) => void,
    readonly logger: Logger,
  ) {
    this.#validUntil = acquiredAt + timing.ttlMs - timing.safetyMs;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#renew(), this.timing.renewMs);
    this.#timer.unref();
  }

  valid(now = Date.now()): boolean {
    return !this.#stopped && now < this.#validUntil;
  }

  /** Stops renewing; with `release`, frees the lease so the next activation needs no wait. */
  async stop(release: boolean): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    if (release) await this.leases.release(this.name, this.owner, this.token).catch((err: unknown) => this.logger.warn({ err, lease: this.name }, 'lease release failed'));
  }

  async #renew(): Promise<void> {
    if (this.#stopped) return;
    const sentAt = Date.now();
    // Renewals stuck behind a slow store: the lease may already be gone.
    if (sentAt >= this.#validUntil) {
      this.#lost('lease expired before it was renewed');
      return;
    }
    try {
      const kept = await this.leases.renew(this.name, this.owner, this.token, this.timing.ttlMs);
      if (this.#stopped) return;
      if (kept) {
        this.#validUntil = sentAt + this.timing.ttlMs - this.timing.safetyMs;
        return;
      }
      this.#lost('lease taken or expired');
    } catch (err) {
      // The store is unreachable: keep trying while the lease is still surely ours.
      this.logger.warn({ err, lease: this.name }, 'lease renewal failed');
      if (!this.valid()) this.#lost('lease could not be renewed in time');
    }
  }

  #lost(reason: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.onLost(reason);
  }
}
