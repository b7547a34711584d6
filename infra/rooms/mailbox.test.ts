import test from 'ava';
import { Mailbox } from './Mailbox';

const tick = () => new Promise((r) => setImmediate(r));

test('the mailbox runs turns one at a time, in order, and survives a failed turn', async (t) => {
  const mailbox = new Mailbox();
  const log: string[] = [];
  const turn = (name: string, ms: number) => async () => {
    log.push(`${name}:start`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`${name}:end`);
    return name;
  };
  const a = mailbox.run(turn('a', 20));
  const b = mailbox.run(() => {
    throw new Error('boom');
  });
  const c = mailbox.run(turn('c', 1));
  t.is(await a, 'a');
  await t.throwsAsync(b, { message: 'boom' });
  t.is(await c, 'c');
  t.deepEqual(log, ['a:start', 'a:end', 'c:start', 'c:end']);
});

test('a closed mailbox refuses new and not-yet-started turns', async (t) => {
  const mailbox = new Mailbox();
  const first = mailbox.run(() => new Promise((r) => setTimeout(() => r('done'), 10)));
  const queued = mailbox.run(() => 'never');
  await tick();
  mailbox.close(new Error('closed'));
  t.is(await first, 'done');
  await t.throwsAsync(queued, { message: 'closed' });
  await t.throwsAsync(
    mailbox.run(() => 1),
    { message: 'closed' },
  );
});
