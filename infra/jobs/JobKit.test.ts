import { randomUUID } from 'node:crypto';
import test from 'ava';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { Database } from '../db/database';
import { silentLogger } from '../logger';
import { MemoryQueue, PermanentError } from '../queue';
import { Sql } from '../db/sql';
import { defineJobKind, JobKit, type JobNotification, type JobRow } from '.';

// A second user of the kit, apart from render: "exports" whose input says how they go. Serial:
// the sweep takes every unpublished row, so a row another test is about to publish would count.
interface ExportRow extends JobRow {
  input: 'ok' | 'flaky' | 'invalid';
  status: string;
  progress: number;
  error: string | null;
  output: string | null;
}

let testDb: TestDatabase;
let db: Database;
let queue: MemoryQueue;
let kit: JobKit;
const notices: JobNotification[] = [];
const discarded: string[] = [];

test.before(async () => {
  testDb = await createTestDatabase();
  const owner = new Client({ connectionString: testDb.url });
  await owner.connect();
  await owner.query(`
    CREATE TABLE exports (
      id uuid PRIMARY KEY, tenant_id uuid NOT NULL, user_id uuid NOT NULL, input text NOT NULL,
      status text NOT NULL DEFAULT 'PENDING', progress int NOT NULL DEFAULT 0, attempts int NOT NULL DEFAULT 0,
      lease_until timestamptz, enqueued_at timestamptz, error text, output text,
      created timestamptz NOT NULL DEFAULT now(), updated timestamptz NOT NULL DEFAULT now(), completed_at timestamptz);
    GRANT ALL ON exports TO pocdojo_app`);
  await owner.end();
  db = new Database({ url: testDb.url, logger: silentLogger });
  queue = new MemoryQueue({});
  const exportKind = defineJobKind<ExportRow>({
    name: 'export',
    table: 'exports',
    async run(row, progress) {
      await progress.set(50);
      if (row.input === 'flaky') throw new Error('the disk is full');
      if (row.input === 'invalid') throw new PermanentError('The input cannot be exported');
      return { columns: { output: `exports/${row.id}.json` }, bytes: 2, format: 'json', discard: async () => void discarded.push(row.id) };
    },
    notice: (row, outcome) => ({ type: outcome.ok ? 'export.ready' : 'export.failed', title: 'Your export', body: outcome.ok ? 'ready' : outcome.error, data: { exportId: row.id } }),
  });
  kit = new JobKit({ name: 'export', sql: new Sql(db), queue, kinds: [exportKind], failurePrefix: 'Export failed' });
  await kit.start({
    concurrency: 2,
    maxAttempts: 3,
    retryBaseMs: 10,
    ackWaitMs: 60_000,
    logger: silentLogger,
    notify: async (n) => void notices.push(n),
  });
});

test.after.always(async () => {
  await kit?.stop();
  await queue?.close();
  await db?.close();
  await testDb?.drop();
});

async function insert(input: ExportRow['input']): Promise<{ id: string; tenantId: string }> {
  const job = { id: randomUUID(), tenantId: randomUUID() };
  await db.withTenant(job.tenantId, () => db.sequelize.query('INSERT INTO exports (id, tenant_id, user_id, input) VALUES ($1, $2, $3, $4)', { bind: [job.id, job.tenantId, randomUUID(), input] }));
  return job;
}

async function row(id: string): Promise<ExportRow> {
  const [found] = await db.asSystem(() => new Sql(db).rows<ExportRow>('SELECT * FROM exports WHERE id = $1', [id]));
  if (!found) throw new Error(`no export ${id}`);
  return found;
}

/** Polls until the row leaves PENDING/PROCESSING. */
async function settled(id: string): Promise<ExportRow> {
  for (let i = 0; i < 600; i++) {
    const current = await row(id);
    if (current.status !== 'PENDING' && current.status !== 'PROCESSING') return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`export ${id} never settled`);
}

