import test from 'ava';
import { MemoryKeyValueStore } from '../../infra/kv';
import { RateLimitedError } from './errors';
import { LoginThrottle, type LoginAttempt } from './LoginThrottle';

const LIMITS = { freePerPair: 2, maxDelayMs: 8_000, perPair: 6, perAccount: 5, perAddress: 8, windowMs: 60_000 };

function throttle(now: { ms: number }) {
  return new LoginThrottle(new MemoryKeyValueStore(), LIMITS, () => now.ms);
}
const from = (address: string | undefined, username = 'ada'): LoginAttempt => ({ tenant: 'acme', username, address });
const retryAfter = (error: unknown) => (error as RateLimitedError).data.retryAfterSeconds;

test('one address slows down with a doubling delay, then is locked out of that account only', async (t) => {
  const now = { ms: 1_000 * 60_000 };
  const limiter = throttle(now);
  for (let i = 0; i < 2; i++) await limiter.failed(from('10.0.0.1'));
  const waits: number[] = [];
  for (let failures = 2; failures < LIMITS.perPair; failures++) {
    const error = await t.throwsAsync(limiter.check(from('10.0.0.1')), { instanceOf: RateLimitedError });
    waits.push(retryAfter(error));
    now.ms += retryAfter(error) * 1000;
    await t.notThrowsAsync(limiter.check(from('10.0.0.1')));
    await limiter.failed(from('10.0.0.1'));
  }
  t.deepEqual(waits, [1, 2, 4, 8]);
  now.ms += 8_000;
  const locked = await t.throwsAsync(limiter.check(from('10.0.0.1')), { instanceOf: RateLimitedError });
  t.true(retryAfter(locked) > 8, 'locked until the window ends, not just delayed');
  await t.notThrowsAsync(limiter.check(from('10.0.0.2')), 'another address is not slowed');
  await t.notThrowsAsync(limiter.check(from('10.0.0.1', 'bob')), 'nor is another account from this address');
});

test('failures from many addresses lock the account against strangers once, with one lockout start', async (t) => {
  const limiter = throttle({ ms: 0 });
  const starts: boolean[] = [];
  for (let i = 0; i < 7; i++) starts.push((await limiter.failed(from(`10.0.1.${i}`))).lockoutStarted);
  t.deepEqual(starts, [false, false, false, false, true, false, false]);
  await t.throwsAsync(limiter.checkStranger(from('10.9.9.9', 'ADA')), { instanceOf: RateLimitedError });
  await t.notThrowsAsync(limiter.check(from('10.9.9.9')), 'the pair itself is not throttled: a known address passes');
  await t.notThrowsAsync(limiter.checkStranger(from('10.9.9.9', 'bob')));
});

test('one address guessing many accounts is blocked', async (t) => {
  const limiter = throttle({ ms: 0 });
  for (let i = 0; i < LIMITS.perAddress; i++) await limiter.failed(from('10.0.0.9', `user${i}`));
  await t.throwsAsync(limiter.check(from('10.0.0.9', 'fresh')), { instanceOf: RateLimitedError });
  await t.notThrowsAsync(limiter.check(from('10.0.0.10', 'fresh')));
});

test('a successful login forgives the pair its typos but not the account its strangers', async (t) => {
  const limiter = throttle({ ms: 0 });
  for (let i = 0; i < 4; i++) await limiter.failed(from('10.0.0.1'));
  await limiter.failed(from('10.0.0.2'));
  await t.throwsAsync(limiter.check(from('10.0.0.1')));
  await limiter.succeeded(from('10.0.0.1'));
  await t.notThrowsAsync(limiter.check(from('10.0.0.1')));
  await t.throwsAsync(limiter.checkStranger(from('10.0.0.3')), { instanceOf: RateLimitedError });
});
