import { LuaScript } from './LuaScript';
import type { MemoryKeyValueStore } from './MemoryKeyValueStore';
import type { RedisKeyValueStore } from './RedisKeyValueStore';

// The steps of a lease that read then write, each of which must be atomic. The Redis scripts
// and the in-process functions below are the same algorithm line for line; the shared contract
// tests hold them to the same behaviour.
//
// Layout: `holder` is a hash {owner, token, expiresAt} whose TTL is the lease; `fence` is a
// counter with no TTL, so tokens keep rising across expiries, releases and restarts of holders.

export interface LeaseKeys {
  holder: string;
  fence: string;
}

export interface LeaseBackend {
  /** The token, or null when another owner holds the lease. */
  acquire(keys: LeaseKeys, owner: string, ttlMs: number, expiresAt: number): Promise<number | null>;
  renew(keys: LeaseKeys, owner: string, token: number, ttlMs: number, expiresAt: number): Promise<boolean>;
  release(keys: LeaseKeys, owner: string, token: number): Promise<boolean>;
}

const ACQUIRE = new LuaScript(`
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return false end
if owner then
  redis.call('HSET', KEYS[1], 'expiresAt', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('HGET', KEYS[1], 'token'))
end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token, 'expiresAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return token
`);

const RENEW = new LuaScript(`
local held = redis.call('HMGET', KEYS[1], 'owner', 'token')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

const RELEASE = new LuaScript(`
local held = redis.call('HMGET', KEYS[1], 'owner', 'token')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`);

export function redisLeaseBackend(kv: RedisKeyValueStore): LeaseBackend {
  return {
    async acquire(keys, owner, ttlMs, expiresAt) {
      const token = await kv.runScript(ACQUIRE, [keys.holder, keys.fence], [owner, ttlMs, expiresAt]);
      return token === null ? null : Number(token);
    },
    async renew(keys, owner, token, ttlMs, expiresAt) {
      return (await kv.runScript(RENEW, [keys.holder], [owner, token, ttlMs, expiresAt])) === 1;
    },
    async release(keys, owner, token) {
      return (await kv.runScript(RELEASE, [keys.holder], [owner, token])) === 1;
    },
  };
}

export function memoryLeaseBackend(kv: MemoryKeyValueStore): LeaseBackend {
  return {
    async acquire(keys, owner, ttlMs, expiresAt) {
      return kv.atomically((data) => {
        const held = data.hgetall(keys.holder);
        if (held.owner !== undefined && held.owner !== owner) return null;
        if (held.owner !== undefined) {
          data.hset(keys.holder, { expiresAt: String(expiresAt) });
          data.expire(keys.holder, ttlMs);
          return Number(held.token);
        }
        const token = data.incr(keys.fence);
        data.hset(keys.holder, { owner, token: String(token), expiresAt: String(expiresAt) });
        data.expire(keys.holder, ttlMs);
        return token;
      });
    },
    async renew(keys, owner, token, ttlMs, expiresAt) {
      return kv.atomically((data) => {
        const held = data.hgetall(keys.holder);
        if (held.owner !== owner || held.token !== String(token)) return false;
        data.hset(keys.holder, { expiresAt: String(expiresAt) });
        data.expire(keys.holder, ttlMs);
        return true;
      });
    },
    async release(keys, owner, token) {
      return kv.atomically((data) => {
        const held = data.hgetall(keys.holder);
        if (held.owner !== owner || held.token !== String(token)) return false;
        data.del([keys.holder]);
        return true;
      });
    },
  };
}
