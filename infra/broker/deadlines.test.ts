import test from 'ava';
import { Deadlines } from './deadlines';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a settled operation never expires', async (t) => {
  const deadlines = new Deadlines();
  let expired = 0;
  const deadline = deadlines.track(20, () => expired++);
  deadline.settle();
  deadline.settle();
  await sleep(40);
  t.is(expired, 0);
  t.is(deadlines.pending, 0);
  t.is(deadlines.held, 0);
});

test('operations past their deadline expire once, shortest first across lengths', async (t) => {
  const deadlines = new Deadlines();
  const order: string[] = [];
  const started = performance.now();
  deadlines.track(90, () => order.push('90'));
  deadlines.track(30, () => order.push('30 a'));
  deadlines.track(30, () => order.push('30 b'));
  const settled = deadlines.track(30, () => order.push('settled'));
  settled.settle();
  await sleep(45);
  t.deepEqual(order, ['30 a', '30 b']);
  t.true(performance.now() - started >= 30);
  await sleep(70);
  t.deepEqual(order, ['30 a', '30 b', '90']);
  t.is(deadlines.pending, 0);
});

test('an expiry that throws does not stop the others', async (t) => {
  const deadlines = new Deadlines();
  let ran = 0;
  deadlines.track(10, () => {
    throw new Error('bad expiry');
  });
  deadlines.track(10, () => ran++);
  deadlines.track(25, () => ran++);
  await sleep(50);
  t.is(ran, 2);
});

test('operations that finish behind one that hangs do not pile up', (t) => {
  const deadlines = new Deadlines();
  deadlines.track(60_000, () => undefined);
  for (let i = 0; i < 20_000; i++) deadlines.track(60_000, () => undefined).settle();
  t.is(deadlines.pending, 1);
  t.true(deadlines.held < 5_000, `held ${deadlines.held}`);
  deadlines.close();
});
