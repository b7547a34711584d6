import { randomBytes, scryptSync } from 'node:crypto';
import test from 'ava';
import { HashPool, HashPoolSaturatedError, type ScryptJob } from './HashPool';

const job = (password: string): ScryptJob => ({ password, salt: randomBytes(16), keyLength: 32, options: { N: 2 ** 12, r: 8, p: 1 } });

test('derives the same key as node:crypto, off the main thread', async (t) => {
  const pool = new HashPool({ concurrency: 2 });
  t.teardown(() => pool.close());
  const j = job('correct horse');
  t.deepEqual(await pool.scrypt(j), scryptSync(j.password, j.salt, j.keyLength, j.options));
});

test('past the queue limit a job is refused at once with a retry hint; the others complete', async (t) => {
  const pool = new HashPool({ concurrency: 1, queueLimit: 1 });
  t.teardown(() => pool.close());
  const running = pool.scrypt(job('a'));
  const queued = pool.scrypt(job('b'));
  const refused = await t.throwsAsync(pool.scrypt(job('c')), { instanceOf: HashPoolSaturatedError });
  t.true(refused!.retryAfterMs > 0);
  t.is((await running).length, 32);
  t.is((await queued).length, 32);
  t.is((await pool.scrypt(job('d'))).length, 32, 'room again once the queue drained');
});

test('a job whose expected wait exceeds maxWaitMs is refused though the queue has room', async (t) => {
  const pool = new HashPool({ concurrency: 1, maxWaitMs: 1 });
  t.teardown(() => pool.close());
  const running = pool.scrypt(job('a'));
  await t.throwsAsync(pool.scrypt(job('b')), { instanceOf: HashPoolSaturatedError });
  t.is((await running).length, 32);
});

test('a bad job fails alone; close rejects what waits and is safe twice', async (t) => {
  const pool = new HashPool({ concurrency: 1 });
  await t.throwsAsync(pool.scrypt({ ...job('x'), options: { N: 3, r: 8, p: 1 } }));
  t.is((await pool.scrypt(job('y'))).length, 32);
  const running = pool.scrypt(job('z'));
  const waiting = pool.scrypt(job('w'));
  await pool.close();
  await pool.close();
  await t.throwsAsync(waiting, { message: /closed/ });
  await t.throwsAsync(running, { message: /closed/ });
  await t.throwsAsync(pool.scrypt(job('v')), { message: /closed/ });
});
