import test from 'ava';
import { FairScheduler } from './FairScheduler';

// The fair scheduler alone: the room served longest ago (or never) goes next.

test("a newcomer goes before a busy room's backlog; busy rooms take turns", async (t) => {
  const scheduler = new FairScheduler(1);
  const order: string[] = [];
  const take = async (room: string, label: string) => {
    const release = await scheduler.acquire(room);
    order.push(label);
    // Released on the next tick, as a finished run would be.
    setImmediate(release);
  };
  const runs = [take('busy', 'busy-1'), take('busy', 'busy-2'), take('busy', 'busy-3'), take('busy', 'busy-4'), take('new', 'new-1'), take('other', 'other-1')];
  await Promise.all(runs);
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(order, ['busy-1', 'new-1', 'other-1', 'busy-2', 'busy-3', 'busy-4']);
  t.is(scheduler.running, 0);
  t.is(scheduler.queued, 0);
});

test('an aborted wait gives its place up', async (t) => {
  const scheduler = new FairScheduler(1);
  const first = await scheduler.acquire('a');
  const abort = new AbortController();
  const waiting = scheduler.acquire('b', abort.signal);
  const after = scheduler.acquire('c');
  abort.abort(new Error('cancelled'));
  await t.throwsAsync(waiting, { message: 'cancelled' });
  first();
  const release = await after;
  t.is(scheduler.running, 1);
  release();
  release();
  t.is(scheduler.running, 0);
});

test('busy rooms take turns in the order they were last served', async (t) => {
  const scheduler = new FairScheduler(1);
  const order: string[] = [];
  const take = async (room: string) => {
    const release = await scheduler.acquire(room);
    order.push(room);
    setImmediate(release);
  };
  await Promise.all([take('a'), take('a'), take('b'), take('b'), take('c'), take('a')]);
  t.deepEqual(order, ['a', 'b', 'c', 'a', 'b', 'a']);
});
