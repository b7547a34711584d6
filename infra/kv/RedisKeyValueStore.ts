import { Redis } from 'ioredis';
import { integerArg, requiredTtlArg, ttlArg } from './args';
import { LuaScript } from './LuaScript';
import type { Logger } from '../logger';
import type { KeyValueStore } from './types';
import { KvUnavailableError } from './unavailable';

// INCR then PEXPIRE in one script so a crash between the two can never leave a counter that
// lives forever (a rate-limit key without TTL would lock a client out for good).
const INCR_WITH_TTL = new LuaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 and ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`);

/** ioredis states between a lost connection and the next 'ready'. */
const DOWN = new Set(['close', 'reconnecting']);

export interface RedisKeyValueStoreOptions {
  /** Prepended to every key, so several deployments or test runs can share one Redis. */
  keyPrefix?: string;
  logger?: Logger;
}

/** KeyValueStore over Redis (ioredis); every multi-step operation is one Lua script. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly #redis: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #logger: Logger | undefined;
  #closed = false;
  #healthy = true;

  /** Given a URL the store owns its connection; given a client, close() leaves it open. */
  constructor(redis: Redis | string, options: RedisKeyValueStoreOptions = {}) {
    this.#prefix = options.keyPrefix ?? '';
    this.#logger = options.logger;
    this.#ownsClient = typeof redis === 'string';
    // Few retries per command: callers (rate limits, /ready) should hear "down" quickly
    // rather than wait through ioredis' default 20 reconnect attempts.
    this.#redis = typeof redis === 'string' ? new Redis(redis, { maxRetriesPerRequest: 3 }) : redis;
    if (this.#ownsClient) this.#watchConnection();
  }

  async get(key: string): Promise<string | null> {
    return this.#client().get(this.#key(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const ttl = ttlArg(ttlMs);
    if (ttl === undefined) await this.#client().set(this.#key(key), value);
    else await this.#client().set(this.#key(key), value, 'PX', ttl);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const ttl = ttlArg(ttlMs);
    const reply = ttl === undefined ? await this.#client().set(this.#key(key), value, 'NX') : await this.#client().set(this.#key(key), value, 'PX', ttl, 'NX');
    return reply === 'OK';
  }

  async del(...keys: string[]): Promise<number> {
    // Redis rejects DEL without arguments; memory answers 0, so do the same here.
    if (keys.length === 0) return 0;
    return this.#client().del(...keys.map((k) => this.#key(k)));
  }

  async incr(key: string, ttlMs?: number): Promise<number> {
    const ttl = ttlArg(ttlMs);
    return Number(await this.runScript(INCR_WITH_TTL, [key], [ttl ?? '']));
  }

  async sadd(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.#client().sadd(this.#key(key), ...members);
  }

  async srem(key: string, ...members: string[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.#client().srem(this.#key(key), ...members);
  }

  async smembers(key: string): Promise<string[]> {
    return this.#client().smembers(this.#key(key));
  }

  async hincrby(key: string, field: string, by: number): Promise<number> {
    return this.#client().hincrby(this.#key(key), field, integerArg('by', by));
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    return this.#client().hgetall(this.#key(key));
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#client().pexpire(this.#key(key), requiredTtlArg(ttlMs))) === 1;
  }

  async ping(): Promise<void> {
    await this.#client().ping();
  }

  /** Runs a Lua script atomically; `keys` are unprefixed names, prefixed here like every key. */
  async runScript(script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return script.run(
      this.#client(),
      keys.map((k) => this.#key(k)),
      args,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ownsClient) return;
    try {
      await this.#redis.quit();
    } catch {
      // QUIT fails when the connection is already down; drop it without waiting.
      this.#redis.disconnect();
    }
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  #client(): Redis {
    if (this.#closed) throw new Error('RedisKeyValueStore is closed');
    // Once the connection is lost, ioredis would hold each command through its retries
    // (~1.7 s) only to fail it: callers (a request, /ready) should hear "down" at once. Read
    // from ioredis's own state, so a first connect still queues commands as before.
    if (DOWN.has(this.#redis.status)) throw new KvUnavailableError();
    return this.#redis;
  }

  // ioredis emits 'error' on every failed reconnect; log the transition, not each attempt.
  // A listener must exist anyway, or ioredis prints unhandled errors to the console.
  #watchConnection(): void {
    this.#redis.on('error', (err: Error) => {
      if (!this.#healthy) return;
      this.#healthy = false;
      this.#logger?.warn({ err }, 'kv: redis connection lost');
    });
    this.#redis.on('ready', () => {
      if (this.#healthy) return;
      this.#healthy = true;
      this.#logger?.info({}, 'kv: redis connection restored');
    });
  }
}
