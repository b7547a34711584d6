import test from 'ava';
import { ReplayBuffer } from './replay-buffer';

test('returns what came after lastSeq, in order', (t) => {
  const buffer = new ReplayBuffer(10, 60_000);
  for (let seq = 1; seq <= 5; seq++) buffer.add(seq, `m${seq}`);
  t.deepEqual(buffer.since(2), ['m3', 'm4', 'm5']);
  t.deepEqual(buffer.since(5), []);
});

test('refuses a replay with a hole once old frames are evicted', (t) => {
  const buffer = new ReplayBuffer(3, 60_000);
  for (let seq = 1; seq <= 6; seq++) buffer.add(seq, `m${seq}`);
  t.is(buffer.since(1), null);
  t.deepEqual(buffer.since(3), ['m4', 'm5', 'm6']);
});

test('refuses frames older than the window', (t) => {
  const buffer = new ReplayBuffer(10, 1_000);
  buffer.add(1, 'm1', 0);
  buffer.add(2, 'm2', 500);
  t.is(buffer.since(0, 1_200), null);
  t.deepEqual(buffer.since(1, 1_200), ['m2']);
});

test('a restarted stream discards the old tail', (t) => {
  const buffer = new ReplayBuffer(10, 60_000);
  buffer.add(7, 'old7');
  buffer.add(1, 'new1');
  t.is(buffer.size, 1);
  t.deepEqual(buffer.since(0), ['new1']);
});

test('a client that missed frames which have all aged out must rejoin', (t) => {
  const buffer = new ReplayBuffer(10, 1_000);
  buffer.add(1, 'm1', 0);
  buffer.add(2, 'm2', 0);
  t.is(buffer.since(1, 5_000), null);
  t.deepEqual(buffer.since(2, 5_000), []);
  t.is(buffer.since(9, 5_000), null);
});
