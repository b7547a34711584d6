import { createHash } from 'node:crypto';
import type { ActionCacheOptions, ServiceBroker } from 'moleculer';
import type { CallMeta } from '../auth';

/**
 * Cache keys of the poc actor's reads: `poc.<action>:<tenant>:<user>:<hash of the params>`.
 *
 * Moleculer's default key joins values with `|`, so `q="a|b"` and `q="a", language="b"` could
 * share a key; JSON-encoding each listed value cannot collide. Tenant and user lead the key so
 * a write cleans its tenant's entries only (memory and Redis cachers both match that prefix).
 */
export function pocCacheKey(actionName: string, params: unknown, meta: unknown, keys: readonly string[] = []): string {
  const auth = (meta as CallMeta | undefined)?.auth;
  const values = keys.filter((key) => !key.startsWith('#')).map((key) => (params as Record<string, unknown> | null)?.[key] ?? null);
  const digest = createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 32);
  return `${actionName}:${auth?.tenantId ?? '-'}:${auth?.userId ?? '-'}:${digest}`;
}

/** Cache settings of a read action; the listed params are the ones its result depends on. */
export function cacheOf(params: readonly string[]): ActionCacheOptions {
  return { keys: ['#auth.tenantId', '#auth.userId', ...params], keygen: pocCacheKey };
}

/** Drops every cached read of one tenant (all its users) on this node's cacher. */
export async function cleanTenant(broker: ServiceBroker, tenantId: string): Promise<void> {
  await broker.cacher?.clean(`poc.*:${tenantId}:**`);
}
