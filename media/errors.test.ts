import test from 'ava';
import { ClientError } from '../infra/errors';
import type { MediaMethod, WsData } from '../protocol/ws';
import { registry } from '../infra/metrics';
import { runMediaMethod } from './RoomMediaSession';
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
  const call = <M extends MediaMethod>(userId: string, method: M, data: WsData<M>) => reply(runMediaMethod(media, method, userId, data));
  const { client: alice, producerId } = await WeriftClient.publish((m, d) => runMediaMethod(media, m, 'alice', d));

  const recv = (await runMediaMethod(media, 'media.createTransport', 'bob', { direction: 'recv' })) as { id: string };
  const send = (await runMediaMethod(media, 'media.createTransport', 'bob', { direction: 'send' })) as { id: string };
  await runMediaMethod(media, 'media.createTransport', 'olga', { direction: 'send' });

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
  t.deepEqual(
    await call('bob', 'media.consume', { transportId: send.id, producerId, rtpCapabilities: media.rtpCapabilities }),
    { code: 'VALIDATION_ERROR', client: true },
    'consume on a send transport',
  );
  t.deepEqual(await call('bob', 'media.produce', { transportId: send.id, kind: 'audio', rtpParameters: { codecs: 'x' } }), { code: 'VALIDATION_ERROR', client: true }, 'bad rtpParameters');
  t.deepEqual(
    await call('bob', 'media.produce', { transportId: send.id, kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/H265', payloadType: 100, clockRate: 90000 }], encodings: [{ ssrc: 1 }] } }),
    {
      code: 'VALIDATION_ERROR',
      client: true,
    },
    'a codec the router lacks',
  );
  t.deepEqual(await call('bob', 'media.connectTransport', { transportId: send.id, dtlsParameters: { fingerprints: 'x' } }), { code: 'VALIDATION_ERROR', client: true }, 'bad dtlsParameters');
  // A schema mistake and an observer's produce never get here: the gateway parses the data, the
  // room applies the method's role rule (gateway/ws-pipeline.test.ts).
  t.deepEqual(await call('mallory', 'media.createTransport', { direction: 'send' }), { code: 'NOT_FOUND', client: true }, 'not a participant');
  for (let i = 0; i < 2; i++) await runMediaMethod(media, 'media.createTransport', 'bob', { direction: 'recv' });
  t.deepEqual(await call('bob', 'media.createTransport', { direction: 'recv' }), { code: 'CONFLICT', client: true }, 'transport limit');

  // The room still works after all that.
  const { client: bob } = await WeriftClient.subscribe((m, d) => runMediaMethod(media, m, 'olga', d), producerId);
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

// Serial: ava runs it before the test above, whose gauges count the whole worker.
test.serial('a consumer whose producer closes while it is being resumed answers NOT_FOUND (a client error), not a fault', async (t) => {
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant', bob: 'participant' });
  const { client: alice, producerId } = await WeriftClient.publish((m, d) => runMediaMethod(media, m, 'alice', d));
  const { client: bob, consumerId } = await WeriftClient.subscribe((m, d) => runMediaMethod(media, m, 'bob', d), producerId);
  // Both requests leave in this order before either is answered: the worker closes the consumer
  // with its producer, then gets a resume for a consumer it no longer knows.
  const closing = runMediaMethod(media, 'media.closeProducer', 'alice', { producerId });
  const resuming = reply(runMediaMethod(media, 'media.resumeConsumer', 'bob', { consumerId }));
  await closing;
  t.deepEqual(await resuming, { code: 'NOT_FOUND', client: true });
  t.deepEqual(await reply(runMediaMethod(media, 'media.pauseConsumer', 'bob', { consumerId })), { code: 'NOT_FOUND', client: true }, 'and after it is gone');
  await Promise.all([alice.close(), bob.close()]);
  await media.close();
});
