import type { KeyValueStore } from '../../infra/kv';
import { RateLimitedError } from './errors';

export interface ThrottleLimits {
  /** Failed logins allowed per tenant+username in a window. */
  perUser: number;
  /** Failed logins allowed per client address in a window (many usernames from one place). */
  perAddress: number;
  windowMs: number;
}

/** 5 tries per account, 100 per address, per 15 minutes: far above a person's typos, far below guessing. */
export const LOGIN_LIMITS: ThrottleLimits = { perUser: 5, perAddress: 100, windowMs: 15 * 60 * 1000 };

/**
 * Login brute-force protection. Only failures count, and a blocked key is refused before any
 * hash is computed, so an attacker can neither guess on nor burn CPU; a person who logs in
 * successfully never consumes the budget. Counters live in the key-value store (Redis when set),
 * in fixed windows that expire on their own.
 */
export class LoginThrottle {
  constructor(
    readonly kv: KeyValueStore,
    readonly limits: ThrottleLimits = LOGIN_LIMITS,
    readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 with the seconds until the window resets when either key is exhausted. */
  async check(tenant: string, username: string, address: string | undefined): Promise<void> {
    for (const [key, limit] of this.#keys(tenant, username, address)) {
      const count = Number((await this.kv.get(key)) ?? 0);
      if (count >= limit) throw new RateLimitedError(Math.max(1, Math.ceil(this.#remainingMs() / 1000)));
    }
  }

  async failed(tenant: string, username: string, address: string | undefined): Promise<void> {
    await Promise.all(this.#keys(tenant, username, address).map(([key]) => this.kv.incr(key, this.#remainingMs())));
  }

  /** A successful login forgives the account's earlier typos (not the address's). */
  async succeeded(tenant: string, username: string): Promise<void> {
    await this.kv.del(this.#userKey(tenant, username));
  }

  #keys(tenant: string, username: string, address: string | undefined): Array<[string, number]> {
    const keys: Array<[string, number]> = [[this.#userKey(tenant, username), this.limits.perUser]];
    if (address) keys.push([`login:fail:addr:${address}:${this.#window()}`, this.limits.perAddress]);
    return keys;
  }

  #userKey(tenant: string, username: string): string {
    return `login:fail:user:${tenant.toLowerCase()}:${username.toLowerCase()}:${this.#window()}`;
  }

  #window(): number {
    return Math.floor(this.now() / this.limits.windowMs);
  }

  #remainingMs(): number {
    return (this.#window() + 1) * this.limits.windowMs - this.now();
  }
}
