import test from 'ava';
import { MemoryKeyValueStore } from '../../infra/kv';
import { RateLimitedError } from './errors';
import { LoginThrottle } from './LoginThrottle';

function throttle(now: { ms: number }) {
  return new LoginThrottle(new MemoryKeyValueStore(), { perUser: 3, perAddress: 5, windowMs: 60_000 }, () => now.ms);
}

test('an account is blocked after its failures, until the window ends', async (t) => {
  const now = { ms: 1_000_000 * 60_000 + 10_000 };
  const limiter = throttle(now);
  for (let i = 0; i < 3; i++) {
    await limiter.check('acme', 'Ada', '10.0.0.1');
    await limiter.failed('acme', 'Ada', '10.0.0.1');
  }
  const error = await t.throwsAsync(limiter.check('ACME', 'ada', '10.0.0.2'), { instanceOf: RateLimitedError });
  t.is((error as RateLimitedError).data.retryAfterSeconds, 50);
  await t.notThrowsAsync(limiter.check('acme', 'bob', '10.0.0.2'), 'other accounts are not affected');
  now.ms += 50_000;
  await t.notThrowsAsync(limiter.check('acme', 'ada', '10.0.0.2'));
});

test('one address guessing many accounts is blocked too', async (t) => {
  const limiter = throttle({ ms: 0 });
  for (let i = 0; i < 5; i++) await limiter.failed('acme', `user${i}`, '10.0.0.9');
  await t.throwsAsync(limiter.check('acme', 'fresh', '10.0.0.9'), { instanceOf: RateLimitedError });
  await t.notThrowsAsync(limiter.check('acme', 'fresh', '10.0.0.10'));
});

test('a successful login forgives the account its typos', async (t) => {
  const limiter = throttle({ ms: 0 });
  for (let i = 0; i < 3; i++) await limiter.failed('acme', 'ada', undefined);
  await t.throwsAsync(limiter.check('acme', 'ada', undefined));
  await limiter.succeeded('acme', 'ada');
  await t.notThrowsAsync(limiter.check('acme', 'ada', undefined));
});
