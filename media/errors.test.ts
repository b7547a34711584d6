import test from 'ava';
import { ClientError } from '../infra/errors';
import { registry } from '../infra/metrics';
import { handleMediaSignal } from './MediaSignals';
import { newRoomWithParticipants, startPool } from './testing/media';
import { WeriftClient } from './testing/werift';
import type { WorkerPool } from './WorkerPool';

let pool: WorkerPool;

test.before(async () => {
  pool = await startPool(1);
});

test.after.always(() => pool?.close());

/** The reply a socket would get: the error's protocol code, and whether it is a client error (socket stays open). */
async function reply(p: Promise<unknown>): Promise<{ code: string; client: boolean } | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return { code: (error as ClientError).type, client: error instanceof ClientError };
  }
}

async function gauge(name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values.reduce((n, v) => n + v.value, 0);
}

test('client mistakes are client errors with protocol codes, and nothing leaks', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant', bob: 'participant', olga: 'observer' });
  const call = (userId: string, method: Parameters<typeof handleMediaSignal>[1], data: unknown) => reply(handleMediaSignal(media, method, userId, data));
  const { client: alice, producerId } = await WeriftClient.publish((m, d) => handleMediaSignal(media, m as never, 'alice', d));

  const recv = (await handleMediaSignal(media, 'media.createTransport', 'bob', { direction: 'recv' })) as { id: string };
  const send = (await handleMediaSignal(media, 'media.createTransport', 'bob', { direction: 'send' })) as { id: string };
  const olgaSend = (await handleMediaSignal(media, 'media.createTransport', 'olga', { direction: 'send' })) as { id: string };

  t.deepEqual(await call('bob', 'media.connectTransport', { transportId: 'nope', dtlsParameters: {} }), { code: 'NOT_FOUND', client: true });
  t.deepEqual(await call('bob', 'media.consume', { transportId: recv.id, producerId: 'nope', rtpCapabilities: {} }), { code: 'NOT_FOUND', client: true });
  t.deepEqual(await call('bob', 'media.consume', { transportId: 'nope', producerId, rtpCapabilities: {} }), { code: 'NOT_FOUND', client: true });
  t.deepEqual(await call('bob', 'media.resumeConsumer', { consumerId: 'nope' }), { code: 'NOT_FOUND', client: true });
  t.deepEqual(await call('bob', 'media.closeProducer', { producerId }), { code: 'NOT_FOUND', client: true }, "someone else's producer");
  t.deepEqual(await call('bob', 'media.consume', { transportId: recv.id, producerId, rtpCapabilities: {} }), { code: 'VALIDATION_ERROR', client: true }, 'no capabilities');
  t.deepEqual(
    await call('bob', 'media.consume', { transportId: recv.id, producerId, rtpCapabilities: { codecs: [{ kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000, preferredPayloadType: 0 }] } }),
    { code: 'VALIDATION_ERROR', client: true },
    'no common codec',
  );
  t.deepEqual(await call('bob', 'media.consume', { transportId: send.id, producerId, rtpCapabilities: media.rtpCapabilities }), { code: 'VALIDATION_ERROR', client: true }, 'consume on a send transport');
  t.deepEqual(await call('bob', 'media.produce', { transportId: send.id, kind: 'audio', rtpParameters: { codecs: 'x' } }), { code: 'VALIDATION_ERROR', client: true }, 'bad rtpParameters');
  t.deepEqual(await call('bob', 'media.produce', { transportId: send.id, kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/H265', payloadType: 100, clockRate: 90000 }], encodings: [{ ssrc: 1 }] } }), {
    code: 'VALIDATION_ERROR',
    client: true,
  }, 'a codec the router lacks');
  t.deepEqual(await call('bob', 'media.connectTransport', { transportId: send.id, dtlsParameters: { fingerprints: 'x' } }), { code: 'VALIDATION_ERROR', client: true }, 'bad dtlsParameters');
  t.deepEqual(await call('bob', 'media.createTransport', { direction: 'sideways' }), { code: 'VALIDATION_ERROR', client: true }, 'schema');
  t.deepEqual(await call('olga', 'media.produce', { transportId: olgaSend.id, kind: 'audio', rtpParameters: {} }), { code: 'FORBIDDEN', client: true }, 'observers cannot produce');
  t.deepEqual(await call('mallory', 'media.createTransport', { direction: 'send' }), { code: 'NOT_FOUND', client: true }, 'not a participant');
  for (let i = 0; i < 2; i++) await handleMediaSignal(media, 'media.createTransport', 'bob', { direction: 'recv' });
  t.deepEqual(await call('bob', 'media.createTransport', { direction: 'recv' }), { code: 'CONFLICT', client: true }, 'transport limit');

  // The room still works after all that.
  const { client: bob } = await WeriftClient.subscribe((m, d) => handleMediaSignal(media, m as never, 'olga', d), producerId);
  t.like(media.counts(), { peers: 3, producers: 1, consumers: 1 });
  t.true((await gauge('pocdojo_media_transports')) >= 6);
  await alice.sendOpus(50);
  // Read at scrape time from the workers: forwarded bitrate and worker CPU.
  t.true((await gauge('pocdojo_media_bitrate_bps')) > 0, 'bitrate in/out');
  t.true((await gauge('pocdojo_media_worker_cpu_seconds_total')) > 0, 'worker CPU');
  t.is(await gauge('pocdojo_media_workers'), 1);

  for (const userId of ['alice', 'bob', 'olga']) media.leave(userId);
  t.like(media.counts(), { peers: 0, transports: 0, producers: 0, consumers: 0 });
  await Promise.all([alice.close(), bob.close()]);
  await media.close();
  t.is(media.counts().routers, 0);
  t.is(await gauge('pocdojo_media_transports'), 0);
  t.is(await gauge('pocdojo_media_consumers'), 0);
  t.is(await gauge('pocdojo_media_producers'), 0);
  t.is(await gauge('pocdojo_media_routers'), 0);
  t.deepEqual(await reply(media.createTransport('alice', 'send')), { code: 'SERVICE_UNAVAILABLE', client: true }, 'closed');
});
