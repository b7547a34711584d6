import { createHash } from 'node:crypto';
import type { Context } from 'moleculer';
import type { KeyValueStore } from '../../infra/kv';
import type { CallMeta } from '../auth';
import { pocCacheReads } from './metrics';

/** Seconds a cached read lives at most (a write makes it unreachable at once, see below). */
export const CACHE_TTL_S = 300;

/**
 * Cached reads of the poc actor, keyed `poc.<action>:<tenant>:<version>:<user>:<hash of params>`.
 *
 * Every write bumps its tenant's version (in the key-value store: Redis, shared by all nodes, or
 * in process), so the next read of any of its users misses and recomputes, and entries of older
 * versions expire unread. This replaces a pattern clean of the cacher after each write plus a
 * second clean one second later (for a read that started before the write and stored its answer
 * after the first clean): that second clean also dropped every answer cached in the second after
 * a write, so during a stream of writes repeated identical reads kept missing, and each clean
 * scanned the whole cacher (a Redis SCAN per write). A read that started before a write stores
 * its answer under the old version, which nobody reads any more: no window to close.
 *
 * JSON-encoding each listed param value cannot collide (Moleculer's default key joins values
 * with `|`, so `q="a|b"` and `q="a", language="b"` could share a key).
 */
export class ReadCache {
  readonly #reads = pocCacheReads();

  constructor(readonly kv: KeyValueStore) {}

  /** The cached answer of this call, or `compute()`'s, stored for the next identical call. */
  async read<T>(ctx: Context<unknown, CallMeta>, params: readonly string[], compute: () => Promise<T>): Promise<T> {
    const cacher = ctx.broker.cacher;
    const action = ctx.action?.name ?? 'poc';
    if (!cacher || (ctx.meta as { $cache?: boolean }).$cache === false) return compute();
    const tenantId = ctx.meta.auth?.tenantId ?? '-';
    const key = pocCacheKey(action, tenantId, await this.#version(tenantId), ctx.meta.auth?.userId ?? '-', ctx.params, params);
    const cached = (await cacher.get(key)) as T | null;
    this.#reads.inc({ action, result: cached == null ? 'miss' : 'hit' });
    if (cached != null) return cached;
    const result = await compute();
    await cacher.set(key, result, CACHE_TTL_S);
    return result;
  }

  /** Call after a write committed, before answering it: the tenant's cached reads are stale. */
  async written(tenantId: string): Promise<void> {
    await this.kv.incr(versionKey(tenantId));
  }

  async #version(tenantId: string): Promise<string> {
    return (await this.kv.get(versionKey(tenantId))) ?? '0';
  }
}

// Never expires (one small key per tenant that wrote): a lost version would restart at 0 and let
// entries of old versions be read again as the counter climbs back.
const versionKey = (tenantId: string) => `poc:cache:${tenantId}:ver`;

export function pocCacheKey(action: string, tenantId: string, version: string, userId: string, params: unknown, keys: readonly string[]): string {
  const values = keys.map((key) => (params as Record<string, unknown> | null)?.[key] ?? null);
  const digest = createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 32);
  return `${action}:${tenantId}:${version}:${userId}:${digest}`;
}
