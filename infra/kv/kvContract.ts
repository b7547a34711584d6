// One behavioural contract for every KeyValueStore (and the limiter and leases built on it).
// kv.test.ts runs it against the in-process store always and against Redis when REDIS_URL is set.
import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLeaseManager } from './leaseManager';
import { createRateLimiter } from './rateLimiter';
import { expiringStoreContract, PAST_SHORT_MS, SHORT_MS } from './expiringContract';
import type { KeyValueStore } from './types';

export interface ContractTarget {
  kv: KeyValueStore;
  /** Removes whatever the run left behind, then closes the store. */
  dispose(): Promise<void>;
}

export function kvContract(label: string, open: () => Promise<ContractTarget>): void {
  let target: ContractTarget | undefined;
  const kv = (): KeyValueStore => target!.kv;
  // Tests in a file run concurrently; each works under its own keys.
  const ns = () => `${randomUUID()}:`;

  test.before(async () => {
    target = await open();
  });
  test.after.always(async () => {
    await target?.dispose();
  });

  const it = (title: string, fn: (t: ExecutionContext) => Promise<void>) => test(`${label}: ${title}`, fn);

  expiringStoreContract(it, kv, ns);

  it('hashes count per field', async (t) => {
    const k = ns() + 'tags';
    t.deepEqual(await kv().hgetall(k), {});
    t.is(await kv().hincrby(k, 'ts', 1), 1);
    t.is(await kv().hincrby(k, 'ts', 4), 5);
    t.is(await kv().hincrby(k, 'go', -2), -2);
    t.deepEqual(await kv().hgetall(k), { ts: '5', go: '-2' });
  });

  it('type clashes and bad arguments fail the same way', async (t) => {
    const k = ns();
    await kv().sadd(k + 's', 'x');
    await t.throwsAsync(kv().get(k + 's'), { message: /WRONGTYPE/ });
    await kv().set(k + 'str', 'abc');
    await t.throwsAsync(kv().incr(k + 'str'), { message: /not an integer/ });
    await t.throwsAsync(kv().set(k + 'x', 'v', 0), { instanceOf: RangeError });
    await t.throwsAsync(kv().hincrby(k + 'h', 'f', 1.5), { instanceOf: RangeError });
  });

  it('ping answers', async (t) => {
    await t.notThrowsAsync(kv().ping());
  });

  it('rate limiter allows N per window, then refuses until the window ends', async (t) => {
    let now = 1_700_000_000_000;
    const limiter = createRateLimiter(kv(), { now: () => now });
    const key = ns() + 'ip';
    for (const remaining of [2, 1, 0]) {
      t.deepEqual(await limiter.hit(key, 3, 5_000), { allowed: true, remaining, retryAfterMs: 0 });
    }
    const refused = await limiter.hit(key, 3, 5_000);
    t.false(refused.allowed);
    t.is(refused.remaining, 0);
    t.true(refused.retryAfterMs > 0 && refused.retryAfterMs <= 5_000);
    now += refused.retryAfterMs;
    t.deepEqual(await limiter.hit(key, 3, 5_000), { allowed: true, remaining: 2, retryAfterMs: 0 });
  });

  it('rate limiter recovers in real time after retryAfterMs', async (t) => {
    const limiter = createRateLimiter(kv());
    const key = ns() + 'user';
    // A window may roll over mid-loop; hitting until refused keeps the test exact anyway.
    let result = await limiter.hit(key, 2, 400);
    for (let i = 0; result.allowed && i < 10; i++) result = await limiter.hit(key, 2, 400);
    t.false(result.allowed);
    t.true(result.retryAfterMs > 0 && result.retryAfterMs <= 400);
    await sleep(result.retryAfterMs + 20);
    t.true((await limiter.hit(key, 2, 400)).allowed);
  });

  it('rate limiter never admits more than the limit under concurrency', async (t) => {
    const limiter = createRateLimiter(kv());
    const key = ns() + 'burst';
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.hit(key, 5, 60_000)));
    // One window boundary can fall inside the burst, letting at most one more window's worth in.
    const allowed = results.filter((r) => r.allowed).length;
    t.true(allowed === 5 || allowed === 10, `allowed ${allowed}`);
  });

  it('lease: a second owner is refused while it is held; the holder extends with the same token', async (t) => {
    const leases = createLeaseManager(kv());
    const name = ns() + 'room';
    const a = await leases.acquire(name, 'node-a', 5_000);
    t.truthy(a);
    t.is(await leases.acquire(name, 'node-b', 5_000), null);
    const again = await leases.acquire(name, 'node-a', 10_000);
    t.is(again?.token, a!.token);
    t.true(again!.expiresAt >= a!.expiresAt);
    t.deepEqual(await leases.holder(name), { owner: 'node-a', token: a!.token, expiresAt: again!.expiresAt });
    t.true(await leases.isCurrent(name, a!.token));
  });

  it('lease: acquiring after expiry gives a strictly larger token; the stale owner is fenced off', async (t) => {
    const leases = createLeaseManager(kv());
    const name = ns() + 'room';
    const stale = await leases.acquire(name, 'node-a', 60);
    await sleep(PAST_SHORT_MS);
    t.is(await leases.holder(name), null);
    t.false(await leases.isCurrent(name, stale!.token));
    const fresh = await leases.acquire(name, 'node-b', 5_000);
    t.true(fresh!.token > stale!.token);
    t.false(await leases.renew(name, 'node-a', stale!.token, 5_000));
    t.false(await leases.release(name, 'node-a', stale!.token));
    t.false(await leases.isCurrent(name, stale!.token));
    t.true(await leases.isCurrent(name, fresh!.token));
    t.true(await leases.renew(name, 'node-b', fresh!.token, 5_000));
  });

  it('lease: renew keeps it alive past the original TTL; release frees it and tokens keep rising', async (t) => {
    const leases = createLeaseManager(kv());
    const name = ns() + 'job';
    const first = await leases.acquire(name, 'w1', SHORT_MS);
    t.true(await leases.renew(name, 'w1', first!.token, 60_000));
    await sleep(PAST_SHORT_MS);
    t.is((await leases.holder(name))?.owner, 'w1', 'still held after the first TTL');
    t.false(await leases.release(name, 'w1', first!.token + 1));
    t.true(await leases.release(name, 'w1', first!.token));
    t.is(await leases.holder(name), null);
    const second = await leases.acquire(name, 'w1', 1_000);
    t.true(second!.token > first!.token);
  });

  it('lease: concurrent acquires from many owners -> exactly one wins', async (t) => {
    const leases = createLeaseManager(kv());
    const name = ns() + 'contended';
    const owners = Array.from({ length: 8 }, (_, i) => `node-${i}`);
    const results = await Promise.all(owners.map((o) => leases.acquire(name, o, 5_000)));
    const winners = owners.filter((_, i) => results[i] !== null);
    t.is(winners.length, 1);
    t.is((await leases.holder(name))?.owner, winners[0]);
  });
}
