import test from 'ava';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createKeyValueStore } from './createKeyValueStore';
import { kvContract } from './kvContract';
import { createLeaseManager } from './leaseManager';
import { MemoryKeyValueStore } from './MemoryKeyValueStore';
import { RedisKeyValueStore } from './RedisKeyValueStore';
import type { KeyValueStore } from './types';

const redisUrl = process.env.REDIS_URL;

kvContract('memory', async () => {
  const kv = new MemoryKeyValueStore();
  return { kv, dispose: () => kv.close() };
});

if (redisUrl) {
  // A random prefix per run keeps concurrent runs apart and lets cleanup find every key.
  const keyPrefix = `test:kv:${randomUUID()}:`;
  kvContract('redis', async () => {
    const kv = createKeyValueStore({ redisUrl, keyPrefix });
    const dispose = async () => {
      await kv.close();
      await deleteByPrefix(redisUrl, keyPrefix);
    };
    return { kv, dispose };
  });

  test('redis: the factory picks Redis; leases work over a bare ioredis client too', async (t) => {
    const prefix = `test:kv:${randomUUID()}:`;
    const kv = createKeyValueStore({ redisUrl, keyPrefix: prefix });
    const raw = new Redis(redisUrl);
    try {
      t.true(kv instanceof RedisKeyValueStore);
      // Same keys through both: with a bare client the run's prefix goes into the lease namespace.
      const viaStore = createLeaseManager(kv);
      const viaClient = createLeaseManager(raw, { keyPrefix: `${prefix}lease:` });
      const lease = await viaStore.acquire('room', 'node-a', 5_000);
      t.deepEqual(await viaClient.holder('room'), { owner: 'node-a', ...lease! });
      t.is(await viaClient.acquire('room', 'node-b', 5_000), null);
      t.is(await raw.pttl(`${prefix}lease:{room}:fence`), -1, 'the fencing counter never expires');
    } finally {
      await kv.close();
      await kv.close();
      await raw.quit();
      await deleteByPrefix(redisUrl, prefix);
    }
  });
}

test('factory without a URL picks the in-process store; close is idempotent', async (t) => {
  const kv = createKeyValueStore({});
  t.true(kv instanceof MemoryKeyValueStore);
  await kv.close();
  await t.notThrowsAsync(kv.close());
  await t.throwsAsync(kv.get('x'), { message: /closed/ });
});

test('memory: the sweep drops expired keys without a read', async (t) => {
  const swept: unknown[] = [];
  const noop = () => {};
  const kv = new MemoryKeyValueStore({
    sweepIntervalMs: 20,
    logger: { info: noop, warn: noop, error: noop, debug: (obj) => swept.push(obj) },
  });
  await kv.set('a', '1', 10);
  await kv.set('b', '1');
  await new Promise((r) => setTimeout(r, 100));
  await kv.close();
  t.deepEqual(swept, [{ dropped: 1 }]);
});

test('leases refuse a store without atomic operations', (t) => {
  // Any other KeyValueStore (a wrapper, a mock) cannot run the lease steps atomically.
  t.throws(() => createLeaseManager({} as KeyValueStore), { instanceOf: TypeError });
});

async function deleteByPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
