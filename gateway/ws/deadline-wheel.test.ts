import test from 'ava';
import { DeadlineWheel } from './deadline-wheel';

test('hands out items once their deadline has passed, never before, each once', (t) => {
  const wheel = new DeadlineWheel<string>(1_000, 0);
  wheel.schedule('a', 1_500);
  wheel.schedule('b', 3_000);
  wheel.schedule('c', 3_001);
  t.deepEqual(wheel.due(1_499), []);
  t.deepEqual(wheel.due(2_000), ['a']);
  t.deepEqual(wheel.due(2_999), []);
  t.deepEqual(wheel.due(3_000), ['b']);
  t.deepEqual(wheel.due(60_000), ['c']);
  t.deepEqual(wheel.due(60_000), []);
  t.is(wheel.size, 0);
});

test('a moved deadline replaces the old one; a cancelled item never comes', (t) => {
  const wheel = new DeadlineWheel<string>(1_000, 0);
  wheel.schedule('moved', 1_000);
  wheel.schedule('moved', 5_000);
  wheel.schedule('cancelled', 1_000);
  wheel.cancel('cancelled');
  t.deepEqual(wheel.due(4_999), []);
  t.deepEqual(wheel.due(5_000), ['moved']);
});

test('a deadline already past is due at the next look', (t) => {
  const wheel = new DeadlineWheel<string>(1_000, 0);
  t.deepEqual(wheel.due(10_000), []);
  wheel.schedule('late', 2_000);
  t.deepEqual(wheel.due(10_000), ['late']);
});
