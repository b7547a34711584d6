import { MemoryKeyValueStore } from './MemoryKeyValueStore';
import { RedisKeyValueStore } from './RedisKeyValueStore';
import type { Logger } from '../logger';
import type { KeyValueStore } from './types';

export interface KeyValueStoreConfig {
  /** REDIS_URL; absent means the embedded in-process store (single process only). */
  redisUrl?: string;
  /** Redis only: the in-process store is private to its process and needs no namespace. */
  keyPrefix?: string;
  logger?: Logger;
}

/** Picks Redis when a URL is configured, else the embedded store (DESIGN.md §3). */
export function createKeyValueStore(config: KeyValueStoreConfig = {}): KeyValueStore {
  if (config.redisUrl) {
    // The URL is not logged: it may carry a password.
    config.logger?.info({ kv: 'redis' }, 'kv: using redis');
    return new RedisKeyValueStore(config.redisUrl, { keyPrefix: config.keyPrefix, logger: config.logger });
  }
  config.logger?.info({ kv: 'memory' }, 'kv: using the in-process store');
  return new MemoryKeyValueStore({ logger: config.logger });
}
