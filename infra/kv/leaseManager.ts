import { Redis } from 'ioredis';
import { integerArg, requiredTtlArg } from './args';
import { memoryLeaseBackend, redisLeaseBackend, type LeaseBackend, type LeaseKeys } from './leaseBackends';
import { MemoryKeyValueStore } from './MemoryKeyValueStore';
import { RedisKeyValueStore } from './RedisKeyValueStore';
import type { KeyValueStore, Lease, LeaseHolder, LeaseManager } from './types';

export interface LeaseManagerOptions {
  /** Namespace for lease keys inside the store. */
  keyPrefix?: string;
}

/**
 * Leases with fencing tokens over either store. A bare ioredis client is accepted too (it is
 * used, not owned). Leases need atomic read-then-write steps, which the KeyValueStore interface
 * cannot express, so only the two known stores qualify.
 * expiresAt is the caller's clock plus ttlMs; the store's TTL is what actually ends the lease.
 */
export function createLeaseManager(store: KeyValueStore | Redis, options: LeaseManagerOptions = {}): LeaseManager {
  const kv: KeyValueStore = store instanceof Redis ? new RedisKeyValueStore(store) : store;
  const backend = backendFor(kv);
  const prefix = options.keyPrefix ?? 'lease:';
  // The hash tag keeps both keys of a lease in one Redis Cluster slot, as a script requires.
  const keysOf = (name: string): LeaseKeys => ({
    holder: `${prefix}{${name}}:holder`,
    fence: `${prefix}{${name}}:fence`,
  });

  async function holder(name: string): Promise<LeaseHolder | null> {
    const held = await kv.hgetall(keysOf(nonEmpty('name', name)).holder);
    if (held.owner === undefined) return null;
    return { owner: held.owner, token: Number(held.token), expiresAt: Number(held.expiresAt) };
  }

  return {
    async acquire(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
      const ttl = requiredTtlArg(ttlMs);
      const expiresAt = Date.now() + ttl;
      const token = await backend.acquire(keysOf(nonEmpty('name', name)), nonEmpty('owner', owner), ttl, expiresAt);
      return token === null ? null : { token, expiresAt };
    },

    async renew(name: string, owner: string, token: number, ttlMs: number): Promise<boolean> {
      const ttl = requiredTtlArg(ttlMs);
      return backend.renew(keysOf(nonEmpty('name', name)), owner, integerArg('token', token), ttl, Date.now() + ttl);
    },

    async release(name: string, owner: string, token: number): Promise<boolean> {
      return backend.release(keysOf(nonEmpty('name', name)), owner, integerArg('token', token));
    },

    holder,

    async isCurrent(name: string, token: number): Promise<boolean> {
      return (await holder(name))?.token === token;
    },
  };
}

function backendFor(kv: KeyValueStore): LeaseBackend {
  if (kv instanceof RedisKeyValueStore) return redisLeaseBackend(kv);
  if (kv instanceof MemoryKeyValueStore) return memoryLeaseBackend(kv);
  throw new TypeError('createLeaseManager needs a RedisKeyValueStore, a MemoryKeyValueStore or an ioredis client');
}

function nonEmpty(what: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${what} must be a non-empty string`);
  return value;
}
