import test from 'ava';
import { videoConsumers } from './AdaptiveLayers';
import type { Peer } from './Peer';

/** A subscriber holding consumers of these kinds (closed ones marked), as the score sees it. */
function subscriber(consumers: Array<{ kind: 'audio' | 'video'; closed?: boolean }>): Peer {
  const entries = consumers.map(({ kind, closed = false }) => ({ consumer: { kind, closed } }));
  return { consumers: () => entries.values() } as unknown as Peer;
}

test('the bandwidth share counts live video consumers only: audio is small and never layered', (t) => {
  t.is(videoConsumers(subscriber([{ kind: 'audio' }, { kind: 'video' }, { kind: 'audio' }, { kind: 'video' }])), 2);
  t.is(videoConsumers(subscriber([{ kind: 'audio' }, { kind: 'audio' }])), 0);
  t.is(videoConsumers(subscriber([{ kind: 'video', closed: true }, { kind: 'video' }])), 1);
});
