import type { KeyValueStore } from '../../../infra/kv';

/**
 * Dashboard answers cached per tenant. Every key embeds the tenant's data version, a counter in
 * the kv store that writers bump (`bump`): a write makes every cached answer of its tenant
 * unreachable at once, without listing or deleting keys, and the old entries age out by TTL.
 * The TTL also bounds how stale an answer can be after a write that bumped nothing (a writer
 * that does not announce its writes yet, or a bump lost with an in-process store on another node).
 */
export class DashboardCache {
  constructor(
    readonly kv: KeyValueStore,
    readonly ttlMs: number,
  ) {}

  async get<T>(tenantId: string, key: string, compute: () => Promise<T>): Promise<T> {
    const version = (await this.kv.get(versionKey(tenantId))) ?? '0';
    const full = `reports:dash:${tenantId}:${version}:${key}`;
    const hit = await this.kv.get(full);
    if (hit !== null) return JSON.parse(hit) as T;
    const value = await compute();
    await this.kv.set(full, JSON.stringify(value), this.ttlMs);
    return value;
  }

  /** Called for every write that changes a tenant's figures. */
  async bump(tenantId: string): Promise<void> {
    await this.kv.incr(versionKey(tenantId));
  }
}

const versionKey = (tenantId: string) => `reports:dash:${tenantId}:version`;
