import test from 'ava';
import { createKeyValueStore, createLeaseManager } from '../infra/kv';
import { silentLogger } from '../infra/logger';
import { YearlySchedule } from './YearlySchedule';

function schedules(count: number, run: (owner: string, year: number) => Promise<void>) {
  const kv = createKeyValueStore({ keyPrefix: `test-${Math.random()}:`, logger: silentLogger });
  const leases = createLeaseManager(kv);
  return Array.from(
    { length: count },
    (_, i) =>
      new YearlySchedule({
        pattern: '0 3 1 1 *',
        leases,
        kv,
        owner: `node-${i}`,
        logger: silentLogger,
        run: (year) => run(`node-${i}`, year),
      }),
  );
}

test('of several processes firing at once, exactly one runs the year, and none runs it again', async (t) => {
  const runs: string[] = [];
  const nodes = schedules(3, async (owner, year) => {
    runs.push(`${owner}:${year}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  const fired = await Promise.all(nodes.map((node) => node.fire(2025)));
  t.is(fired.filter(Boolean).length, 1);
  t.is(runs.length, 1);
  // A late tick (clock skew, restart) finds the year done.
  t.deepEqual(await Promise.all(nodes.map((node) => node.fire(2025))), [false, false, false]);
  t.is(runs.length, 1);
  // Another year is a new batch.
  t.true((await Promise.all(nodes.map((node) => node.fire(2026)))).some(Boolean));
  t.is(runs.length, 2);
});

test('a failed batch is not marked done, so it can run again', async (t) => {
  let calls = 0;
  const [node] = schedules(1, async () => {
    calls++;
    if (calls === 1) throw new Error('database down');
  });
  await t.throwsAsync(node!.fire(2025), { message: 'database down' });
  t.true(await node!.fire(2025));
  t.is(calls, 2);
});

test('the default schedule fires at 03:00 UTC on 1 January', (t) => {
  const [node] = schedules(1, async () => undefined);
  node!.start();
  const next = node!.next();
  node!.stop();
  t.truthy(next);
  t.is(next!.toISOString().slice(5), '01-01T03:00:00.000Z');
});
