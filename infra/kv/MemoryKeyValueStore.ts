import { integerArg, requiredTtlArg, ttlArg } from './args';
import { MemoryData } from './MemoryData';
import type { Logger } from '../logger';
import type { KeyValueStore } from './types';

export interface MemoryKeyValueStoreOptions {
  /** How often expired keys are dropped; reads already ignore them, this only frees memory. */
  sweepIntervalMs?: number;
  logger?: Logger;
}

/**
 * The embedded default when no Redis is configured: one process, state in Maps.
 * Share one instance per process so every module sees the same presence, leases and limits.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #data = new MemoryData();
  readonly #sweeper: NodeJS.Timeout;
  readonly #logger: Logger | undefined;
  #closed = false;

  constructor(options: MemoryKeyValueStoreOptions = {}) {
    this.#logger = options.logger;
    this.#sweeper = setInterval(() => this.#sweep(), options.sweepIntervalMs ?? 30_000);
    // The sweep is housekeeping; it must never keep the process alive.
    this.#sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.#open().get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#open().set(key, value, ttlArg(ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.#open().setIfAbsent(key, value, ttlArg(ttlMs));
  }

  async del(...keys: string[]): Promise<number> {
    return this.#open().del(keys);
  }

  async incr(key: string, ttlMs?: number): Promise<number> {
    return this.#open().incr(key, ttlArg(ttlMs));
  }

  async sadd(key: string, ...members: string[]): Promise<number> {
    return this.#open().sadd(key, members);
  }

  async srem(key: string, ...members: string[]): Promise<number> {
    return this.#open().srem(key, members);
  }

  async smembers(key: string): Promise<string[]> {
    return this.#open().smembers(key);
  }

  async hincrby(key: string, field: string, by: number): Promise<number> {
    return this.#open().hincrby(key, field, integerArg('by', by));
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return this.#open().hgetall(key);
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    return this.#open().expire(key, requiredTtlArg(ttlMs));
  }

  async ping(): Promise<void> {
    this.#open();
  }

  /**
   * Runs `fn` with exclusive access to the data: the in-process counterpart of a Redis Lua
   * script, used by compound operations such as leases. `fn` must be synchronous.
   */
  atomically<T>(fn: (data: MemoryData) => T): T {
    return fn(this.#open());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#data.clear();
  }

  #open(): MemoryData {
    if (this.#closed) throw new Error('MemoryKeyValueStore is closed');
    return this.#data;
  }

  #sweep(): void {
    const dropped = this.#data.sweep();
    if (dropped > 0) this.#logger?.debug({ dropped }, 'kv: swept expired keys');
  }
}