test.serial('a job of another kind than render completes with its columns, and its owner is told once', async (t) => {
  const job = await insert('ok');
  await kit.publish([{ kind: 'export', ...job }]);
  t.like(await settled(job.id), { status: 'COMPLETED', progress: 100, attempts: 1, output: `exports/${job.id}.json`, error: null });
  t.deepEqual(
    notices.filter((n) => n.data.exportId === job.id).map((n) => n.type),
    ['export.ready'],
  );
  // Delivered again: acknowledged without running, nothing discarded, no second notice.
  await kit.publish([{ kind: 'export', ...job }], 'again');
  await settled(job.id);
  for (let i = 0; i < 100 && (await kit.queue.depth()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  t.is((await row(job.id)).attempts, 1);
  t.is(notices.filter((n) => n.data.exportId === job.id).length, 1);
});

test.serial('a failing job is retried with backoff, then FAILED with its message and dead-lettered', async (t) => {
  const job = await insert('flaky');
  await kit.publish([{ kind: 'export', ...job }]);
  t.like(await settled(job.id), { status: 'FAILED', attempts: 3, error: 'Export failed: the disk is full' });
  const dead = (await queue.deadLetters(kit.queue.subject)).filter((d) => (d.payload as { id: string }).id === job.id);
  t.like(dead, [{ attempts: 3, error: 'Export failed: the disk is full' }]);
  t.deepEqual(
    notices.filter((n) => n.data.exportId === job.id).map((n) => [n.type, n.body]),
    [['export.failed', 'Export failed: the disk is full']],
  );
});

test.serial('a permanent error (infra/queue PermanentError) fails the job on its first attempt', async (t) => {
  const job = await insert('invalid');
  await kit.publish([{ kind: 'export', ...job }]);
  t.like(await settled(job.id), { status: 'FAILED', attempts: 1, error: 'Export failed: The input cannot be exported' });
  const dead = (await queue.deadLetters(kit.queue.subject)).filter((d) => (d.payload as { id: string }).id === job.id);
  t.like(dead, [{ attempts: 1 }]);
});

test.serial('the recovery sweep queues a row that never reached the queue and hands out one a dead worker held', async (t) => {
  const unpublished = await insert('ok');
  const stalled = await insert('ok');
  await db.asSystem(() =>
    db.sequelize.query(`UPDATE exports SET status = 'PROCESSING', attempts = 1, enqueued_at = now(), lease_until = now() - interval '1 second' WHERE id = $1`, { bind: [stalled.id] }),
  );
  const result = await kit.recovery({ maxAttempts: 3, unpublishedAfterSeconds: 0, lostAfterSeconds: 120 }).sweep();
  t.like(result, { published: 1, republished: 1, failed: 0 });
  t.like(await settled(unpublished.id), { status: 'COMPLETED', attempts: 1 });
  t.like(await settled(stalled.id), { status: 'COMPLETED', attempts: 2 });
});

test.serial('a message of a kind the kit does not know is refused at publish', async (t) => {
  await t.throwsAsync(kit.publish([{ kind: 'nope', id: randomUUID(), tenantId: randomUUID() }]), { message: /unknown job kind "nope"/ });
});

test.serial('a request whose publish fails (NATS restarting) is queued by a later try, without waiting for the sweep', async (t) => {
  const job = await insert('ok');
  const publish = queue.publish.bind(queue);
  let refused = 0;
  // The queue refuses the first two publishes, as JetStream does while its connection is down.
  queue.publish = (async (...args: Parameters<typeof publish>) => {
    if (refused < 2) {
      refused += 1;
      throw new Error('queue unavailable: connection closed');
    }
    return publish(...args);
  }) as typeof queue.publish;
  try {
    await t.notThrowsAsync(kit.enqueue([{ kind: 'export', ...job }], silentLogger));
    t.is((await row(job.id)).status, 'PENDING', 'the request was answered with the row waiting');
    t.like(await settled(job.id), { status: 'COMPLETED', attempts: 1 });
    t.is(refused, 2);
  } finally {
    queue.publish = publish;
  }
});
