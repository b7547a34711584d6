import test from 'ava';
import { MemoryKeyValueStore } from '../../infra/kv';
import { RevocationLog } from './RevocationLog';

test('the revocation log keeps only revocations still in force', async (t) => {
  const now = { ms: 1_000 };
  const log = new RevocationLog(new MemoryKeyValueStore(), () => now.ms);
  await log.record({ sessionId: 'a', untilMs: 5_000 });
  await log.record({ sessionId: 'b', untilMs: 9_000 });
  t.deepEqual((await log.live()).map((r) => r.sessionId).sort(), ['a', 'b']);
  now.ms = 6_000;
  t.deepEqual(await log.live(), [{ sessionId: 'b', untilMs: 9_000 }]);
});

test('steady revocations do not grow the log past what is still in force', async (t) => {
  const now = { ms: 0 };
  const kv = new MemoryKeyValueStore();
  const log = new RevocationLog(kv, () => now.ms);
  for (let i = 0; i < 200; i++) {
    now.ms = i * 1_000;
    await log.record({ sessionId: `s${i}`, untilMs: now.ms + 10_000 });
  }
  t.true((await kv.smembers('auth:revoked-sessions')).length < 80);
});
