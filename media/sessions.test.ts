import test from 'ava';
import type { ClientError } from '../infra/errors';
import { runMediaMethod } from './RoomMediaSession';
import { eventually, newRoomWithParticipants, nextEvent, startPool } from './testing/media';
import { signalOf, WeriftClient } from './testing/werift';
import type { RoomMediaEvents } from './types';
import type { WorkerPool } from './WorkerPool';

let pool: WorkerPool;

test.before(async () => {
  pool = await startPool(1);
});

test.after.always(() => pool?.close());

type Ev<K extends keyof RoomMediaEvents> = RoomMediaEvents[K][0];

/** Packets `client` receives while `sender` sends `count` frames, once what was in flight has landed. */
async function receivedWhileSending(sender: WeriftClient, client: WeriftClient, count = 25): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = client.received;
  await sender.sendOpus(count);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return client.received - before;
}

test('two sessions of one user are two peers: leaving closes only its own media, mute pauses both, and the transport limit counts live transports', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { bob: 'participant' });
  media.join({ sessionId: 'alice-phone', userId: 'alice', role: 'participant' });
  media.join({ sessionId: 'alice-laptop', userId: 'alice', role: 'participant' });
  const phone = await WeriftClient.publish(signalOf(media, 'alice-phone'));
  const laptop = await WeriftClient.publish(signalOf(media, 'alice-laptop'));
  t.deepEqual(
    media.producers().map((p) => p.userId),
    ['alice', 'alice'],
    'both announced as alice',
  );
  const fromPhone = await WeriftClient.subscribe(signalOf(media, 'bob'), phone.producerId);
  const fromLaptop = await WeriftClient.subscribe(signalOf(media, 'bob'), laptop.producerId);
  t.like(media.counts(), { peers: 3, transports: 4, producers: 2, consumers: 2 });
  await expect(t, signalOf(media, 'alice-laptop')('media.closeProducer', { producerId: phone.producerId }), 'NOT_FOUND', "another session's producer, even the same user's");

  const closed = nextEvent<Ev<'producerClosed'>>(media, 'producerClosed');
  const consumerClosed = nextEvent<Ev<'consumerClosed'>>(media, 'consumerClosed');
  media.leave('alice-phone');
  t.deepEqual(await closed, { producerId: phone.producerId, userId: 'alice' });
  t.deepEqual(await consumerClosed, { sessionId: 'bob', consumerId: fromPhone.consumerId, producerId: phone.producerId }, 'told to the subscribing session');
  t.deepEqual(media.producers(), [{ producerId: laptop.producerId, userId: 'alice', kind: 'audio' }]);
  t.like(media.counts(), { peers: 2, transports: 3, producers: 1, consumers: 1 });
  t.true((await receivedWhileSending(laptop.client, fromLaptop.client)) > 0, 'the laptop still reaches bob');

  await media.mute('alice');
  t.is(await receivedWhileSending(laptop.client, fromLaptop.client), 0, 'muted: nothing from any of her sessions');

  // Bob holds two recv transports; the limit (4 per session) counts the ones alive.
  const extra = [];
  for (let i = 0; i < 2; i++) extra.push((await runMediaMethod(media, 'media.createTransport', 'bob', { direction: 'recv' })) as { id: string });
  await expect(t, runMediaMethod(media, 'media.createTransport', 'bob', { direction: 'recv' }), 'CONFLICT', 'four live transports');
  t.deepEqual(await runMediaMethod(media, 'media.closeTransport', 'bob', { transportId: extra[0]!.id }), {});
  await expect(t, runMediaMethod(media, 'media.closeTransport', 'bob', { transportId: extra[0]!.id }), 'NOT_FOUND', 'closed already');
  t.truthy(await runMediaMethod(media, 'media.createTransport', 'bob', { direction: 'recv' }), 'a closed transport frees its place');

  // Closing a send transport closes its producer, and the others hear of it.
  const laptopClosed = nextEvent<Ev<'producerClosed'>>(media, 'producerClosed');
  await runMediaMethod(media, 'media.closeTransport', 'alice-laptop', { transportId: laptop.client.transportId });
  t.deepEqual(await laptopClosed, { producerId: laptop.producerId, userId: 'alice' });
  t.deepEqual(media.producers(), []);

  await Promise.all([phone.client.close(), laptop.client.close(), fromPhone.client.close(), fromLaptop.client.close()]);
  await media.close();
});

test('a client that goes quiet without a word: its transport closes once ICE stays disconnected past the grace, and its producer closure is announced', async (t) => {
  // mediasoup's shortest consent timeout is 10 s: ICE says disconnected 10 s after the last check.
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant', bob: 'participant' }, { tuning: { iceConsentTimeout: 10, iceDisconnectGraceMs: 300 } });
  const { client: alice, producerId } = await WeriftClient.publish(signalOf(media, 'alice'));
  const { client: bob } = await WeriftClient.subscribe(signalOf(media, 'bob'), producerId);
  const closed = nextEvent<Ev<'producerClosed'>>(media, 'producerClosed', 30_000);
  // werift sends no DTLS close alert: the server just stops hearing from it.
  await alice.close();
  t.deepEqual(await closed, { producerId, userId: 'alice' });
  await eventually(() => media.counts().consumers === 0, 5000, "bob's consumer to close");
  t.like(media.counts(), { peers: 2, transports: 1, producers: 0, consumers: 0 }, "only bob's transport is left");
  await bob.close();
  await media.close();
});

async function expect(t: import('ava').ExecutionContext, p: Promise<unknown>, code: string, message: string): Promise<void> {
  const error = await t.throwsAsync(p, undefined, message);
  t.is((error as ClientError | undefined)?.type, code, message);
}
