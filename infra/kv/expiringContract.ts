// The behaviour every ExpiringStore shares (the memory and Redis stores, and the PostgreSQL store
// that keeps security state on embedded defaults). kvContract.ts runs it for the full stores;
// PostgresExpiringStore.test.ts for the PostgreSQL one.
import type { ExecutionContext } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExpiringStore } from './types';

// Timing: a key set with SHORT_MS must still be there on the next call even on a loaded CI box,
// and gone after PAST_SHORT_MS.
export const SHORT_MS = 250;
export const PAST_SHORT_MS = 400;

type It = (title: string, fn: (t: ExecutionContext) => Promise<void>) => void;

/** Registers the tests, each under its own keys (`ns()`), on the store `kv()` returns. */
export function expiringStoreContract(it: It, kv: () => ExpiringStore, ns: () => string): void {
  it('get/set/del round trip', async (t) => {
    const k = ns();
    t.is(await kv().get(k + 'a'), null);
    await kv().set(k + 'a', '1');
    await kv().set(k + 'b', '2');
    t.is(await kv().get(k + 'a'), '1');
    t.is(await kv().del(k + 'a', k + 'b', k + 'missing'), 2);
    t.is(await kv().get(k + 'a'), null);
    t.is(await kv().del(), 0);
  });

  it('values expire after their TTL, and a plain set clears a TTL', async (t) => {
    const k = ns();
    await kv().set(k + 'short', 'v', SHORT_MS);
    await kv().set(k + 'kept', 'v', SHORT_MS);
    await kv().set(k + 'kept', 'w');
    t.is(await kv().get(k + 'short'), 'v');
    await sleep(PAST_SHORT_MS);
    t.is(await kv().get(k + 'short'), null);
    t.is(await kv().get(k + 'kept'), 'w');
  });

  it('expire sets a TTL on an existing key only', async (t) => {
    const k = ns();
    t.false(await kv().expire(k + 'missing', 1000));
    await kv().sadd(k + 's', 'x');
    t.true(await kv().expire(k + 's', 60));
    await sleep(PAST_SHORT_MS);
    t.deepEqual(await kv().smembers(k + 's'), []);
  });

  it('setIfAbsent creates once, and again after expiry', async (t) => {
    const k = ns() + 'idem';
    t.true(await kv().setIfAbsent(k, 'first', SHORT_MS));
    t.false(await kv().setIfAbsent(k, 'second', SHORT_MS));
    t.is(await kv().get(k), 'first');
    await sleep(PAST_SHORT_MS);
    t.true(await kv().setIfAbsent(k, 'third'));
    t.is(await kv().get(k), 'third');
  });

  it('incr sets the TTL only when it creates the key', async (t) => {
    const k = ns() + 'n';
    t.is(await kv().incr(k, SHORT_MS), 1);
    t.is(await kv().incr(k, 60_000), 2);
    t.is(await kv().incr(k), 3);
    await sleep(PAST_SHORT_MS);
    t.is(await kv().get(k), null);
    t.is(await kv().incr(k), 1);
  });

  it('sets add, remove and list members; an emptied set is gone', async (t) => {
    const k = ns() + 'set';
    t.is(await kv().sadd(k, 'a', 'b', 'a'), 2);
    t.is(await kv().sadd(k, 'b', 'c'), 1);
    t.deepEqual((await kv().smembers(k)).sort(), ['a', 'b', 'c']);
    t.is(await kv().srem(k, 'a', 'zz'), 1);
    t.is(await kv().srem(k, 'b', 'c'), 2);
    t.deepEqual(await kv().smembers(k), []);
    t.is(await kv().del(k), 0);
    t.is(await kv().sadd(k), 0);
  });
}
