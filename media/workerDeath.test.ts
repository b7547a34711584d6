import test from 'ava';
import type { ClientError } from '../infra/errors';
import { DEFAULT_MEDIA_CODECS } from './rtc';
import { runMediaMethod } from './RoomMediaSession';
import { eventually, newRoomWithParticipants, nextEvent, recordingLogger, startPool } from './testing/media';
import { signalOf, WeriftClient } from './testing/werift';
import type { RoomMediaEvents } from './types';
import type { WorkerDiedEvent } from './WorkerPool';

test('a killed worker is replaced, its rooms are told, and they work again on the new one', async (t) => {
  const pool = await startPool(1);
  t.teardown(() => pool.close());
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant', bob: 'participant' });
  const signal = (sessionId: string) => signalOf(media, sessionId);
  const { client: alice, producerId } = await WeriftClient.publish(signal('alice'));
  const { client: bob } = await WeriftClient.subscribe(signal('bob'), producerId);
  t.like(media.counts(), { routers: 1, transports: 2, producers: 1, consumers: 1 });

  const [worker] = pool.workers();
  const died = nextEvent<WorkerDiedEvent>(pool, 'workerDied');
  const replaced = nextEvent<{ slot: number; pid: number }>(pool, 'workerReplaced');
  const reset = nextEvent<RoomMediaEvents['reset'][0]>(media, 'reset');
  process.kill(worker!.pid, 'SIGKILL');

  const death = await died;
  t.is(death.pid, worker!.pid);
  t.deepEqual(
    death.routers.map((r) => r.owner.roomId),
    [media.options.roomId],
    'the event names the room that lost its router',
  );
  const fresh = await replaced;
  t.not(fresh.pid, worker!.pid);
  t.like(await reset, { reason: 'worker-died' });
  t.truthy((await reset).rtpCapabilities.codecs?.length);
  t.like(media.counts(), { routers: 1, peers: 2, transports: 0, producers: 0, consumers: 0 }, 'participants kept, their media gone');
  t.is(pool.workers().length, 1);
  t.is(pool.workers()[0]?.pid, fresh.pid);

  // Clients set their media up again, on the new worker.
  await Promise.all([alice.close(), bob.close()]);
  const again = await WeriftClient.publish(signal('alice'));
  const sub = await WeriftClient.subscribe(signal('bob'), again.producerId);
  const sending = again.client.sendOpus(60);
  await eventually(() => sub.client.received >= 10, 10_000, 'media flowing after the rebuild');
  await sending;
  await Promise.all([again.client.close(), sub.client.close()]);
  await media.close();
  t.is(media.counts().routers, 0);
});

test('workers stopped by a signal to the node (Ctrl-C, SIGTERM to its process group) are not replaced, and rooms end their media without rebuilding', async (t) => {
  const logger = recordingLogger();
  const pool = await startPool(2, logger);
  t.teardown(() => pool.close());
  const { media } = await newRoomWithParticipants(pool, { alice: 'participant' }, { logger });
  const { client: alice } = await WeriftClient.publish(signalOf(media, 'alice'));
  const replaced: unknown[] = [];
  pool.on('workerReplaced', (event) => replaced.push(event));
  const workers = pool.workers();
  t.is(workers.length, 2);

  // A signal to the group reaches every worker, whose own handler closes it (exit code 0).
  const closed = workers.map((worker) => new Promise<void>((resolve) => worker.observer.once('close', () => resolve())));
  for (const worker of workers) process.kill(worker.pid, 'SIGTERM');
  await Promise.all(closed);
  t.true(pool.stopping);
  const refused = await t.throwsAsync(runMediaMethod(media, 'media.createTransport', 'alice', { direction: 'send' }));
  t.is((refused as ClientError | undefined)?.type, 'SERVICE_UNAVAILABLE', 'the room has no media any more, and does not wait for it');
  const noRouter = await t.throwsAsync(pool.createRouter({ roomId: 'late' }, DEFAULT_MEDIA_CODECS));
  t.regex(noRouter?.message ?? '', /shutting down/);
  t.deepEqual(pool.workers(), [], 'nothing respawned');
  t.deepEqual(replaced, []);
  t.deepEqual(
    logger.lines.filter((l) => l.level === 'warn' || l.level === 'error'),
    [],
    'a shutdown is not reported as deaths or failed rebuilds',
  );
  t.true(logger.lines.some((l) => l.msg === 'mediasoup worker stopped by a signal to the node; not replaced'));
  await alice.close();
  await media.close();
});
