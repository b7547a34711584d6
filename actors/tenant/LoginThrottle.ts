import { createHash } from 'node:crypto';
import type { ExpiringStore } from '../../infra/kv';
import { RateLimitedError } from './errors';

export interface ThrottleLimits {
  /** Failures of one account from one address that cost nothing: a person's typos. */
  freePerPair: number;
  /** Past the free ones, each failure makes that pair wait twice as long, from 1 s up to this. */
  maxDelayMs: number;
  /** Failures of one account from one address that lock that pair until the window ends. */
  perPair: number;
  /** Failures of one account from anywhere that lock it against addresses it never logged in from. */
  perAccount: number;
  /** Failures from one address over any accounts (one place guessing many usernames). */
  perAddress: number;
  windowMs: number;
}

/** Per 15 minutes: 3 free typos, then 1, 2, 4 ... 60 s apart; 10 lock the pair, or the account against strangers. */
export const LOGIN_LIMITS: ThrottleLimits = { freePerPair: 3, maxDelayMs: 60_000, perPair: 10, perAccount: 10, perAddress: 100, windowMs: 15 * 60 * 1000 };

export interface LoginAttempt {
  tenant: string;
  username: string;
  address: string | undefined;
}

/**
 * Login brute-force protection that an attacker cannot turn against the account's owner. Only
 * failures count, and a refused attempt is refused before any hash is computed. Guessing from
 * one address slows down, then locks that address out of that account only; guessing from many
 * addresses locks the account against strangers, while its owner, from an address they logged in
 * from before, still gets through (the caller decides who is known). Counters live in the
 * security state store (Redis, or the database on embedded defaults), in fixed windows.
 */
export class LoginThrottle {
  constructor(
    readonly store: ExpiringStore,
    readonly limits: ThrottleLimits = LOGIN_LIMITS,
    readonly now: () => number = Date.now,
  ) {}

  /** Throws 429 when the address, or this account from this address, must wait. */
  async check(attempt: LoginAttempt): Promise<void> {
    const keys = this.#keys(attempt);
    const [byAddress, byPair, waitUntil] = await Promise.all([keys.address ? this.store.get(keys.address) : null, this.store.get(keys.pair), this.store.get(keys.wait)]);
    if (Number(byAddress ?? 0) >= this.limits.perAddress || Number(byPair ?? 0) >= this.limits.perPair) this.#refuse(this.#windowLeftMs());
    if (waitUntil && Number(waitUntil) > this.now()) this.#refuse(Number(waitUntil) - this.now());
  }

  /** For an address the account never logged in from: throws 429 while the account is locked. */
  async checkStranger(attempt: LoginAttempt): Promise<void> {
    if (Number((await this.store.get(this.#keys(attempt).account)) ?? 0) >= this.limits.perAccount) this.#refuse(this.#windowLeftMs());
  }

  /** Counts a failure; `lockoutStarted` is true for exactly one failure per lockout (to tell the owner once). */
  async failed(attempt: LoginAttempt): Promise<{ lockoutStarted: boolean }> {
    const keys = this.#keys(attempt);
    const ttl = this.#windowLeftMs();
    const [byPair, byAccount] = await Promise.all([this.store.incr(keys.pair, ttl), this.store.incr(keys.account, ttl), keys.address ? this.store.incr(keys.address, ttl) : 0]);
    if (byPair >= this.limits.freePerPair) {
      const delay = Math.min(this.limits.maxDelayMs, 1000 * 2 ** (byPair - this.limits.freePerPair));
      await this.store.set(keys.wait, String(this.now() + delay), delay);
    }
    return { lockoutStarted: byAccount === this.limits.perAccount };
  }

  /** A successful login forgives this pair its typos; the account's count (strangers' guesses) stands. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const keys = this.#keys(attempt);
    await this.store.del(keys.pair, keys.wait);
  }

  #refuse(waitMs: number): never {
    throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
  }

  #keys(attempt: LoginAttempt): { account: string; pair: string; wait: string; address: string | undefined } {
    const window = Math.floor(this.now() / this.limits.windowMs);
    // Digests, not names: the counters outlive nothing personal (an erased account's username, an address).
    const account = digest(`${attempt.tenant.toLowerCase()}:${attempt.username.toLowerCase()}`);
    const address = attempt.address ? digest(attempt.address) : '-';
    const pair = `${account}:${address}`;
    return {
      account: `login:fail:account:${account}:${window}`,
      pair: `login:fail:pair:${pair}:${window}`,
      wait: `login:wait:${pair}`,
      address: attempt.address ? `login:fail:addr:${address}:${window}` : undefined,
    };
  }

  #windowLeftMs(): number {
    const { windowMs } = this.limits;
    return (Math.floor(this.now() / windowMs) + 1) * windowMs - this.now();
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
