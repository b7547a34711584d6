import type { KeyValueStore } from '../../infra/kv';
import { addCounts, DIMENSIONS, emptyCounts, NO_FILTER, top, type Counts, type Dimension, type FacetCounts } from './FacetCounts';
import { labelKey } from './normalize';
import type { FacetCount } from './views';

// A snapshot lives at most this long: versions nobody reads any more expire on their own.
const SNAPSHOT_TTL_MS = 60 * 60 * 1000;
const BUILD_LOCK_MS = 30_000;

/**
 * Tag, language and framework membership (SETs of display forms) and counts (HASHes by key)
 * of each tenant's public POCs, in the key-value store: Redis, or the in-process store on the
 * embedded defaults. They answer popular tags, suggestions and the facets of an unfiltered
 * browse; the caller's own private POCs are added from SQL (FacetCounts.own).
 *
 * Every write that changes a count bumps the tenant's version, and the snapshot of a version
 * is built from `poc_facet_counts` the first time it is read. A build that raced with a write
 * stored its figures under the old version, which nobody reads again: a stale count never
 * outlives the write that made it stale.
 */
export class TagIndex {
  constructor(
    readonly kv: KeyValueStore,
    readonly facets: FacetCounts,
  ) {}

  /** Call after the write committed, before answering it. */
  async invalidate(tenantId: string): Promise<void> {
    await this.kv.incr(`poc:idx:${tenantId}:ver`);
  }

  /** Counts over everything the caller may see: the tenant's public POCs and their own. */
  async counts(tenantId: string, userId: string): Promise<Counts> {
    const [shared, own] = await Promise.all([this.#shared(tenantId), this.facets.own(tenantId, userId, NO_FILTER)]);
    return addCounts(shared, own);
  }

  /** The most used tags (or frameworks, with `dim`) among the POCs the caller may see. */
  async popular(tenantId: string, userId: string, limit: number, dim: 'tag' | 'framework' = 'tag'): Promise<FacetCount[]> {
    return top((await this.counts(tenantId, userId))[dim], limit);
  }

  async suggest(tenantId: string, userId: string, prefix: string, limit: number, dim: 'tag' | 'framework' = 'tag'): Promise<FacetCount[]> {
    const start = labelKey(prefix);
    const labels = (await this.counts(tenantId, userId))[dim];
    return top(new Map([...labels].filter(([key]) => key.startsWith(start))), limit);
  }

  async #shared(tenantId: string): Promise<Counts> {
    const version = (await this.kv.get(`poc:idx:${tenantId}:ver`)) ?? '0';
    const base = `poc:idx:${tenantId}:${version}`;
    if (await this.kv.get(`${base}:ready`)) return this.#read(base);
    const counts = await this.facets.shared(tenantId, NO_FILTER);
    // One caller stores the snapshot; the others answered from SQL meanwhile.
    if (await this.kv.setIfAbsent(`${base}:lock`, '1', BUILD_LOCK_MS)) await this.#write(base, counts);
    return counts;
  }

  async #read(base: string): Promise<Counts> {
    const counts = emptyCounts();
    const read = async (dim: Dimension) => {
      const [names, numbers] = await Promise.all([this.kv.smembers(`${base}:names:${dim}`), this.kv.hgetall(`${base}:count:${dim}`)]);
      for (const value of names) {
        const key = labelKey(value);
        counts[dim].set(key, { value, count: Number(numbers[key] ?? 0) });
      }
    };
    const [total] = await Promise.all([this.kv.hgetall(`${base}:count:*`), ...DIMENSIONS.map(read)]);
    counts.total = Number(total.total ?? 0);
    return counts;
  }

  async #write(base: string, counts: Counts): Promise<void> {
    const keys = [`${base}:count:*`];
    const writes: Array<Promise<unknown>> = [this.kv.hincrby(`${base}:count:*`, 'total', counts.total)];
    for (const dim of DIMENSIONS) {
      const entries = [...counts[dim]];
      if (entries.length === 0) continue;
      keys.push(`${base}:names:${dim}`, `${base}:count:${dim}`);
      writes.push(this.kv.sadd(`${base}:names:${dim}`, ...entries.map(([, c]) => c.value)));
      for (const [key, c] of entries) writes.push(this.kv.hincrby(`${base}:count:${dim}`, key, c.count));
    }
    await Promise.all(writes);
    await Promise.all(keys.map((key) => this.kv.expire(key, SNAPSHOT_TTL_MS)));
    // Marked ready last, and expiring first, so a reader never sees a half-written snapshot.
    await this.kv.set(`${base}:ready`, '1', SNAPSHOT_TTL_MS - 60_000);
  }
}
