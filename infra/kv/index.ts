export type { ExpiringStore, KeyValueStore, Lease, LeaseHolder, LeaseManager, RateLimiter, RateLimitResult } from './types';
export { createKeyValueStore, type KeyValueStoreConfig } from './createKeyValueStore';
export { MemoryKeyValueStore, type MemoryKeyValueStoreOptions } from './MemoryKeyValueStore';
export { RedisKeyValueStore, type RedisKeyValueStoreOptions } from './RedisKeyValueStore';
export { createRateLimiter, type RateLimiterOptions } from './rateLimiter';
export { createLeaseManager, type LeaseManagerOptions } from './leaseManager';
export { PostgresExpiringStore, type PostgresExpiringStoreOptions } from './PostgresExpiringStore';
