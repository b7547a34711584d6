import test from 'ava';
import { eventually, newRoomWithParticipants, nextEvent, startPool } from './testing/media';
import { signalOf, WeriftClient } from './testing/werift';
import type { RoomMediaEvents } from './types';
import type { WorkerPool } from './WorkerPool';

let pool: WorkerPool;

test.before(async () => {
  pool = await startPool(2);
});

test.after.always(() => pool?.close());

type Ev<K extends keyof RoomMediaEvents> = RoomMediaEvents[K][0];

test('a werift client publishes Opus, another receives it, and closing the producer tells the subscriber', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant', bob: 'participant', carol: 'participant' });
  const announced = nextEvent<Ev<'newProducer'>>(media, 'newProducer');
  const { client: alice, producerId } = await WeriftClient.publish(signalOf(media, 'alice'));
  t.like(await announced, { producerId, userId: 'alice', kind: 'audio' });
  t.deepEqual(media.producers(), [{ producerId, userId: 'alice', kind: 'audio' }]);

  // A producer whose client says what it is (appData.source) is announced with it.
  const said = nextEvent<Ev<'newProducer'>>(media, 'newProducer');
  const saying = signalOf(media, 'carol');
  const { client: carol, producerId: carolProducerId } = await WeriftClient.publish((method, data) =>
    saying(method, method === 'media.produce' ? { ...data, appData: { source: 'microphone', own: 1 } } : data),
  );
  t.deepEqual(await said, { producerId: carolProducerId, userId: 'carol', kind: 'audio', source: 'microphone' });
  t.deepEqual(
    media.producers().find((p) => p.producerId === carolProducerId),
    { producerId: carolProducerId, userId: 'carol', kind: 'audio', source: 'microphone' },
  );
  media.leave('carol');
  await carol.close();

  const { client: bob, consumerId } = await WeriftClient.subscribe(signalOf(media, 'bob'), producerId);
  const sending = alice.sendOpus(100);
  await eventually(() => bob.received >= 20, 10_000, 'bob receiving RTP');
  await sending;
  t.true(bob.received >= 20, `bob received ${bob.received} packets`);

  const consumerClosed = nextEvent<Ev<'consumerClosed'>>(media, 'consumerClosed');
  const producerClosed = nextEvent<Ev<'producerClosed'>>(media, 'producerClosed');
  await signalOf(media, 'alice')('media.closeProducer', { producerId });
  t.deepEqual(await consumerClosed, { sessionId: 'bob', consumerId, producerId });
  t.deepEqual(await producerClosed, { producerId, userId: 'alice' });
  t.like(media.counts(), { producers: 0, consumers: 0, transports: 2 });

  media.leave('alice');
  media.leave('bob');
  t.like(media.counts(), { peers: 0, transports: 0, producers: 0, consumers: 0 });
  await Promise.all([alice.close(), bob.close()]);
  await media.close();
  await media.close();
  t.is(media.counts().routers, 0);
});

test('past the consumer threshold, subscribers go to a router on the second worker and still receive', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant', bob: 'participant', carol: 'participant' }, { pipeThreshold: 1 });
  const { client: alice, producerId } = await WeriftClient.publish(signalOf(media, 'alice'));
  const { client: bob } = await WeriftClient.subscribe(signalOf(media, 'bob'), producerId);
  const { client: carol } = await WeriftClient.subscribe(signalOf(media, 'carol'), producerId);
  t.deepEqual(media.routerLoads(), [1, 1], 'one subscriber per router');
  t.is(pool.workers().length, 2);
  const sending = alice.sendOpus(100);
  await eventually(() => bob.received >= 20 && carol.received >= 20, 10_000, 'both receiving');
  await sending;
  t.pass(`bob ${bob.received}, carol ${carol.received} packets`);

  // A participant leaving takes their producer along; the piped copy and its consumers follow.
  const closed = nextEvent<Ev<'consumerClosed'>>(media, 'consumerClosed');
  media.leave('alice');
  t.truthy(await closed);
  await eventually(() => media.counts().consumers === 0, 5000, 'consumers closed');
  await Promise.all([alice.close(), bob.close(), carol.close()]);
  await media.close();
});

test('the dominant speaker is announced with its user, and kept for late joiners while its producer lives', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant' });
  t.is(media.activeSpeaker, null, 'nobody spoke yet');
  const speaker = nextEvent<Ev<'activeSpeaker'>>(media, 'activeSpeaker', 15_000);
  const { client: alice, producerId } = await WeriftClient.publish(signalOf(media, 'alice'));
  const sending = alice.sendOpus(150);
  t.deepEqual(await speaker, { userId: 'alice', producerId });
  t.deepEqual(media.activeSpeaker, { userId: 'alice', producerId });
  await sending;
  await signalOf(media, 'alice')('media.closeProducer', { producerId });
  t.is(media.activeSpeaker, null, 'a closed producer speaks no more');
  await alice.close();
  await media.close();
});
