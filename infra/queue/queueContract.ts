// One behavioural contract for every DurableQueue. queue.test.ts runs it against the in-process
// queue always and against JetStream when NATS_URL (or a NATS TRANSPORTER) is set.
import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentError } from './permanent';
import type { DeadLetter, DurableQueue, QueueMessage, QueueOptions } from './types';

export interface ContractTarget {
  /** A new queue on the run's backing store; each test closes its own. */
  open(options?: QueueOptions): Promise<DurableQueue>;
  /** Removes whatever the run left behind. */
  dispose(): Promise<void>;
}

// Timing: small enough to keep the suite quick, large enough that a loaded CI box cannot blur
// the order of events the assertions rely on.
const QUIET_MS = 300;
const ACK_WAIT_MS = 1000;

export function queueContract(label: string, setup: () => Promise<ContractTarget>): void {
  let target: ContractTarget | undefined;
  test.before(async () => {
    target = await setup();
  });
  test.after.always(async () => {
    await target?.dispose();
  });

  // Tests in a file run concurrently; each gets its own queue, subject and durable.
  const open = async (t: ExecutionContext, options?: QueueOptions) => {
    const queue = await target!.open(options);
    t.teardown(() => queue.close());
    return queue;
  };
  const name = (kind: string) => `${kind}${randomBytes(4).toString('hex')}`;
  const it = (title: string, fn: (t: ExecutionContext) => Promise<void>) => test(`${label}: ${title}`, fn);

  it('a message whose handler succeeds is delivered once and leaves the queue', async (t) => {
    const queue = await open(t);
    const subject = `${name('s')}.jobs`;
    const seen: QueueMessage[] = [];
    await queue.publish(subject, { n: 1, at: new Date(0) }, { msgId: 'job-1' });
    await queue.consume(subject, async (msg) => void seen.push(msg), { durable: name('d') });
    await waitFor(async () => seen.length === 1 && (await queue.pending(subject)) === 0);
    await sleep(QUIET_MS);
    // Payloads travel as JSON on both queues: the Date arrives as a string.
    t.deepEqual(seen, [{ id: 'job-1', subject, payload: { n: 1, at: '1970-01-01T00:00:00.000Z' }, attempt: 1 }]);
  });

  it('a duplicate msgId on a subject is stored once; ids are scoped per subject', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    const other = name('s');
    await queue.publish(subject, 'first', { msgId: 'm1' });
    await queue.publish(subject, 'again', { msgId: 'm1' });
    await queue.publish(subject, 'second', { msgId: 'm2' });
    await queue.publish(other, 'elsewhere', { msgId: 'm1' });
    t.is(await queue.pending(subject), 2);
    t.is(await queue.pending(other), 1);
    const seen: string[] = [];
    await queue.consume<string>(subject, async (msg) => void seen.push(`${msg.id}:${msg.payload}`), { durable: name('d') });
    await waitFor(async () => (await queue.pending(subject)) === 0);
    await sleep(QUIET_MS);
    t.deepEqual(seen, ['m1:first', 'm2:second']);
  });

  it('oldestAge: the age of the oldest message not yet acknowledged, 0 once none is left', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    t.is(await queue.oldestAge(subject), 0);
    await queue.publish(subject, 'first', { msgId: 'a1' });
    await sleep(QUIET_MS);
    await queue.publish(subject, 'second', { msgId: 'a2' });
    // The first message's age, not the last's: at least the pause between the two publishes.
    t.true((await queue.oldestAge(subject)) >= (QUIET_MS - 50) / 1000);
    await queue.consume(subject, async () => undefined, { durable: name('d') });
    await waitFor(async () => (await queue.pending(subject)) === 0);
    t.is(await queue.oldestAge(subject), 0);
  });

  it('a failing handler is retried with growing delays, then dead-lettered with its error', async (t) => {
    const dead: DeadLetter[] = [];
    const queue = await open(t, { onDeadLetter: (deadLetter) => dead.push(deadLetter) });
    const subject = name('s');
    const starts: number[] = [];
    const failures: number[] = [];
    await queue.publish(subject, { job: 7 }, { msgId: 'poison' });
    await queue.consume(
      subject,
      async (msg) => {
        starts.push(Date.now());
        t.is(msg.attempt, starts.length);
        failures.push(Date.now());
        throw new Error(`boom ${msg.attempt}`);
      },
      { durable: name('d'), maxDeliver: 3, backoffMs: [150, 400] },
    );
    await waitFor(async () => dead.length === 1);
    t.is(starts.length, 3);
    const firstGap = starts[1]! - failures[0]!;
    const secondGap = starts[2]! - failures[1]!;
    t.true(firstGap >= 140, `first retry after ${firstGap} ms`);
    t.true(secondGap >= 390 && secondGap > firstGap, `second retry after ${secondGap} ms`);
    const expected = { id: 'poison', subject, payload: { job: 7 }, attempts: 3, error: 'boom 3' };
    t.like(dead[0], expected);
    const stored = await queue.deadLetters(subject);
    t.is(stored.length, 1);
    t.like(stored[0], expected);
    t.true(Math.abs(stored[0]!.at - Date.now()) < 60_000);
    t.is(await queue.pending(subject), 0);
    await sleep(QUIET_MS);
    t.is(starts.length, 3, 'a dead letter is not delivered again');
  });

  it('a permanent failure is dead-lettered on its first attempt, not retried', async (t) => {
    const dead: DeadLetter[] = [];
    const queue = await open(t, { onDeadLetter: (deadLetter) => dead.push(deadLetter) });
    const subject = name('s');
    let attempts = 0;
    await queue.publish(subject, 'no-binary', { msgId: 'permanent' });
    await queue.consume(
      subject,
      async () => {
        attempts += 1;
        throw new PermanentError('ffmpeg is not installed');
      },
      { durable: name('d'), maxDeliver: 5, backoffMs: [50] },
    );
    await waitFor(async () => dead.length === 1);
    t.like(dead[0], { id: 'permanent', attempts: 1, error: 'ffmpeg is not installed' });
    await sleep(QUIET_MS);
    t.is(attempts, 1);
    t.is(await queue.pending(subject), 0);
  });

  it('a handler that fails then succeeds is acked, not dead-lettered', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    const attempts: number[] = [];
    await queue.publish(subject, 'flaky');
    await queue.consume(
      subject,
      async (msg) => {
        attempts.push(msg.attempt);
        if (msg.attempt === 1) throw new Error('transient');
      },
      { durable: name('d'), backoffMs: [50] },
    );
    await waitFor(async () => attempts.length === 2 && (await queue.pending(subject)) === 0);
    t.deepEqual(attempts, [1, 2]);
    t.deepEqual(await queue.deadLetters(subject), []);
  });

  it('never runs more handlers at once than the concurrency', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    for (let i = 0; i < 10; i++) await queue.publish(subject, i);
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await queue.consume<number>(
      subject,
      async (msg) => {
        active += 1;
        peak = Math.max(peak, active);
        await sleep(40);
        active -= 1;
        done.push(msg.payload);
      },
      { durable: name('d'), concurrency: 3 },
    );
    await waitFor(async () => done.length === 10);
    t.true(peak <= 3, `peak ${peak}`);
    t.true(peak > 1, `handlers ran in parallel (peak ${peak})`);
    t.deepEqual(
      [...done].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('pending counts queued and in-flight messages until they are acked', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    t.is(await queue.pending(subject), 0);
    for (let i = 0; i < 3; i++) await queue.publish(subject, i);
    t.is(await queue.pending(subject), 3);
    const gate = deferred();
    let started = 0;
    await queue.consume(
      subject,
      async () => {
        started += 1;
        await gate.promise;
      },
      { durable: name('d'), concurrency: 2 },
    );
    await waitFor(async () => started === 2);
    t.is(await queue.pending(subject), 3, 'in-flight messages still count');
    gate.resolve();
    await waitFor(async () => (await queue.pending(subject)) === 0);
    t.is(started, 3);
  });

  it('a handler slower than ackWaitMs sees its message redelivered (at-least-once)', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    const events: string[] = [];
    await queue.publish(subject, 'slow');
    await queue.consume(
      subject,
      async (msg) => {
        events.push(`start ${msg.attempt}`);
        if (msg.attempt === 1) await sleep(ACK_WAIT_MS * 2);
        events.push(`end ${msg.attempt}`);
      },
      { durable: name('d'), concurrency: 2, ackWaitMs: ACK_WAIT_MS },
    );
    await waitFor(async () => events.length === 4 && (await queue.pending(subject)) === 0);
    t.deepEqual(events, ['start 1', 'start 2', 'end 2', 'end 1']);
    t.deepEqual(await queue.deadLetters(subject), []);
  });

  it('a last attempt that outlives ackWaitMs is dead-lettered', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    const attempts: number[] = [];
    await queue.publish(subject, 'stuck', { msgId: 'stuck' });
    await queue.consume(
      subject,
      async (msg) => {
        attempts.push(msg.attempt);
        await sleep(ACK_WAIT_MS * 1.5);
      },
      { durable: name('d'), concurrency: 2, maxDeliver: 1, ackWaitMs: ACK_WAIT_MS },
    );
    await waitFor(async () => (await queue.deadLetters(subject)).length === 1);
    const [deadLetter] = await queue.deadLetters(subject);
    t.like(deadLetter, { id: 'stuck', payload: 'stuck', attempts: 1 });
    t.regex(deadLetter!.error, /not acknowledged/);
    t.deepEqual(attempts, [1], 'the handler is not run past maxDeliver');
    await waitFor(async () => (await queue.pending(subject)) === 0);
  });

  it('stop() waits for running handlers and stops delivery; the durable resumes later', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    const durable = name('d');
    const seen: string[] = [];
    let finished = false;
    await queue.publish(subject, 'one');
    const subscription = await queue.consume<string>(
      subject,
      async (msg) => {
        seen.push(msg.payload);
        await sleep(100);
        finished = true;
      },
      { durable },
    );
    await waitFor(async () => seen.length === 1);
    await subscription.stop();
    t.true(finished, 'stop() resolved after the running handler');
    await t.notThrowsAsync(subscription.stop());
    await queue.publish(subject, 'two');
    await sleep(QUIET_MS);
    t.deepEqual(seen, ['one']);
    t.is(await queue.pending(subject), 1);
    await queue.consume<string>(subject, async (msg) => void seen.push(msg.payload), { durable });
    await waitFor(async () => seen.length === 2 && (await queue.pending(subject)) === 0);
    t.deepEqual(seen, ['one', 'two']);
  });

  it('a subject has one durable, a durable one subject, a process one subscription per subject', async (t) => {
    const queue = await open(t);
    const subject = name('s');
    const durable = name('d');
    const handler = async () => {};
    await t.throwsAsync(queue.publish('bad subject', 1), { instanceOf: TypeError });
    await t.throwsAsync(queue.publish('orders.*', 1), { instanceOf: TypeError });
    await t.throwsAsync(queue.consume(subject, handler, { durable: 'a.b' }), { instanceOf: TypeError });
    await t.throwsAsync(queue.consume(subject, handler, { durable, concurrency: 0 }), { instanceOf: RangeError });
    const subscription = await queue.consume(subject, handler, { durable });
    await t.throwsAsync(queue.consume(subject, handler, { durable }), { message: /already has a subscription/ });
    // The binding outlives the subscription, as a JetStream durable consumer does.
    await subscription.stop();
    await t.throwsAsync(queue.consume(subject, handler, { durable: name('d') }), { message: /already consumed by another durable/ });
    await t.throwsAsync(queue.consume(name('s'), handler, { durable }), { message: /already consumes/ });
  });

  it('close() is safe twice and refuses work afterwards', async (t) => {
    const queue = await target!.open();
    const subject = name('s');
    await queue.consume(subject, async () => {}, { durable: name('d') });
    await queue.close();
    await t.notThrowsAsync(queue.close());
    await t.throwsAsync(queue.publish(subject, 1), { message: /closed/ });
    await t.throwsAsync(queue.pending(subject), { message: /closed/ });
  });
}

/** Polls until `condition` holds; the suites never assert on wall-clock speed, only on order. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
