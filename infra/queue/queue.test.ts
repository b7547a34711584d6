import test from 'ava';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, nanos, RetentionPolicy } from 'nats';
import { createDurableQueue } from './createDurableQueue';
import { JetStreamQueue } from './JetStreamQueue';
import { MemoryQueue } from './MemoryQueue';
import { deferred, queueContract, waitFor } from './queueContract';

const transporter = process.env.TRANSPORTER;
const natsUrl = process.env.NATS_URL ?? (transporter?.startsWith('nats:') ? transporter : undefined);

queueContract('memory', async () => ({
  open: async (options) => new MemoryQueue(options),
  dispose: async () => {},
}));

if (natsUrl) {
  // A stream and subject prefix of its own per run keep parallel test files and runs apart.
  const run = randomBytes(4).toString('hex');
  const stream = `QTEST_${run}`;
  const subjectPrefix = `qtest.${run}`;
  queueContract('jetstream', async () => ({
    open: (options) => JetStreamQueue.connect(natsUrl, { ...options, stream, subjectPrefix }),
    dispose: () => deleteStreams(natsUrl, stream),
  }));

  test('jetstream: the factory picks JetStream; messages and dead letters outlive their process', async (t) => {
    const own = `QTEST_${randomBytes(4).toString('hex')}`;
    const options = { natsUrl, stream: own, subjectPrefix: `qtest.${own.toLowerCase()}` };
    t.teardown(() => deleteStreams(natsUrl, own));
    const first = await createDurableQueue(options);
    t.true(first instanceof JetStreamQueue);
    await first.publish('render.jobs', { video: 1 }, { msgId: 'v1' });
    await first.publish('mail', 'bounce', { msgId: 'm1' });
    await first.consume(
      'mail',
      async () => {
        throw new Error('smtp down');
      },
      { durable: 'mail', maxDeliver: 1 },
    );
    const gate = deferred();
    let hung = false;
    await first.consume(
      'render.jobs',
      async () => {
        hung = true;
        await gate.promise;
      },
      { durable: 'render', ackWaitMs: 1000, clusterConcurrency: 4 },
    );
    await waitFor(async () => hung && (await first.deadLetters('mail')).length === 1);
    // The render handler never returns, like a process that died mid-job; close() waits on it.
    const firstClosed = first.close();

    const second = await createDurableQueue(options);
    t.teardown(() => second.close());
    t.like((await second.deadLetters('mail'))[0], { id: 'm1', payload: 'bounce', error: 'smtp down', attempts: 1 });
    t.is(await second.pending('render.jobs'), 1);
    const seen: unknown[] = [];
    await second.consume('render.jobs', async (msg) => void seen.push({ payload: msg.payload, attempt: msg.attempt }), { durable: 'render', ackWaitMs: 1000, clusterConcurrency: 4 });
    await waitFor(async () => seen.length === 1 && (await second.pending('render.jobs')) === 0);
    t.deepEqual(seen, [{ payload: { video: 1 }, attempt: 2 }]);
    gate.resolve();
    await firstClosed;

    const nc = await connect({ servers: natsUrl });
    t.teardown(() => nc.close());
    const jsm = await nc.jetstreamManager();
    t.is((await jsm.streams.info(own)).config.retention, RetentionPolicy.Workqueue);
    t.is((await jsm.streams.info(`${own}_DLQ`)).config.retention, RetentionPolicy.Limits);
    t.like((await jsm.consumers.info(own, 'render')).config, { max_ack_pending: 4, ack_wait: nanos(1000), max_deliver: -1 });
  });

  test('jetstream: a payload that is not JSON is dead-lettered without reaching the handler', async (t) => {
    const own = `QTEST_${randomBytes(4).toString('hex')}`;
    const subjectPrefix = `qtest.${own.toLowerCase()}`;
    t.teardown(() => deleteStreams(natsUrl, own));
    const queue = await JetStreamQueue.connect(natsUrl, { stream: own, subjectPrefix });
    t.teardown(() => queue.close());
    const nc = await connect({ servers: natsUrl });
    t.teardown(() => nc.close());
    await nc.jetstream().publish(`${subjectPrefix}.q.mail`, new TextEncoder().encode('not json'));
    let called = false;
    await queue.consume('mail', async () => void (called = true), { durable: 'mail' });
    await waitFor(async () => (await queue.deadLetters('mail')).length === 1);
    t.false(called);
    t.like((await queue.deadLetters('mail'))[0], { payload: 'not json', attempts: 0 });
    t.regex((await queue.deadLetters('mail'))[0]!.error, /not JSON/);
  });
}

test('the factory without a NATS URL picks the in-process queue', async (t) => {
  const queue = await createDurableQueue({});
  t.true(queue instanceof MemoryQueue);
  await queue.close();
});

test('memory: dead letters are bounded per subject, oldest dropped first', async (t) => {
  const queue = new MemoryQueue({ deadLetterLimit: 2 });
  t.teardown(() => queue.close());
  for (let i = 1; i <= 3; i++) await queue.publish('mail', i);
  await queue.consume(
    'mail',
    async () => {
      throw new Error('down');
    },
    { durable: 'mail', maxDeliver: 1 },
  );
  await waitFor(async () => (await queue.pending('mail')) === 0);
  t.deepEqual(
    (await queue.deadLetters('mail')).map((deadLetter) => deadLetter.payload),
    [2, 3],
  );
  t.deepEqual(
    (await queue.deadLetters('mail', 1)).map((deadLetter) => deadLetter.payload),
    [2],
  );
});

test('memory: a msgId is forgotten after the dedupe window', async (t) => {
  const queue = new MemoryQueue({ dedupeWindowMs: 50 });
  t.teardown(() => queue.close());
  await queue.publish('mail', 1, { msgId: 'x' });
  await queue.publish('mail', 1, { msgId: 'x' });
  await sleep(80);
  await queue.publish('mail', 1, { msgId: 'x' });
  t.is(await queue.pending('mail'), 2);
});

async function deleteStreams(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    for (const name of [stream, `${stream}_DLQ`]) await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}
