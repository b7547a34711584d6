/**
 * Key-value primitives behind one interface, so cache, presence, leases and rate limits run the
 * same code on the embedded in-process store and on Redis (DESIGN.md §3).
 * TTLs are milliseconds; a key whose TTL passed reads as absent on both implementations.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Replaces the value; like Redis SET, a write without ttlMs clears any previous TTL. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** SET NX: true when this call created the key (idempotency keys, dedupe). */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Number of keys that existed and were removed. */
  del(...keys: string[]): Promise<number>;
  /** Atomic increment; ttlMs applies only when this call creates the key. */
  incr(key: string, ttlMs?: number): Promise<number>;
  sadd(key: string, ...members: string[]): Promise<number>;
  srem(key: string, ...members: string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  hincrby(key: string, field: string, by: number): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
  /** false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Rejects when the backing service is unreachable (for /ready). */
  ping(): Promise<void>;
  /** Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The part of the store that security state uses (login throttling, session revocations): small
 * enough to be kept durable in PostgreSQL when no Redis is configured (PostgresExpiringStore), so
 * a restart forgets neither a logout nor a lockout. A key holds a value or a set, not both.
 */
export type ExpiringStore = Pick<KeyValueStore, 'get' | 'set' | 'setIfAbsent' | 'del' | 'incr' | 'sadd' | 'srem' | 'smembers' | 'expire' | 'close'>;

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** 0 when allowed; otherwise how long until the window resets. */
  retryAfterMs: number;
}

export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
}

export interface Lease {
  token: number;
  expiresAt: number;
}

export interface LeaseHolder extends Lease {
  owner: string;
}

/**
 * A named lease with a fencing token: the token strictly increases every time the lease changes
 * hands (or is re-acquired after release/expiry), so a stale owner can be refused by anyone who
 * checks the token.
 */
export interface LeaseManager {
  /** null if held by another owner; if already held by `owner`, extends it and keeps the token. */
  acquire(name: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** false if the lease was lost (expired, released, or taken by someone else). */
  renew(name: string, owner: string, token: number, ttlMs: number): Promise<boolean>;
  release(name: string, owner: string, token: number): Promise<boolean>;
  holder(name: string): Promise<LeaseHolder | null>;
  /** Fencing check: true only while `token` is the live lease's token. */
  isCurrent(name: string, token: number): Promise<boolean>;
}
